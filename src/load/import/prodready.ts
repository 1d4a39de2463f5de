// prodready's own load report: a LoadResult as JSON, bare, under `result`, or the first of
// `load` in a `prodready check --format json` run result. It is validated, not trusted: a
// hand-edited or older report is a finding at the line of the first wrong field.

import { z } from 'zod';
import type { ImportOutcome, SourceFile } from './common.js';
import { problem, unstatedStart } from './common.js';
import type { JsonParse, JsonValue } from './json.js';
import { isObject } from './json.js';
import type { LoadResult } from '../types.js';

const TOOLS = ['prodready', 'locust', 'k6', 'recsys-harness'] as const;

const figure = z.number().nonnegative().nullable();
const count = z.number().int().nonnegative();

const loadResultSchema = z.looseObject({
  requests: count,
  concurrency: count.nullable().default(null),
  success: count,
  errors: count,
  elapsed_ms: z.number().nonnegative(),
  rps: z.number().nonnegative(),
  latency_ms: z.object({
    p50: figure.default(null),
    p90: figure.default(null),
    p95: figure.default(null),
    p99: figure.default(null),
    max: figure.default(null),
    mean: figure.default(null),
  }),
  status_codes: z.record(z.string().regex(/^\d{3}$/), count).default({}),
  tool: z.enum(TOOLS),
  started_at: z.iso.datetime({ offset: true }).nullable(),
  // 'mtime' is read from reports written before the mtime stopped counting as a run's time.
  started_at_source: z.enum(['file', 'stated', 'clock', 'mtime']).optional(),
  endpoint: z.string().optional(),
  mode: z.enum(['closed', 'open']).optional(),
  rate_limited: count.nullable(),
  error_rate: z.number().nonnegative().nullable(),
  error_causes: z.record(z.string(), count).default({}),
  stopped_by: z.enum(['requests', 'duration', 'timeout', 'abort', 'retry-after']).nullable().optional(),
  retry_after_ms: z.number().nonnegative().optional(),
  endpoints: z
    .array(
      z.looseObject({
        name: z.string(),
        method: z.string().optional(),
        requests: count,
        failures: count.nullable(),
        rps: figure,
        latency_ms: z.object({
          p50: figure.default(null),
          p90: figure.default(null),
          p95: figure.default(null),
          p99: figure.default(null),
          max: figure.default(null),
          mean: figure.default(null),
        }),
      }),
    )
    .optional(),
  unknown_fields: z.array(z.string()).default([]),
  histogram: z.array(z.object({ le_ms: z.number(), count })).optional(),
});

function looksLikeResult(v: JsonValue | undefined): boolean {
  return isObject(v) && typeof v.tool === 'string' && (TOOLS as readonly string[]).includes(v.tool) && 'latency_ms' in v;
}

/** Where the LoadResult sits in a prodready JSON document, as a JSON pointer, or null when it is not one. */
export function prodreadyResultPointer(doc: JsonValue): string | null {
  if (looksLikeResult(doc)) return '';
  if (isObject(doc) && looksLikeResult(doc.result)) return '/result';
  if (isObject(doc) && Array.isArray(doc.load) && looksLikeResult(doc.load[0])) return '/load/0';
  return null;
}

/**
 * A start time the report recorded, when it is one: a file's mtime never is, and the clock only
 * for prodready's own burst (it ran then); an import from standard input was stamped at import.
 */
function reportedStart(
  startedAt: string | null,
  recorded: 'file' | 'stated' | 'clock' | 'mtime' | undefined,
  tool: LoadResult['tool'],
  src: SourceFile,
): Pick<LoadResult, 'started_at' | 'started_at_source'> {
  if (!startedAt || recorded === 'mtime' || (recorded === 'clock' && tool !== 'prodready')) return unstatedStart(src);
  return { started_at: startedAt, started_at_source: recorded === 'stated' ? 'stated' : 'file' };
}

export function importProdready(src: SourceFile, parsed: Extract<JsonParse, { ok: true }>, pointer: string): ImportOutcome {
  let node: JsonValue | undefined = parsed.value;
  for (const part of pointer.split('/').slice(1)) node = Array.isArray(node) ? node[Number(part)] : isObject(node) ? node[part] : undefined;
  const checked = loadResultSchema.safeParse(node);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    // Point at the deepest part of the path that exists in the file.
    const parts = issue.path.map(String);
    let pos = parsed.positions.get(pointer);
    for (let i = parts.length; i > 0; i--) {
      const p = parsed.positions.get(`${pointer}/${parts.slice(0, i).join('/')}`);
      if (p) {
        pos = p;
        break;
      }
    }
    return problem(src.file, 'missing-field', `${parts.join('.') || 'the report'}: ${issue.message}`, pos?.line ?? 1, pos?.column);
  }
  const { started_at_source: recorded, ...r } = checked.data as Omit<LoadResult, 'started_at_source'> & {
    started_at_source?: 'file' | 'stated' | 'clock' | 'mtime';
  };
  const lineOf = (p: string): number | undefined => parsed.positions.get(`${pointer}${p}`)?.line;
  const result: LoadResult = {
    ...r,
    file: src.file,
    ...reportedStart(r.started_at, recorded, r.tool, src),
    format: 'prodready-json',
    source_lines: Object.fromEntries(
      (
        [
          ['requests', lineOf('/requests')],
          ['p95', lineOf('/latency_ms/p95')],
          ['p99', lineOf('/latency_ms/p99')],
          ['errors', lineOf('/errors')],
          ['started_at', lineOf('/started_at')],
        ] as const
      ).filter(([, v]) => v !== undefined),
    ),
  };
  return { ok: true, result };
}
