// recsys-service's own load harness (`scripts/loadtest.sh`, api/cmd/loadtest):
//  - its JSON report: `requests, concurrency, success, errors, elapsed_ms, rps,
//    latency_ms {p50,p95,p99}, status_codes`;
//  - the text it prints:  requests: 200  success: 198  errors: 0
//                         elapsed: 1.234s  rps: 162.07
//                         latency: p50=10.2ms p95=25ms p99=40ms
//                         status codes:
//                           200: 198
// The JSON report carries `generated_at` (RFC 3339, UTC), taken when the run ended
// (api/cmd/loadtest/main.go:18 and :169), so the run started elapsed_ms before it. The
// printed report carries no time.
// The harness's `errors` are requests that got no response; `success` counts 2xx. The
// capacity guide defines the error rate as non-2xx plus timeouts, with 429s apart, so
// non-2xx answers other than 429 join the errors here.

import type { ImportOutcome, SourceFile } from './common.js';
import { errorFigures, missingLatency, parseGoDuration, unstatedStart, zonedTime } from './common.js';
import type { JsonParse, JsonValue } from './json.js';
import { isObject } from './json.js';
import { failAt, outcomeOf } from './table.js';
import type { LatencySummary, LoadResult } from '../types.js';

type Obj = { [key: string]: JsonValue };

export function isHarnessJson(doc: JsonValue): boolean {
  return isObject(doc) && 'requests' in doc && isObject(doc.latency_ms) && !('tool' in doc);
}

interface Counts {
  requests: number;
  success: number;
  transportErrors: number;
  statusCodes: Record<string, number> | null;
}

/** Errors, 429s and causes from the harness's counts. */
function figures(c: Counts): Pick<LoadResult, 'errors' | 'rate_limited' | 'error_rate' | 'error_causes' | 'status_codes'> {
  const causes: Record<string, number> = {};
  if (c.transportErrors > 0) causes.NO_RESPONSE = c.transportErrors;
  let non2xx = 0;
  let limited: number | null = null;
  if (c.statusCodes) {
    limited = 0;
    for (const [code, n] of Object.entries(c.statusCodes)) {
      const status = Number(code);
      if (status === 429) limited += n;
      else if (status < 200 || status >= 300) {
        non2xx += n;
        causes[`HTTP_${code}`] = (causes[`HTTP_${code}`] ?? 0) + n;
      }
    }
  } else {
    // Without status codes every request that was not a success is an error of unknown kind.
    non2xx = Math.max(0, c.requests - c.success - c.transportErrors);
  }
  return {
    ...errorFigures(c.requests, c.transportErrors + non2xx + (limited ?? 0), limited),
    error_causes: causes,
    status_codes: c.statusCodes ?? {},
  };
}

export function importHarnessJson(src: SourceFile, parsed: Extract<JsonParse, { ok: true }>): ImportOutcome {
  return outcomeOf(() => fromJson(src, parsed));
}

function fromJson(src: SourceFile, parsed: Extract<JsonParse, { ok: true }>): LoadResult {
  const doc = parsed.value as Obj;
  const at = (pointer: string): { line: number; column?: number } => {
    const p = parsed.positions.get(pointer);
    return p ? { line: p.line, column: p.column } : { line: 1 };
  };
  const num = (obj: Obj, key: string, pointer: string, opts: { required?: boolean; integer?: boolean } = {}): number | null => {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (opts.required) failAt(src.file, 'missing-field', `"${pointer.slice(1).replace(/\//g, '.')}" is missing from the harness report`, at('').line);
      return null;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (opts.integer && !Number.isInteger(v))) {
      const p = at(pointer);
      failAt(src.file, 'bad-number', `"${key}" is ${JSON.stringify(v).slice(0, 40)}, expected ${opts.integer ? 'a count' : 'a number'}`, p.line, p.column);
    }
    return v;
  };

  const requests = num(doc, 'requests', '/requests', { required: true, integer: true })!;
  const success = num(doc, 'success', '/success', { required: true, integer: true })!;
  const transportErrors = num(doc, 'errors', '/errors', { integer: true }) ?? 0;
  const lat = doc.latency_ms as Obj;
  const latency: LatencySummary = {
    p50: num(lat, 'p50', '/latency_ms/p50'),
    p90: num(lat, 'p90', '/latency_ms/p90'),
    p95: num(lat, 'p95', '/latency_ms/p95'),
    p99: num(lat, 'p99', '/latency_ms/p99'),
    max: num(lat, 'max', '/latency_ms/max'),
    mean: num(lat, 'mean', '/latency_ms/mean'),
  };

  let statusCodes: Record<string, number> | null = null;
  if (doc.status_codes !== undefined) {
    if (!isObject(doc.status_codes)) {
      const p = at('/status_codes');
      failAt(src.file, 'missing-field', '"status_codes" is not an object of code → count', p.line, p.column);
    }
    statusCodes = {};
    for (const code of Object.keys(doc.status_codes)) {
      const p = `/status_codes/${code}`;
      if (!/^\d{3}$/.test(code)) {
        const pos = at(p);
        failAt(src.file, 'bad-number', `status code "${code.slice(0, 20)}" is not a three-digit HTTP status`, pos.line, pos.column);
      }
      statusCodes[code] = num(doc.status_codes, code, p, { integer: true })!;
    }
  }

  const elapsed = num(doc, 'elapsed_ms', '/elapsed_ms');
  const rps = num(doc, 'rps', '/rps') ?? (elapsed ? requests / (elapsed / 1000) : 0);
  const concurrency = num(doc, 'concurrency', '/concurrency', { integer: true });

  // A start time written by a wrapper script first; else the harness's own generated_at, the end of the run.
  const stamped = zonedTime(doc.started_at);
  const generated = stamped ? null : zonedTime(doc.generated_at);
  const start: Pick<LoadResult, 'started_at' | 'started_at_source'> = stamped
    ? { started_at: stamped.toISOString(), started_at_source: 'file' }
    : generated
      ? { started_at: new Date(generated.getTime() - (elapsed ?? 0)).toISOString(), started_at_source: 'file' }
      : unstatedStart(src);
  const startPointer = stamped ? '/started_at' : generated ? '/generated_at' : null;

  const unknown = missingLatency(latency);
  if (!statusCodes) unknown.push('status_codes', 'rate_limited');
  if (concurrency === null) unknown.push('concurrency');
  if (elapsed === null) unknown.push('elapsed_ms');
  return {
    requests,
    concurrency,
    success,
    ...figures({ requests, success, transportErrors, statusCodes }),
    elapsed_ms: elapsed ?? 0,
    rps,
    latency_ms: latency,
    tool: 'recsys-harness',
    format: 'harness-json',
    file: src.file,
    ...start,
    unknown_fields: unknown,
    source_lines: {
      requests: at('/requests').line,
      ...(latency.p95 !== null ? { p95: at('/latency_ms/p95').line } : {}),
      ...(latency.p99 !== null ? { p99: at('/latency_ms/p99').line } : {}),
      errors: at(statusCodes ? '/status_codes' : '/errors').line,
      ...(startPointer ? { started_at: at(startPointer).line } : {}),
    },
  };
}

// ---- the printed report ----

const TEXT_REQUESTS = /^\s*requests:\s*(\d+)\s+success:\s*(\d+)\s+errors:\s*(\d+)\s*$/;

export function isHarnessText(text: string): boolean {
  // The counts line alone is enough to know the report, so a copy cut before its latency line
  // is reported as cut short rather than as an unknown format.
  return text.split(/\r\n|\n|\r/).some((l) => TEXT_REQUESTS.test(l));
}

export function importHarnessText(src: SourceFile): ImportOutcome {
  return outcomeOf(() => fromText(src));
}

function fromText(src: SourceFile): LoadResult {
  const lines = src.text.split(/\r\n|\n|\r/);
  let counts: { requests: number; success: number; errors: number; line: number } | null = null;
  let elapsed: number | null = null;
  let rps: number | null = null;
  let latency: LatencySummary | null = null;
  let latencyLine = 0;
  let statusCodes: Record<string, number> | null = null;
  let inCodes = false;

  lines.forEach((text, i) => {
    const line = i + 1;
    const r = TEXT_REQUESTS.exec(text);
    if (r) {
      counts = { requests: Number(r[1]), success: Number(r[2]), errors: Number(r[3]), line };
      inCodes = false;
      return;
    }
    const e = /^\s*elapsed:\s*(\S+)\s+rps:\s*(\S+)\s*$/.exec(text);
    if (e) {
      elapsed = parseGoDuration(e[1]!);
      if (elapsed === null) failAt(src.file, 'bad-number', `elapsed is "${e[1]!.slice(0, 40)}", expected a duration`, line);
      rps = Number(e[2]);
      if (!Number.isFinite(rps)) failAt(src.file, 'bad-number', `rps is "${e[2]!.slice(0, 40)}", expected a number`, line);
      return;
    }
    const l = /^\s*latency:\s*p50=(\S+)\s+p95=(\S+)\s+p99=(\S+)\s*$/.exec(text);
    if (l) {
      const ms = (v: string, what: string): number => {
        const d = parseGoDuration(v);
        if (d === null) failAt(src.file, 'bad-number', `${what} is "${v.slice(0, 40)}", expected a duration`, line);
        return d;
      };
      latency = { p50: ms(l[1]!, 'p50'), p90: null, p95: ms(l[2]!, 'p95'), p99: ms(l[3]!, 'p99'), max: null, mean: null };
      latencyLine = line;
      return;
    }
    if (/^\s*status codes:\s*$/.test(text)) {
      inCodes = true;
      statusCodes = {};
      return;
    }
    const c = inCodes ? /^\s+(\d{3}):\s*(\d+)\s*$/.exec(text) : null;
    if (c && statusCodes) {
      statusCodes[c[1]!] = (statusCodes[c[1]!] ?? 0) + Number(c[2]);
      return;
    }
    if (inCodes && text.trim() !== '') inCodes = false;
  });

  // TypeScript cannot follow assignments made inside the callback above.
  const got = counts as { requests: number; success: number; errors: number; line: number } | null;
  const lat = latency as LatencySummary | null;
  if (!got) failAt(src.file, 'missing-field', 'no "requests: N  success: N  errors: N" line', 1);
  if (!lat) failAt(src.file, 'missing-field', 'no "latency: p50=… p95=… p99=…" line: the report looks cut short', lines.length);
  const codes = statusCodes as Record<string, number> | null;
  const elapsedMs = elapsed as number | null;
  const unknown = [...missingLatency(lat), 'concurrency'];
  if (!codes) unknown.push('status_codes', 'rate_limited');
  if (elapsedMs === null) unknown.push('elapsed_ms');
  return {
    requests: got.requests,
    concurrency: null,
    success: got.success,
    ...figures({ requests: got.requests, success: got.success, transportErrors: got.errors, statusCodes: codes }),
    elapsed_ms: elapsedMs ?? 0,
    rps: (rps as number | null) ?? 0,
    latency_ms: lat,
    tool: 'recsys-harness',
    format: 'harness-text',
    file: src.file,
    ...unstatedStart(src),
    unknown_fields: unknown,
    source_lines: { requests: got.line, p95: latencyLine, p99: latencyLine, errors: got.line },
  };
}
