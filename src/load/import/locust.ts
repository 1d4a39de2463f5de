// Locust's headless `--csv=PREFIX` files (Locust 2.x):
//   PREFIX_stats.csv          one row per endpoint, then an `Aggregated` row (Type empty)
//   PREFIX_stats_history.csv  one timestamped row per interval, cumulative counts
//   PREFIX_failures.csv       Method,Name,Error,Occurrences
// The stats CSV has no status codes and no start time, so when it is imported the
// failures and history files beside it are read too, for the 429s and the start. Without
// the history the run's date is unknown (or the one the user states), never the file's mtime.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CsvRow } from './csv.js';
import { parseCsv } from './csv.js';
import type { ImportOutcome, SourceFile } from './common.js';
import { errorFigures, missingLatency, unstatedStart, redactEndpointName } from './common.js';
import { ImportFailure, Table, failAt } from './table.js';
import type { EndpointRow, LatencySummary, LoadResult } from '../types.js';

export type LocustKind = 'stats' | 'history' | 'failures';

const STATS_HEAD = ['Type', 'Name', 'Request Count', 'Failure Count'];
const HISTORY_HEAD = ['Timestamp', 'User Count', 'Type', 'Name'];
const FAILURES_HEAD = ['Method', 'Name', 'Error', 'Occurrences'];

function startsWith(header: string[], head: string[]): boolean {
  return head.every((h, i) => header[i]?.trim() === h);
}

/** Which Locust CSV a header row belongs to, if any. */
export function locustKind(header: string[]): LocustKind | null {
  if (startsWith(header, STATS_HEAD)) return 'stats';
  if (startsWith(header, HISTORY_HEAD)) return 'history';
  if (startsWith(header, FAILURES_HEAD)) return 'failures';
  return null;
}

// Locust's HttpUser reports `HTTPError('429 Client Error: Too Many Requests for url: …')`,
// FastHttpUser `… code=429 …`; a CatchResponseError carries whatever the locustfile wrote.
const TOO_MANY = /\b429 Client Error\b|Too Many Requests|\bcode=429\b|\bstatus(?:_code)?[=: ]+429\b/i;
const HTTP_STATUS = /\b([1-5]\d\d) (?:Client|Server) Error\b|\bcode=([1-5]\d\d)\b/;

function isAggregated(table: Table, row: CsvRow): boolean {
  const type = table.text(row, 'Type').trim();
  return table.text(row, 'Name') === 'Aggregated' && (type === '' || type === 'None');
}

function tableOf(file: string, text: string, kind: string): Table {
  const csv = parseCsv(text);
  if (!csv.ok) failAt(file, 'invalid-csv', csv.message, csv.line, csv.column);
  const [header, ...rows] = csv.rows;
  if (!header) failAt(file, 'empty-file', `the ${kind} is empty`, 1);
  return new Table(file, header, rows, kind);
}

/** Percentile columns are named as Locust prints them (`50%`, `99.9%`); absent ones stay null. */
function latencyOf(table: Table, row: CsvRow, prefix = ''): LatencySummary {
  const p50 = table.number(row, '50%') ?? table.number(row, `${prefix}Median Response Time`);
  return {
    p50,
    p90: table.number(row, '90%'),
    p95: table.number(row, '95%'),
    p99: table.number(row, '99%'),
    max: table.number(row, `${prefix}Max Response Time`) ?? table.number(row, '100%'),
    mean: table.number(row, `${prefix}Average Response Time`),
  };
}

interface FailureSummary {
  file: string;
  rateLimited: number;
  causes: Record<string, number>;
}

function causeOf(error: string): string {
  const m = HTTP_STATUS.exec(error);
  if (m) return `HTTP_${m[1] ?? m[2]}`;
  // The exception class Locust recorded: `ConnectionError(…)`, `CatchResponseError(…)`. Never
  // the message itself: it is free text from the locustfile and may quote a URL with a token.
  const cls = /^\s*([A-Za-z_][\w.]*)\s*\(/.exec(error);
  return cls ? cls[1]! : 'OTHER';
}

function readFailures(file: string, text: string): FailureSummary {
  const table = tableOf(file, text, 'Locust failures CSV');
  table.require(...FAILURES_HEAD);
  let rateLimited = 0;
  const causes: Record<string, number> = {};
  for (const row of table.rows) {
    const error = table.text(row, 'Error');
    const n = table.count(row, 'Occurrences');
    if (TOO_MANY.test(error)) {
      rateLimited += n;
      continue;
    }
    const cause = causeOf(error);
    causes[cause] = (causes[cause] ?? 0) + n;
  }
  return { file, rateLimited, causes };
}

interface HistorySummary {
  file: string;
  startedAt: string;
  startLine: number;
  lastLine: number;
  elapsedMs: number;
  maxUsers: number;
  /** Every entry has rows (`--csv-full-history`): percentiles are then a recent window, not the run. */
  fullHistory: boolean;
  table: Table;
  last: CsvRow;
}

function readHistory(file: string, text: string): HistorySummary {
  const table = tableOf(file, text, 'Locust stats history CSV');
  table.require('Timestamp', 'User Count', 'Type', 'Name', 'Total Request Count', 'Total Failure Count');
  const aggregated = table.rows.filter((r) => isAggregated(table, r));
  const first = aggregated[0];
  const last = aggregated[aggregated.length - 1];
  if (!first || !last) {
    failAt(file, 'missing-row', 'no Aggregated row: the history holds no run', (table.rows.at(-1) ?? table.header).line + 1);
  }
  const t0 = table.number(first, 'Timestamp', { integer: true, required: true })!;
  const t1 = table.number(last, 'Timestamp', { integer: true, required: true })!;
  let maxUsers = 0;
  for (const r of aggregated) maxUsers = Math.max(maxUsers, table.count(r, 'User Count'));
  return {
    file,
    startedAt: new Date(t0 * 1000).toISOString(),
    startLine: first.line,
    lastLine: last.line,
    elapsedMs: Math.max(0, t1 - t0) * 1000,
    maxUsers,
    fullHistory: aggregated.length < table.rows.length,
    table,
    last,
  };
}

/** The files Locust writes beside PREFIX_stats.csv, when they are there. */
async function companions(file: string): Promise<{ failures?: { file: string; text: string }; history?: { file: string; text: string } }> {
  const base = path.basename(file);
  if (!base.endsWith('_stats.csv')) return {};
  const prefix = path.join(path.dirname(file), base.slice(0, -'_stats.csv'.length));
  const read = async (p: string): Promise<{ file: string; text: string } | undefined> => {
    try {
      return { file: p, text: (await readFile(p, 'utf8')).replace(/^\uFEFF/, '') };
    } catch (e) {
      // Absent is normal (only the stats CSV was kept); anything else is worth saying.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ImportFailure({ file: p, line: 0, code: 'file-unreadable', message: `cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
    }
  };
  const [failures, history] = await Promise.all([read(`${prefix}_failures.csv`), read(`${prefix}_stats_history.csv`)]);
  return { ...(failures ? { failures } : {}), ...(history ? { history } : {}) };
}

function endpointRows(table: Table, rows: CsvRow[]): EndpointRow[] {
  return rows.map((r) => {
    const method = table.text(r, 'Type').trim();
    return {
      name: redactEndpointName(table.text(r, 'Name')),
      ...(method ? { method } : {}),
      requests: table.count(r, 'Request Count'),
      failures: table.count(r, 'Failure Count'),
      rps: table.number(r, 'Requests/s'),
      latency_ms: latencyOf(table, r),
    };
  });
}

async function importStats(src: SourceFile): Promise<LoadResult> {
  const table = tableOf(src.file, src.text, 'Locust stats CSV');
  table.require('Type', 'Name', 'Request Count', 'Failure Count', 'Requests/s');
  const aggregated = table.rows.filter((r) => isAggregated(table, r));
  const agg = aggregated.at(-1);
  if (!agg) {
    failAt(
      src.file,
      'missing-row',
      'no Aggregated row: Locust writes it last, so the file looks cut short',
      (table.rows.at(-1) ?? table.header).line + 1,
    );
  }
  const requests = table.count(agg, 'Request Count');
  const failed = table.count(agg, 'Failure Count');
  const rps = table.number(agg, 'Requests/s', { required: true })!;
  const latency = latencyOf(table, agg);

  const side = await companions(src.file);
  const failures = side.failures ? readFailures(side.failures.file, side.failures.text) : null;
  const history = side.history ? readHistory(side.history.file, side.history.text) : null;

  const unknown: string[] = ['status_codes', ...missingLatency(latency)];
  if (!failures) unknown.push('rate_limited');
  if (!history) unknown.push('concurrency');
  if (rps <= 0) unknown.push('elapsed_ms');

  const start = history ? { started_at: history.startedAt, started_at_source: 'file' as const } : unstatedStart(src);
  const companionFiles = [failures?.file, history?.file].filter((f): f is string => f !== undefined);
  return {
    requests,
    concurrency: history ? history.maxUsers : null,
    success: Math.max(0, requests - failed),
    ...errorFigures(requests, failed, failures ? failures.rateLimited : null),
    elapsed_ms: rps > 0 ? Math.round((requests / rps) * 1000) : 0,
    rps,
    latency_ms: latency,
    status_codes: {},
    tool: 'locust',
    format: 'locust-stats',
    file: src.file,
    ...start,
    error_causes: failures ? failures.causes : {},
    endpoints: endpointRows(
      table,
      table.rows.filter((r) => !isAggregated(table, r)),
    ),
    unknown_fields: unknown,
    source_lines: { requests: agg.line, p95: agg.line, p99: agg.line, errors: agg.line, ...(history ? { started_at: history.startLine } : {}) },
    ...(history ? { started_at_file: history.file } : {}),
    ...(companionFiles.length > 0 ? { companion_files: companionFiles } : {}),
  };
}

function importHistory(src: SourceFile): LoadResult {
  const h = readHistory(src.file, src.text);
  const { table, last } = h;
  const requests = table.count(last, 'Total Request Count');
  const failed = table.count(last, 'Total Failure Count');
  // Without --csv-full-history Locust 2.x writes the run's percentiles on the Aggregated rows;
  // with it, every row holds the last few seconds only, which is not the run's p95.
  const latency: LatencySummary = h.fullHistory
    ? {
        p50: table.number(last, 'Total Median Response Time'),
        p90: null,
        p95: null,
        p99: null,
        max: table.number(last, 'Total Max Response Time'),
        mean: table.number(last, 'Total Average Response Time'),
      }
    : latencyOf(table, last, 'Total ');
  const rps = h.elapsedMs > 0 ? requests / (h.elapsedMs / 1000) : (table.number(last, 'Requests/s') ?? 0);
  return {
    requests,
    concurrency: h.maxUsers,
    success: Math.max(0, requests - failed),
    ...errorFigures(requests, failed, null),
    elapsed_ms: h.elapsedMs,
    rps,
    latency_ms: latency,
    status_codes: {},
    tool: 'locust',
    format: 'locust-history',
    file: src.file,
    started_at: h.startedAt,
    started_at_source: 'file',
    error_causes: {},
    unknown_fields: ['status_codes', 'rate_limited', ...missingLatency(latency)],
    source_lines: { requests: h.lastLine, p95: h.lastLine, p99: h.lastLine, errors: h.lastLine, started_at: h.startLine },
  };
}

export async function importLocust(src: SourceFile, kind: LocustKind): Promise<ImportOutcome> {
  try {
    if (kind === 'failures') {
      const stats = path.basename(src.file).replace(/_failures\.csv$/, '_stats.csv');
      failAt(
        src.file,
        'not-a-summary',
        `a Locust failures CSV holds no request counts or latencies; pass ${stats === path.basename(src.file) ? 'the *_stats.csv' : stats} (the failures CSV beside it is read too)`,
        1,
      );
    }
    const result = kind === 'stats' ? await importStats(src) : importHistory(src);
    return { ok: true, result };
  } catch (e) {
    if (e instanceof ImportFailure) return { ok: false, problem: e.problem };
    throw e;
  }
}
