import { Chalk } from 'chalk';
import { safeText } from '../../core/safe-text.js';
import { SECTIONS, type Finding, type RunResult } from '../../core/types.js';
import type { FleetFormat, FleetReporter, FleetRow } from './types.js';

// The text `check --each` prints, and `prodready merge` prints for sharded runs: each deployment in a few lines
// (what failed, not the passes), then the summary table. Both commands use these two functions.

const plain = new Chalk({ level: 0 });

export function summaryTable(rows: readonly FleetRow[], c: InstanceType<typeof Chalk> = plain): string {
  const names = rows.map((r) => safeText(r.deployment));
  const width = Math.max(10, ...names.map((n) => n.length));
  const head = `${'deployment'.padEnd(width)}  verdict    ${SECTIONS.map((s) => `s${s}`.padStart(3)).join(' ')}`;
  const lines = ['', c.bold(head)];
  for (const [i, r] of rows.entries()) {
    const verdict = r.verdict === 'ready' ? c.green('ready    ') : r.verdict === 'error' ? c.red('error    ') : c.red('not-ready');
    const cells = r.verdict === 'error' ? safeText((r.error ?? '').split('\n')[0]!) : r.failuresBySection.map((n) => String(n).padStart(3)).join(' ');
    lines.push(`${names[i]!.padEnd(width)}  ${verdict}  ${cells}${r.fatal > 0 ? c.red(`  ${r.fatal} unreadable`) : ''}`);
  }
  const ready = rows.filter((r) => r.verdict === 'ready').length;
  // A deployment that could not be judged is neither ready nor found not ready: it is counted apart.
  const errors = rows.filter((r) => r.verdict === 'error').length;
  lines.push(
    '',
    `${rows.length} deployment${rows.length === 1 ? '' : 's'}: ${ready} ready, ${rows.length - ready - errors} not ready${errors > 0 ? `, ${errors} could not be judged` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** A finding's message, with its file:line after it when the message does not already name it (a parse error's does not). */
function located(f: Finding): string {
  const l = f.location;
  if (!l?.file || !l.line) return safeText(f.message);
  const at = `${l.file}:${l.line}`;
  return safeText(f.message.includes(at) ? f.message : `${f.message} (${at})`);
}

/** A deployment in a few lines: its verdict and what failed, without the passes. */
export function compactText(result: RunResult, c: InstanceType<typeof Chalk> = plain): string {
  const lines = [`${c.bold(safeText(result.deployment ?? ''))}  ${result.summary.verdict === 'ready' ? c.green('READY') : c.red('NOT READY')}`];
  for (const f of result.fatal) lines.push(`  ${c.red('FATAL')} ${located(f)}`);
  for (const r of result.results) {
    for (const f of r.findings) {
      if (f.status !== 'fail' && f.status !== 'warn') continue;
      lines.push(`  ${f.status === 'fail' ? c.red('FAIL') : c.yellow('WARN')} ${safeText(r.id)}: ${located(f)}`);
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
