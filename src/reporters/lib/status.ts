import type { RunResult, RunSummary, Status, UnitResult } from '../../core/types.js';

/** Display order: what needs action first. */
export const STATUS_ORDER: readonly Status[] = ['fail', 'warn', 'unknown', 'manual', 'waived', 'skip', 'pass'];

export const STATUS_LABEL: Record<Status, string> = {
  pass: 'pass',
  fail: 'fail',
  warn: 'warn',
  skip: 'skip',
  unknown: 'unknown',
  manual: 'manual',
  waived: 'waived',
};

/** For formats read by people in a browser (Markdown on GitHub, HTML). */
export const STATUS_EMOJI: Record<Status, string> = {
  pass: '✅',
  fail: '❌',
  warn: '⚠️',
  skip: '⏭️',
  unknown: '❓',
  manual: '📝',
  waived: '🛡️',
};

/** Findings that ask for attention in CI annotations and code scanning. */
export function isReportable(status: Status): boolean {
  return status === 'fail' || status === 'warn' || status === 'unknown' || status === 'waived';
}

/** `3 fail, 1 warn` from counts, in display order, zeros left out. */
export function countsLine(counts: Record<Status, number>): string {
  const parts = STATUS_ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${STATUS_LABEL[s]}`);
  return parts.length ? parts.join(', ') : 'nothing checked';
}

/** A finding status that shuts the gate: fail, and warn when --fail-on warn or --max-warnings is exceeded. */
export function failsGate(status: Status, summary: RunSummary): boolean {
  return status === 'fail' || (status === 'warn' && (summary.failOn === 'warn' || summary.tooManyWarnings !== undefined));
}

/** `--quiet`: the units with a finding that shuts the gate, each with only those findings. */
export function gateFailures(result: RunResult): UnitResult[] {
  return result.results
    .map((u) => ({ ...u, findings: u.findings.filter((f) => failsGate(f.status, result.summary)) }))
    .filter((u) => u.findings.length > 0);
}

/** The verdict's reason when --max-warnings shut the gate. */
export function warningLimitLine(summary: RunSummary): string | undefined {
  const t = summary.tooManyWarnings;
  return t ? `${t.count} warnings, more than --max-warnings ${t.max}` : undefined;
}
