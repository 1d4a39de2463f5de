import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import type { Container, Workload } from '../core/model.js';

/** Words that only print, wait or test: a command made of these runs no migration, whatever the Job is called. */
const INERT = new Set(['echo', 'printf', 'sleep', 'true', 'false', ':', 'test', '[', 'wait', 'cat', 'ls', 'env', 'exit', 'until', 'while', 'do', 'done', 'if', 'then', 'fi', 'nc', 'pg_isready']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

function base(word: string): string {
  return word.split('/').pop() ?? word;
}

/** Split a shell script into simple commands (enough for the `sh -c "a && b"` that Jobs carry). */
function simpleCommands(script: string): string[][] {
  return script
    .split(/&&|\|\||;|\||\n/)
    .map((part) => part.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0);
}

/** Does this argv apply migrations? Judged by what runs and with which verb, not by names. */
export function runsMigration(argv: string[], params: { tools: string[]; verbs: string[] }): boolean {
  if (argv.length === 0) return false;
  const first = base(argv[0]!);
  if (SHELLS.has(first)) {
    const cIdx = argv.findIndex((a) => a === '-c' || a === '-ec' || a === '-ce' || a === '-exc');
    if (cIdx >= 0 && argv[cIdx + 1] !== undefined) {
      const cmds = simpleCommands(argv[cIdx + 1]!);
      // A loop that polls `migrate status` until done waits; it does not migrate.
      return cmds.some((c) => !isInsideWaitLoop(argv[cIdx + 1]!, c) && runsMigration(c, params));
    }
    return false;
  }
  if (INERT.has(first)) return false;
  const words = argv.map((a) => a.toLowerCase());
  const toolIdx = words.findIndex((w) => params.tools.some((t) => base(w) === t || base(w).endsWith(`-${t}`) || base(w).startsWith(`${t}-`)));
  if (toolIdx < 0) return false;
  // The tool must be asked to apply: `migrate up`, `recsys migrate up`, `atlas migrate apply`, `flyway migrate`.
  const rest = words.slice(toolIdx + 1);
  if (params.verbs.some((v) => rest.includes(v))) return true;
  return base(words[toolIdx]!) === 'flyway' && rest.includes('migrate');
}

function isInsideWaitLoop(script: string, cmd: string[]): boolean {
  const text = cmd.join(' ');
  return new RegExp(`(until|while)\\s+(!\\s*)?${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(script);
}

export default defineCheck({
  meta: {
    id: 'migration-job',
    type: 'problem',
    description:
      'Fails when no Job, Helm hook Job or init container of the manifests really runs a migration command; unknown without manifests.',
    messages: {
      none: 'no Job, Helm hook Job or init container in the manifests runs a migration ({{looked}})',
      noManifests: 'no rendered manifests were given, and Helm values alone do not render a migration Job: pass --manifests to decide',
      lookalike: '{{resource}} looks like a migration by name but its command does not apply migrations ({{command}})',
    },
    params: z.strictObject({
      tools: z.array(z.string()).default(['migrate', 'recsys-migrate', 'goose', 'atlas', 'flyway', 'dbmate', 'sqitch', 'liquibase', 'migrations']),
      verbs: z.array(z.string()).default(['up', 'apply', 'deploy', 'update', 'migrate']),
    }),
  },
  run(ctx, p) {
    const rendered = ctx.model.workloads.filter((w) => w.renderedFrom === undefined);
    if (!ctx.model.sources.some((s) => s.kind === 'manifests')) return ctx.unknown({ messageId: 'noManifests' });
    const candidates: Array<{ w: Workload; c: Container; how: string }> = [];
    for (const w of rendered) {
      if (w.kind === 'Job' || (w.kind === 'CronJob' && w.helmHooks.length > 0)) {
        for (const c of w.containers) candidates.push({ w, c, how: w.helmHooks.length > 0 ? `Helm hook (${w.helmHooks.join(', ')}) ${w.kind}` : w.kind });
      }
      for (const c of w.initContainers) candidates.push({ w, c, how: `init container of ${w.kind}` });
    }
    const found = candidates.find(({ c }) => runsMigration([...c.command, ...c.args], p));
    if (found) {
      ctx.evidence(
        `${found.how} ${found.w.name}, container ${found.c.name} runs \`${[...found.c.command, ...found.c.args].join(' ')}\` (${describeLocation(found.c.location)})`,
      );
      return;
    }
    const lookalikes = candidates.filter(({ w, c }) => /migrat/i.test(`${w.name} ${c.name}`));
    for (const { w, c } of lookalikes) {
      ctx.report({
        messageId: 'lookalike',
        data: { resource: `${w.kind}/${w.name} container ${c.name}`, command: [...c.command, ...c.args].join(' ') || 'no command' },
        location: c.location,
      });
    }
    if (lookalikes.length === 0) {
      const jobs = rendered.filter((w) => w.kind === 'Job').length;
      const inits = rendered.reduce((n, w) => n + w.initContainers.length, 0);
      ctx.report({
        messageId: 'none',
        data: { looked: `${jobs} Job${jobs === 1 ? '' : 's'}, ${inits} init container${inits === 1 ? '' : 's'}` },
        ...(ctx.model.api ? { location: ctx.model.api.workload.location } : {}),
      });
    }
  },
});
