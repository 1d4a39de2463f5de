import type { Command } from 'commander';
import { defaultConfig } from '../core/config-types.js';
import { UserError } from '../core/errors.js';
import { SECTION_TITLES } from '../core/types.js';
import { didYouMean } from '../core/did-you-mean.js';
import { collect } from './flags.js';
import { loadRunPack } from '../engine/run.js';
import { unitMetas } from '../pack/pack.js';

export function registerRulesCommands(program: Command): void {
  program
    .command('rules')
    .description('list every rule and probe: id, section, severity, title')
    .option('--rules <dir>', 'an extra rule pack directory (repeatable)', collect, [])
    .option('--json', 'as JSON')
    .action(async (opts: { rules: string[]; json?: boolean }) => {
      const units = unitMetas((await loadRunPack(defaultConfig(), opts.rules)).rules).sort((a, b) => a.section - b.section || a.id.localeCompare(b.id));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(units, null, 2)}\n`);
        return;
      }
      const width = Math.max(...units.map((u) => u.id.length));
      for (const u of units) {
        process.stdout.write(`${u.id.padEnd(width)}  ${u.section}  ${u.severity.padEnd(5)}  ${u.kind === 'probe' ? '[live] ' : ''}${u.title}\n`);
      }
    });

  program
    .command('explain <id>')
    .description('what a rule decides, why it matters, and how to fix it')
    .option('--rules <dir>', 'an extra rule pack directory (repeatable)', collect, [])
    .action(async (id: string, opts: { rules: string[] }) => {
      const units = unitMetas((await loadRunPack(defaultConfig(), opts.rules)).rules);
      const u = units.find((x) => x.id === id);
      if (!u) {
        const guess = didYouMean(id, units.map((x) => x.id));
        throw new UserError('unknown-rule', `no rule "${id}"${guess ? `; did you mean "${guess}"?` : ''}`);
      }
      process.stdout.write(
        [
          `${u.id} (${u.kind === 'probe' ? 'live probe' : 'static rule'}, ${u.severity}, section ${u.section}: ${SECTION_TITLES[u.section]})`,
          '',
          u.title,
          '',
          u.description,
          '',
          `Fix: ${u.remediation ?? ''}`,
          `Template: ${u.checkId}`,
          `Docs: ${u.helpUrl ?? ''}`,
          '',
        ].join('\n'),
      );
    });
}
