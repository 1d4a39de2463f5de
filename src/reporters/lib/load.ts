import type { RunResult } from '../../engine/types.js';
import type { LoadResult } from '../../load/types.js';
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
