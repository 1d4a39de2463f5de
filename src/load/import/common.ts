// What every importer shares: the outcome type, the problem codes, and the arithmetic
// that turns a tool's counts into the LoadResult figures the gates read.

import type { LatencySummary, LoadResult } from '../types.js';

export type ImportProblemCode =
  | 'file-not-found'
  | 'file-unreadable'
  | 'file-too-large'
  | 'empty-file'
  | 'unknown-format'
  | 'invalid-json'
  | 'invalid-csv'
  | 'truncated-row'
  | 'bad-number'
  | 'missing-column'
  | 'missing-row'
  | 'missing-field'
  | 'not-a-summary'
  | 'no-http-metrics';

export interface ImportProblem {
  file: string;
  /** 1-based; 0 when the problem is the file as a whole (missing, unreadable, too large). */
  line: number;
  column?: number;
  message: string;
  code: ImportProblemCode;
}

export type ImportOutcome = { ok: true; result: LoadResult } | { ok: false; problem: ImportProblem };

/**
 * A file to import. Its modification time is deliberately not here: a checkout, a copy or an
 * artifact download sets it, so it never tells when the test ran.
 */
export interface SourceFile {
  /** Path as the user gave it: evidence shows it as they know it. */
  file: string;
  text: string;
  /** When the user said the test ran (`--load-results-date`), for files that carry no time. */
  stated: Date | null;
  now: Date;
}

export function problem(
  file: string,
  code: ImportProblemCode,
  message: string,
  line: number,
  column?: number,
): { ok: false; problem: ImportProblem } {
  return { ok: false, problem: column === undefined ? { file, line, message, code } : { file, line, column, message, code } };
}

export function emptyLatency(): LatencySummary {
  return { p50: null, p90: null, p95: null, p99: null, max: null, mean: null };
}

/** Start time when the file carries none: the date the user stated, or unknown (never the mtime or the clock). */
export function unstatedStart(src: SourceFile): Pick<LoadResult, 'started_at' | 'started_at_source'> {
  return src.stated ? { started_at: src.stated.toISOString(), started_at_source: 'stated' } : { started_at: null };
}

/**
 * A time a file or a wrapper script wrote, when it is unambiguous: ISO 8601 with a date, a time
 * and a zone (`Z` or `±HH:MM`). A time without a zone could be any of 26 hours, so it is not used.
 */
export function zonedTime(v: unknown): Date | null {
  if (typeof v !== 'string' || v.length > 64) return null;
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i.test(v.trim())) return null;
  const d = new Date(v.trim().replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Errors with 429s apart. `failed` counts every failed request the tool saw; when the tool
 * tells 429s apart, they leave the errors and the denominator, as the burst counts them.
 */
export function errorFigures(
  requests: number,
  failed: number,
  rateLimited: number | null,
): Pick<LoadResult, 'errors' | 'rate_limited' | 'error_rate'> {
  const limited = rateLimited === null ? null : Math.min(rateLimited, failed);
  const errors = Math.max(0, failed - (limited ?? 0));
  const denominator = requests - (limited ?? 0);
  return { errors, rate_limited: limited, error_rate: denominator > 0 ? errors / denominator : null };
}

/** Names of latency figures the format did not carry. */
export function missingLatency(latency: LatencySummary): string[] {
  return (Object.keys(latency) as Array<keyof LatencySummary>)
    .filter((k) => latency[k] === null)
    .map((k) => `latency_ms.${k}`);
}

const GO_UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  'µs': 0.001,
  'μs': 0.001,
  us: 0.001,
  ns: 0.000_001,
};
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|µs|μs|us|ns))+$/;
const GO_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|µs|μs|us|ns)/g;

/** A Go `time.Duration` string as printed by k6 and the recsys harness (`1m2.5s`, `950µs`) in ms. */
export function parseGoDuration(text: string): number | null {
  const t = text.trim();
  if (t === '0' || t === '0s') return 0;
  if (!GO_DURATION.test(t)) return null;
  let ms = 0;
  for (const m of t.matchAll(GO_PART)) ms += Number(m[1]) * GO_UNIT_MS[m[2]!]!;
  return ms;
}

const SECRET_PARAM = /token|key|secret|pass|auth|sig|session|credential|jwt/i;

/**
 * Endpoint names are often URLs (Locust and k6 name a request by its URL unless the script
 * names it), and URLs carry credentials: mask userinfo passwords and secret-looking query values.
 */
export function redactEndpointName(name: string): string {
  return name
    .replace(/(\/\/[^/:@\s]+:)[^/@\s]+@/g, '$1***@')
    .replace(/([?&;])([^=&;#\s]+)=([^&;#\s},]*)/g, (all, sep: string, key: string) => (SECRET_PARAM.test(key) ? `${sep}${key}=***` : all));
}
