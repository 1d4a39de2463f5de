// How a burst is shown to a person: the text summary of `prodready load` and the TTY progress line.
import type { GateVerdict, LoadResult } from './types.js';
import type { BurstProgress } from './engine.js';

const ms = (v: number | null) => (v === null ? 'n/a' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(2)}%`);

/** A URL fit to print: no user info, no query (either may carry a credential). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(invalid URL)';
  }
}

function counts(rec: Record<string, number>): string {
  const parts = Object.entries(rec).map(([k, v]) => `${k}×${v}`);
  return parts.length ? parts.join('  ') : 'none';
}

export function formatLoadText(result: LoadResult, verdicts: GateVerdict[], target: string): string {
  const lines: string[] = [];
  const mode =
    result.mode === 'open'
      ? `open loop at ${result.target_rps} req/s, at most ${result.concurrency} in flight`
      : `closed loop, ${result.concurrency} connections`;
  lines.push(`prodready load: POST ${displayUrl(target)}${result.endpoint ?? ''}, ${mode}`);
  lines.push(
    `  ${result.requests} requests in ${(result.elapsed_ms / 1000).toFixed(2)} s (${result.rps.toFixed(1)} req/s), ended by: ${result.stopped_by ?? 'n/a'}` +
      (result.warmup_requests ? `, after ${result.warmup_requests} warm-up requests not counted` : ''),
  );
  const l = result.latency_ms;
  lines.push(`  latency ms   p50 ${ms(l.p50)}   p90 ${ms(l.p90)}   p95 ${ms(l.p95)}   p99 ${ms(l.p99)}   max ${ms(l.max)}`);
  lines.push(
    `  success ${result.success}   rate limited (429) ${result.rate_limited ?? 'n/a'}   errors ${result.errors} (error rate ${pct(result.error_rate)}, 429s not counted)`,
  );
  if (result.dropped) lines.push(`  ${result.dropped} arrivals due but never sent (all connections busy); their wait is in the latencies`);
  lines.push(`  status codes   ${counts(result.status_codes)}`);
  if (Object.keys(result.error_causes).length) {
    lines.push(`  error causes   ${counts(result.error_causes)}`);
    for (const [code, list] of Object.entries(result.error_samples ?? {})) {
      if (list[0]) lines.push(`    ${code}: ${JSON.stringify(list[0].slice(0, 160))}`);
    }
  }
  if (result.requests > 0 && Object.keys(result.status_codes).length === 0) {
    lines.push('  no request got an HTTP answer: nothing to judge');
  } else if (result.requests > 0 && result.success === 0) {
    lines.push('  no request got a successful (2xx) answer: the burst fails whatever the gates');
  }
  if (result.retry_after_ms) {
    lines.push(`  waited ${(result.retry_after_ms / 1000).toFixed(2)} s as Retry-After asked${result.stopped_by === 'retry-after' ? '; the next wait would have ended past --duration' : ''}`);
  }
  if (verdicts.length) {
    lines.push('  gates');
    for (const v of verdicts) lines.push(`    ${v.status.toUpperCase().padEnd(7)} ${v.gate.padEnd(12)} ${v.message}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatProgress(p: BurstProgress): string {
  return `  ${p.done}/${p.total} requests   ${p.rps.toFixed(0)} req/s   p95 ${p.p95Ms === null ? 'n/a' : `${p.p95Ms.toFixed(1)} ms`}   ${(p.elapsedMs / 1000).toFixed(1)} s`;
}
