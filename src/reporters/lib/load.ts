import type { RunResult } from '../../core/types.js';
import type { LoadResult } from '../../core/load.js';
import { relativeFile } from './location.js';

/** RunResult.load is typed loosely so the engine need not import load types; accept only well-formed entries. */
export function isLoadResult(x: unknown): x is LoadResult {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    typeof r.requests === 'number' &&
    typeof r.rps === 'number' &&
    typeof r.latency_ms === 'object' &&
    r.latency_ms !== null &&
    typeof r.tool === 'string'
  );
}

export function loadResults(result: RunResult): LoadResult[] {
  return (result.load ?? []).filter(isLoadResult);
}

/** A figure or `unknown`; never 0 for a figure the source did not carry. */
export function figure(value: number | null | undefined, unit = '', digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unknown';
  const text = Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return unit ? `${text} ${unit}` : text;
}

export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unknown';
  return `${(value * 100).toFixed(2)}%`;
}

/** `200: 193, 429: 4` sorted by key. */
export function keyedCounts(counts: Record<string, number>): string {
  const keys = Object.keys(counts).sort();
  return keys.length ? keys.map((k) => `${k}: ${counts[k]}`).join(', ') : 'none';
}

/** Short name of one load result for headings. */
export function loadTitle(r: LoadResult, cwd: string): string {
  const what = r.endpoint ?? (r.file ? relativeFile(r.file, cwd) : 'load test');
  return `${what} (${r.tool}${r.mode ? `, ${r.mode} loop` : ''})`;
}

/** The figures of one load result as label/value rows, the same in every report format. */
export function loadFigureRows(r: LoadResult): Array<[string, string]> {
  const l = r.latency_ms;
  const rows: Array<[string, string]> = [
    ['Requests', `${r.requests} (${r.success} ok, ${r.errors} errors, ${r.rate_limited === null ? 'unknown' : r.rate_limited} rate limited)`],
    ['Concurrency', figure(r.concurrency)],
    ['Throughput', figure(r.rps, 'req/s')],
    ['Elapsed', figure(r.elapsed_ms, 'ms')],
    ['Error rate', percent(r.error_rate)],
    ['Latency p50 / p90 / p95 / p99', [l.p50, l.p90, l.p95, l.p99].map((v) => figure(v, 'ms')).join(' / ')],
    ['Latency mean / max', [l.mean, l.max].map((v) => figure(v, 'ms')).join(' / ')],
    ['Status codes', keyedCounts(r.status_codes)],
    ['Error causes', keyedCounts(r.error_causes)],
  ];
  if (r.started_at) rows.push(['Started', `${r.started_at}${r.started_at_source ? ` (from ${r.started_at_source})` : ''}`]);
  if (r.stopped_by) rows.push(['Stopped by', r.stopped_by]);
  if (r.unknown_fields.length) rows.push(['Not in the source', r.unknown_fields.join(', ')]);
  return rows;
}
