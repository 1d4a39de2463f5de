// Reading a previous report to compare against: prodready's own LoadResult, or the recsys harness's JSON
// (its fields are a subset of LoadResult, so both read the same way).
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { lazy } from '../core/lazy.js';
import { UserError } from '../core/errors.js';
import type { LatencySummary, LoadResult } from '../core/load.js';

const MAX_BYTES = 10 * 1024 * 1024;

// Built on first use: only a command given a previous report parses with it.
const reportSchema = lazy(() => {
  const num = z.number().finite();
  const latencySchema = z.looseObject({
    p50: num.nullable().optional(),
    p90: num.nullable().optional(),
    p95: num.nullable().optional(),
    p99: num.nullable().optional(),
    max: num.nullable().optional(),
    mean: num.nullable().optional(),
  });

  return z.looseObject({
    requests: num.nonnegative(),
    concurrency: num.nullable().optional(),
    success: num.nonnegative().optional(),
    errors: num.nonnegative().optional(),
    elapsed_ms: num.nonnegative().optional(),
    rps: num.nonnegative(),
    latency_ms: latencySchema,
    status_codes: z.record(z.string(), num).optional(),
    tool: z.string().optional(),
    started_at: z.string().nullable().optional(),
    rate_limited: num.nullable().optional(),
    error_rate: num.nullable().optional(),
    error_causes: z.record(z.string(), num).optional(),
  });
});

/** Parse a report already read; `file` names it in errors. */
export function parseLoadReport(text: string, file: string): LoadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError('invalid-load-results', `${file} is not JSON`);
  }
  const parsed = reportSchema().safeParse(json);
  if (!parsed.success) {
    throw new UserError(
      'invalid-load-results',
      `${file} is not a load report (prodready load --format json, or the recsys harness's JSON)`,
      parsed.error.issues.slice(0, 5).map((i) => ({ file, path: i.path.join('.'), message: i.message })),
    );
  }
  const r = parsed.data;
  const lat = (k: keyof LatencySummary): number | null => r.latency_ms[k] ?? null;
  const rateLimited = r.rate_limited ?? (r.status_codes ? (r.status_codes['429'] ?? 0) : null);
  const errors = r.errors ?? 0;
  const judged = r.requests - (rateLimited ?? 0);
  const unknown: string[] = [];
  if (r.errors === undefined) unknown.push('errors');
  if (r.started_at == null) unknown.push('started_at');
  return {
    requests: r.requests,
    concurrency: r.concurrency ?? null,
    success: r.success ?? 0,
    errors,
    elapsed_ms: r.elapsed_ms ?? 0,
    rps: r.rps,
    latency_ms: { p50: lat('p50'), p90: lat('p90'), p95: lat('p95'), p99: lat('p99'), max: lat('max'), mean: lat('mean') },
    status_codes: r.status_codes ?? {},
    tool: r.tool === 'prodready' ? 'prodready' : 'recsys-harness',
    file,
    started_at: r.started_at ?? null,
    started_at_source: r.started_at ? 'file' : undefined,
    rate_limited: rateLimited,
    error_rate: r.error_rate ?? (r.errors !== undefined && judged > 0 ? errors / judged : null),
    error_causes: r.error_causes ?? {},
    unknown_fields: unknown,
  };
}

export function readLoadReport(file: string): LoadResult {
  let size: number;
  try {
    const st = statSync(file);
    // A FIFO has no size and its read blocks until a writer comes: only a regular file is a baseline.
    if (!st.isFile()) throw new UserError('file-unreadable', `baseline ${file} is not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'file-not-found' : 'file-unreadable', `cannot read baseline ${file} (${code ?? 'error'})`);
  }
  if (size > MAX_BYTES) throw new UserError('file-too-large', `baseline ${file} is larger than ${MAX_BYTES / 1024 / 1024} MB`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError('file-unreadable', `cannot read baseline ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseLoadReport(text, file);
}
