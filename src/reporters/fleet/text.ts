import { Chalk } from 'chalk';
import { SECTIONS, type RunResult } from '../../core/types.js';
import type { FleetFormat, FleetReporter, FleetRow } from './types.js';

// The text `check --each` prints, and `prodready merge` prints for sharded runs: each deployment in a few lines
// (what failed, not the passes), then the summary table. Both commands use these two functions.

const plain = new Chalk({ level: 0 });

export function summaryTable(rows: readonly FleetRow[], c: InstanceType<typeof Chalk> = plain): string {
  const width = Math.max(10, ...rows.map((r) => r.deployment.length));
  const head = `${'deployment'.padEnd(width)}  verdict    ${SECTIONS.map((s) => `s${s}`.padStart(3)).join(' ')}`;
  const lines = ['', c.bold(head)];
  for (const r of rows) {
    const verdict = r.verdict === 'ready' ? c.green('ready    ') : r.verdict === 'error' ? c.red('error    ') : c.red('not-ready');
    const cells = r.verdict === 'error' ? (r.error ?? '').split('\n')[0]! : r.failuresBySection.map((n) => String(n).padStart(3)).join(' ');
    lines.push(`${r.deployment.padEnd(width)}  ${verdict}  ${cells}${r.fatal > 0 ? c.red(`  ${r.fatal} unreadable`) : ''}`);
  }
  const ready = rows.filter((r) => r.verdict === 'ready').length;
  lines.push('', `${rows.length} deployment${rows.length === 1 ? '' : 's'}: ${ready} ready, ${rows.length - ready} not ready`);
  return `${lines.join('\n')}\n`;
}

/** A deployment in a few lines: its verdict and what failed, without the passes. */
export function compactText(result: RunResult, c: InstanceType<typeof Chalk> = plain): string {
  const lines = [`${c.bold(result.deployment ?? '')}  ${result.summary.verdict === 'ready' ? c.green('READY') : c.red('NOT READY')}`];
  for (const f of result.fatal) lines.push(`  ${c.red('FATAL')} ${f.message}`);
  for (const r of result.results) {
    for (const f of r.findings) {
      if (f.status !== 'fail' && f.status !== 'warn') continue;
      lines.push(`  ${f.status === 'fail' ? c.red('FAIL') : c.yellow('WARN')} ${r.id}: ${f.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const reporter: FleetReporter = {
  head: () => '',
  deployment: (result) => compactText(result),
  tail: (rows) => summaryTable(rows),
};

const text: FleetFormat = () => reporter;

export default text;
