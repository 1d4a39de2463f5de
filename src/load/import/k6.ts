// k6 results, in the three shapes teams keep them:
//  - `k6 run --summary-export=x.json`: metrics flat (`http_req_duration: { avg, min, med, max,
//    "p(90)", "p(95)", thresholds: { "p(95)<500": false } }`, where a threshold's value is
//    true when it FAILED; `http_req_failed: { passes, fails, value }`, where `passes` counts
//    failed requests because the rate metric counts true values);
//  - `handleSummary(data)` written with JSON.stringify: metrics under `values`, thresholds as
//    `{ "p(95)<500": { ok: true } }`, and `state.testRunDurationMs`;
//  - the end-of-test summary k6 prints (both the classic layout and the v1 one).
// Trend values in JSON are milliseconds whatever --summary-time-unit says.
// No k6 summary says when the test ran: `state` holds isStdOutTTY, isStdErrTTY and
// testRunDurationMs only (k6 js/summary.go). A handleSummary that stamps the JSON itself is
// honoured: a top-level `started_at`, or a `timestamp` taken in handleSummary, i.e. at the
// end, from which the run's duration is subtracted. Otherwise the date is unknown.
// 429s are known only when the script declared a `http_reqs{status:429}` submetric
// (a threshold on it makes k6 export it); otherwise they hide among http_req_failed.

import type { ImportOutcome, SourceFile } from './common.js';
import { emptyLatency, errorFigures, missingLatency, parseGoDuration, redactEndpointName, unstatedStart, zonedTime } from './common.js';
import type { JsonParse, JsonValue } from './json.js';
import { isObject, pointerPart } from './json.js';
import { failAt, outcomeOf } from './table.js';
import type { EndpointRow, LatencySummary, LoadResult } from '../types.js';

type Obj = { [key: string]: JsonValue };

const RATE_LIMITED_SUBMETRIC = /^http_reqs\{\s*status\s*:\s*["']?429["']?\s*\}$/;

/** `http_req_duration{name:/v1/recommend,method:POST}` → metric and tags. */
function splitSubmetric(name: string): { metric: string; tags: Map<string, string> } | null {
  const m = /^([a-z_]\w*)\{(.*)\}$/.exec(name);
  if (!m) return null;
  const tags = new Map<string, string>();
  for (const part of m[2]!.split(',')) {
    const i = part.indexOf(':');
    if (i < 0) return null;
    tags.set(part.slice(0, i).trim(), part.slice(i + 1).trim().replace(/^["']|["']$/g, ''));
  }
  return { metric: m[1]!, tags };
}

/**
 * Per-endpoint rows from submetrics tagged by `name` (k6's request name, the URL unless the
 * script sets one) or `url`. k6 exports a submetric only when a threshold names it, so a row
 * is made only where both its latency and its request count are there.
 */
function endpointRows(
  names: Iterable<string>,
  latencyOf: (metric: string) => LatencySummary | null,
  countOf: (metric: string) => number | null,
  failedOf: (metric: string) => number | null,
): EndpointRow[] {
  const rows: EndpointRow[] = [];
  for (const full of names) {
    const sub = splitSubmetric(full);
    if (!sub || sub.metric !== 'http_req_duration') continue;
    const endpoint = sub.tags.get('name') ?? sub.tags.get('url');
    if (endpoint === undefined) continue;
    const tagText = full.slice(full.indexOf('{'));
    const requests = countOf(`http_reqs${tagText}`);
    const latency = latencyOf(full);
    if (requests === null || latency === null) continue;
    const method = sub.tags.get('method');
    rows.push({
      name: redactEndpointName(endpoint),
      ...(method ? { method } : {}),
      requests,
      failures: failedOf(`http_req_failed${tagText}`),
      rps: null,
      latency_ms: latency,
    });
  }
  return rows;
}

/** True when a parsed JSON document is a k6 summary (either JSON shape). */
export function isK6Json(doc: JsonValue): boolean {
  return isObject(doc) && isObject(doc.metrics) && (isObject(doc.metrics.http_reqs) || isObject(doc.metrics.http_req_duration));
}

// Metrics every k6 run has, whatever it tests, and the families of non-HTTP tests.
const K6_BUILTIN = ['iterations', 'iteration_duration', 'vus', 'vus_max', 'data_received', 'data_sent', 'checks'];
const NON_HTTP_FAMILIES: Array<[RegExp, string]> = [
  [/^browser_/, 'browser'],
  [/^ws_/, 'WebSocket'],
  [/^grpc_/, 'gRPC'],
];

/**
 * A k6 summary of a test that made no HTTP requests (k6 browser, WebSocket, gRPC): it is a
 * summary, but holds no request latency to judge. Returns the metric names that tell it, or null.
 */
export function k6SummaryWithoutHttp(doc: JsonValue): { kinds: string[]; metrics: string[] } | null {
  if (!isObject(doc) || !isObject(doc.metrics) || isK6Json(doc)) return null;
  const names = Object.keys(doc.metrics);
  const stateOk = isObject(doc.state) && typeof doc.state.testRunDurationMs === 'number';
  const builtin = names.filter((n) => K6_BUILTIN.includes(n));
  if (!stateOk && builtin.length < 2) return null;
  return nonHttpKinds(names);
}

function nonHttpKinds(names: string[]): { kinds: string[]; metrics: string[] } {
  const kinds: string[] = [];
  const metrics: string[] = [];
  for (const [re, kind] of NON_HTTP_FAMILIES) {
    const hit = names.filter((n) => re.test(n));
    if (hit.length > 0) {
      kinds.push(kind);
      metrics.push(...hit.slice(0, 2));
    }
  }
  return { kinds, metrics };
}

/** The same for the printed end-of-test summary: k6's layout, k6's own metrics, no http_reqs. */
export function k6TextWithoutHttp(text: string): { kinds: string[]; metrics: string[] } | null {
  if (isK6Text(text)) return null;
  const names = [...text.matchAll(/^\s*(?:[✓✗]\s+)?([a-z_]\w*)\.{2,}:/gm)].map((m) => m[1]!);
  if (names.filter((n) => K6_BUILTIN.includes(n)).length < 2) return null;
  return nonHttpKinds(names);
}

/** How a summary without HTTP metrics is named in a problem. */
export function noHttpMessage(found: { kinds: string[]; metrics: string[] }): string {
  const what = found.kinds.length > 0 ? `${found.kinds.join(' or ')} test` : 'browser or WebSocket test?';
  const seen = found.metrics.length > 0 ? `; it has ${found.metrics.join(', ')}` : '';
  return (
    `a k6 summary with no HTTP metrics (${what})${seen} but no http_reqs or http_req_duration, ` +
    'so it holds no request latency or error rate to judge; pass the summary of a k6 test that sends HTTP requests to the service'
  );
}

export function importK6Json(src: SourceFile, parsed: Extract<JsonParse, { ok: true }>): ImportOutcome {
  return outcomeOf(() => fromJson(src, parsed));
}

function fromJson(src: SourceFile, parsed: Extract<JsonParse, { ok: true }>): LoadResult {
  const doc = parsed.value as Obj;
  const metrics = doc.metrics as Obj;
  const lineOf = (pointer: string): number => parsed.positions.get(pointer)?.line ?? 1;

  // Where a metric's figures sit: flat (summary-export) or under `values` (handleSummary).
  const metric = (name: string): { values: Obj; pointer: string } | null => {
    const m = metrics[name];
    if (!isObject(m)) return null;
    const base = `/metrics/${pointerPart(name)}`;
    return isObject(m.values) ? { values: m.values, pointer: `${base}/values` } : { values: m, pointer: base };
  };
  const num = (m: { values: Obj; pointer: string } | null, key: string): number | null => {
    if (!m) return null;
    const v = m.values[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      const at = parsed.positions.get(`${m.pointer}/${pointerPart(key)}`);
      failAt(src.file, 'bad-number', `"${key}" is ${JSON.stringify(v).slice(0, 40)}, expected a number`, at?.line ?? 1, at?.column);
    }
    return v;
  };

  const reqs = metric('http_reqs');
  const count = num(reqs, 'count');
  if (!reqs || count === null) {
    failAt(
      src.file,
      'missing-field',
      'metrics.http_reqs.count is missing: a k6 summary of an HTTP test has it',
      lineOf(reqs ? reqs.pointer : '/metrics'),
    );
  }
  const rate = num(reqs, 'rate');

  const trendOf = (name: string): LatencySummary | null => {
    const m = metric(name);
    if (!m) return null;
    return { p50: num(m, 'med') ?? num(m, 'p(50)'), p90: num(m, 'p(90)'), p95: num(m, 'p(95)'), p99: num(m, 'p(99)'), max: num(m, 'max'), mean: num(m, 'avg') };
  };
  const duration = metric('http_req_duration');
  const latency = trendOf('http_req_duration') ?? emptyLatency();

  // http_req_failed is a rate of true values: `passes` are the failed requests.
  const failedMetric = metric('http_req_failed');
  let failed = num(failedMetric, 'passes');
  if (failed === null) {
    const share = num(failedMetric, 'rate') ?? num(failedMetric, 'value');
    if (share !== null) failed = Math.round(share * count);
  }

  let rateLimited: number | null = null;
  let rateLimitedLine: number | undefined;
  for (const name of Object.keys(metrics)) {
    if (RATE_LIMITED_SUBMETRIC.test(name)) {
      const m = metric(name);
      rateLimited = (rateLimited ?? 0) + (num(m, 'count') ?? 0);
      rateLimitedLine = m ? lineOf(m.pointer) : undefined;
    }
  }

  // vus.max is the peak that ran; vus_max only what was allocated.
  const vus = metric('vus') ?? metric('vus_max');
  const concurrency = num(vus, 'max') ?? num(vus, 'value');

  const state = isObject(doc.state) ? doc.state : null;
  const runMs = state && typeof state.testRunDurationMs === 'number' ? state.testRunDurationMs : null;
  const elapsedMs = runMs ?? (rate !== null && rate > 0 ? Math.round((count / rate) * 1000) : null);

  // k6 itself writes no time; only what the script's handleSummary added.
  const stampedStart = zonedTime(doc.started_at);
  const stampedEnd = stampedStart ? null : zonedTime(doc.timestamp);
  const start: Pick<LoadResult, 'started_at' | 'started_at_source'> = stampedStart
    ? { started_at: stampedStart.toISOString(), started_at_source: 'file' }
    : stampedEnd
      ? { started_at: new Date(stampedEnd.getTime() - Math.round(elapsedMs ?? 0)).toISOString(), started_at_source: 'file' }
      : unstatedStart(src);
  const startLine = stampedStart ? lineOf('/started_at') : stampedEnd ? lineOf('/timestamp') : undefined;

  const thresholds: NonNullable<LoadResult['tool_thresholds']> = [];
  for (const [name, m] of Object.entries(metrics)) {
    if (!isObject(m)) continue;
    // summary-export moves thresholds into the flat metric; handleSummary keeps them beside `values`.
    const t = isObject(m.thresholds) ? m.thresholds : null;
    if (!t) continue;
    for (const [expression, v] of Object.entries(t)) {
      // A submetric's name holds its endpoint (`http_req_duration{name:/v1/x?token=…}`): redacted like one.
      const metric = redactEndpointName(name);
      if (typeof v === 'boolean') thresholds.push({ metric, expression, ok: !v });
      else if (isObject(v) && typeof v.ok === 'boolean') thresholds.push({ metric, expression, ok: v.ok });
    }
  }

  const endpoints = endpointRows(
    Object.keys(metrics),
    trendOf,
    (name) => num(metric(name), 'count'),
    (name) => num(metric(name), 'passes'),
  );

  const unknown = ['status_codes', ...missingLatency(latency)];
  if (failed === null) unknown.push('errors');
  if (rateLimited === null) unknown.push('rate_limited');
  if (concurrency === null) unknown.push('concurrency');
  if (elapsedMs === null) unknown.push('elapsed_ms');

  const errors = failed === null ? { errors: 0, rate_limited: rateLimited, error_rate: null } : errorFigures(count, failed, rateLimited);
  const p95Line = duration ? lineOf(parsed.positions.has(`${duration.pointer}/p(95)`) ? `${duration.pointer}/p(95)` : duration.pointer) : undefined;
  const p99Line = duration && parsed.positions.has(`${duration.pointer}/p(99)`) ? lineOf(`${duration.pointer}/p(99)`) : p95Line;
  return {
    requests: count,
    concurrency,
    success: failed === null ? count : count - failed,
    ...errors,
    elapsed_ms: elapsedMs ?? 0,
    rps: rate ?? (elapsedMs ? count / (elapsedMs / 1000) : 0),
    latency_ms: latency,
    status_codes: rateLimited === null ? {} : { '429': rateLimited },
    tool: 'k6',
    format: 'k6-summary-json',
    file: src.file,
    ...start,
    error_causes: {},
    ...(endpoints.length > 0 ? { endpoints } : {}),
    unknown_fields: unknown,
    source_lines: {
      ...(startLine !== undefined ? { started_at: startLine } : {}),
      requests: lineOf(`${reqs.pointer}/count`),
      ...(p95Line !== undefined ? { p95: p95Line } : {}),
      ...(p99Line !== undefined ? { p99: p99Line } : {}),
      ...(failedMetric ? { errors: lineOf(failedMetric.pointer) } : rateLimitedLine ? { errors: rateLimitedLine } : {}),
    },
    ...(thresholds.length > 0 ? { tool_thresholds: thresholds } : {}),
  };
}

// ---- the printed end-of-test summary ----

const METRIC_LINE = /^\s*(?:[✓✗]\s+)?([a-z_][\w]*(?:\{[^}]*\})?)\.*:\s+(.*)$/;
const THRESHOLD_LINE = /^\s*([✓✗])\s+'([^']+)'/;
const SUBMETRIC_LINE = /^\s*(?:[✓✗]\s+)?\{\s*([^}]*?)\s*\}\.*:\s+(.*)$/;

/** True when the text looks like k6's printed summary. */
export function isK6Text(text: string): boolean {
  return /^\s*(?:[✓✗]\s+)?http_req_duration\.+:/m.test(text) && /^\s*(?:[✓✗]\s+)?http_reqs\.+:/m.test(text);
}

function goMs(file: string, value: string, line: number, what: string): number | null {
  const ms = parseGoDuration(value);
  if (ms === null) failAt(file, 'bad-number', `${what} is "${value.slice(0, 40)}", expected a duration such as 215.95ms`, line);
  return ms;
}

export function importK6Text(src: SourceFile): ImportOutcome {
  return outcomeOf(() => fromText(src));
}

function fromText(src: SourceFile): LoadResult {
  const lines = src.text.split(/\r\n|\n|\r/);
  const found = new Map<string, { rest: string; line: number }>();
  const thresholds: NonNullable<LoadResult['tool_thresholds']> = [];
  let thresholdMetric: string | null = null;
  let parentMetric: string | null = null;
  lines.forEach((text, i) => {
    const t = THRESHOLD_LINE.exec(text);
    if (t && thresholdMetric) {
      thresholds.push({ metric: redactEndpointName(thresholdMetric), expression: t[2]!, ok: t[1] === '✓' });
      return;
    }
    const m = METRIC_LINE.exec(text);
    if (m) {
      // The first occurrence is the run's figure.
      if (!found.has(m[1]!)) found.set(m[1]!, { rest: m[2]!, line: i + 1 });
      parentMetric = m[1]!.replace(/\{.*$/, '');
      return;
    }
    // Submetrics print under their metric as `{ name:/v1/recommend }....: avg=…`.
    const sub = SUBMETRIC_LINE.exec(text);
    if (sub && parentMetric) {
      const key = `${parentMetric}{${sub[1]!.split(',').map((t) => t.trim()).join(',')}}`;
      if (!found.has(key)) found.set(key, { rest: sub[2]!, line: i + 1 });
      return;
    }
    // v1 layout: a bare metric name heads its thresholds in the THRESHOLDS block.
    const head = /^\s*([a-z_]\w*(?:\{[^}]*\})?)\s*$/.exec(text);
    thresholdMetric = head ? head[1]! : text.trim() === '' ? thresholdMetric : null;
  });

  const reqs = found.get('http_reqs');
  const dur = found.get('http_req_duration');
  if (!reqs || !dur) failAt(src.file, 'missing-field', 'the k6 summary lacks http_reqs or http_req_duration', 1);
  const rm = /^(\d+)\s+([\d.]+)\/s/.exec(reqs.rest);
  if (!rm) failAt(src.file, 'bad-number', `http_reqs is "${reqs.rest.slice(0, 40)}", expected "COUNT RATE/s"`, reqs.line);
  const count = Number(rm[1]);
  const rate = Number(rm[2]);

  const trendOf = (name: string): LatencySummary | null => {
    const found1 = found.get(name);
    if (!found1) return null;
    const stat = (key: string): number | null => {
      const m = new RegExp(`(?:^|\\s)${key.replace(/[()]/g, '\\$&')}=(\\S+)`).exec(found1.rest);
      return m ? goMs(src.file, m[1]!, found1.line, `${name} ${key}`) : null;
    };
    return { p50: stat('med') ?? stat('p(50)'), p90: stat('p(90)'), p95: stat('p(95)'), p99: stat('p(99)'), max: stat('max'), mean: stat('avg') };
  };
  const latency = trendOf('http_req_duration')!;
  const countLine = (name: string): number | null => {
    const m = /^(\d+)\s/.exec(found.get(name)?.rest ?? '');
    return m ? Number(m[1]) : null;
  };
  const endpoints = endpointRows(found.keys(), trendOf, countLine, (name) => {
    const rest = found.get(name)?.rest ?? '';
    const m = /✓\s*(\d+)\s+✗/.exec(rest) ?? /(\d+)\s+out of/.exec(rest);
    return m ? Number(m[1]) : null;
  });

  // Classic: `0.00% ✓ 0 ✗ 180` (✓ counts failed requests); v1: `0.00%  0 out of 45`.
  let failed: number | null = null;
  const fl = found.get('http_req_failed');
  if (fl) {
    const classic = /✓\s*(\d+)\s+✗\s*(\d+)/.exec(fl.rest);
    const v1 = /(\d+)\s+out of\s+(\d+)/.exec(fl.rest);
    if (classic) failed = Number(classic[1]);
    else if (v1) failed = Number(v1[1]);
    else failAt(src.file, 'bad-number', `http_req_failed is "${fl.rest.slice(0, 40)}", expected counts`, fl.line);
  }

  let rateLimited: number | null = null;
  for (const [name, v] of found) {
    if (RATE_LIMITED_SUBMETRIC.test(name)) {
      const m = /^(\d+)/.exec(v.rest);
      if (m) rateLimited = (rateLimited ?? 0) + Number(m[1]);
    }
  }
  const vus = found.get('vus') ?? found.get('vus_max');
  const vm = vus ? /max=(\d+)|^(\d+)/.exec(vus.rest) : null;
  const concurrency = vm ? Number(vm[1] ?? vm[2]) : null;

  const unknown = ['status_codes', ...missingLatency(latency)];
  if (failed === null) unknown.push('errors');
  if (rateLimited === null) unknown.push('rate_limited');
  if (concurrency === null) unknown.push('concurrency');
  const errors = failed === null ? { errors: 0, rate_limited: rateLimited, error_rate: null } : errorFigures(count, failed, rateLimited);
  return {
    requests: count,
    concurrency,
    success: failed === null ? count : count - failed,
    ...errors,
    elapsed_ms: rate > 0 ? Math.round((count / rate) * 1000) : 0,
    rps: rate,
    latency_ms: latency,
    status_codes: rateLimited === null ? {} : { '429': rateLimited },
    tool: 'k6',
    format: 'k6-summary-text',
    file: src.file,
    ...unstatedStart(src),
    error_causes: {},
    ...(endpoints.length > 0 ? { endpoints } : {}),
    unknown_fields: unknown,
    source_lines: { requests: reqs.line, p95: dur.line, p99: dur.line, ...(fl ? { errors: fl.line } : {}) },
    ...(thresholds.length > 0 ? { tool_thresholds: thresholds } : {}),
  };
}
