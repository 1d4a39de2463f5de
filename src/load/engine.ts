// The embedded load burst: closed loop (N connections, a total of requests, like recsys's harness) or
// open loop at a constant arrival rate. Latencies go to an HDR histogram in microseconds, never an array,
// so memory stays flat however many requests run.
//
// Transport: the burst opens its own keep-alive connections (src/load/h1.ts), exactly `concurrency` of them,
// and closes them when it ends; it does not use a shared undici dispatcher, whose per-request work would make
// the generator, not the server, the thing measured.
// The histogram is loaded when a burst runs: a static check, which loads this module's probe, never pays for it.
import type * as hdr from 'hdr-histogram-js';
import type { LatencySummary, LoadResult } from '../core/load.js';
import { burstParamsSchema, type BurstParams, type BurstParamsInput } from './params.js';
import { requestSource } from './requests.js';
import { H1Connection } from './h1.js';
import { maskSecretsInText, scrubCutTail, scrubKnown, targetSecrets } from '../io/mask.js';

export interface BurstTarget {
  baseUrl: string;
  tenant: string;
  /** Auth headers; values are secret: they go on the wire and nowhere else. */
  authHeaders: Record<string, string>;
  /** Extra CA for https targets. */
  caPem?: string;
}

export interface BurstProgress {
  done: number;
  /** Planned measured requests. */
  total: number;
  elapsedMs: number;
  /** Requests per second over the last interval. */
  rps: number;
  p95Ms: number | null;
}

export interface BurstOptions {
  target: BurstTarget;
  params: BurstParamsInput;
  signal?: AbortSignal;
  onProgress?: (p: BurstProgress) => void;
  progressIntervalMs?: number;
  /** Wall clock for started_at. */
  now?: () => Date;
  /** Error samples kept per cause. */
  samplesPerCause?: number;
}

/** Codes that mean the request ran out of time rather than failed. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Upper bounds (ms) of the chart buckets; the last bucket ends at the max. */
const BUCKET_LE_MS = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];
const MAX_TRACKABLE_US = 3_600_000_000;
const SAMPLE_CHARS = 200;
/** What src/load/h1.ts keeps of an error body. */
const SAMPLE_BYTES = 512;

interface Conn {
  h1: H1Connection;
  busy: boolean;
  /** When the request was meant to start (open loop) or was sent (closed loop), performance.now() ms. */
  start: number;
  counted: boolean;
}

type StopReason = NonNullable<LoadResult['stopped_by']>;

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown } | null;
  if (e && typeof e.code === 'string' && e.code) return e.code;
  if (e && typeof e.name === 'string' && e.name) return e.name;
  return 'UNKNOWN';
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function latencySummary(h: hdr.Histogram): LatencySummary {
  if (h.totalCount === 0) return { p50: null, p90: null, p95: null, p99: null, max: null, mean: null };
  const ms = (us: number) => round3(us / 1000);
  // A percentile is reported as its bucket's upper edge, which can lie a hair above the true max: clamp.
  const max = h.maxValue;
  const at = (p: number) => ms(Math.min(h.getValueAtPercentile(p), max));
  return {
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    max: ms(max),
    mean: ms(h.mean),
  };
}

/** Run one bounded burst. Never throws for the target's failures: they are in the result. */
export async function runBurst(opts: BurstOptions): Promise<LoadResult> {
  const params: BurstParams = burstParamsSchema().parse(opts.params);
  const base = new URL(opts.target.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TypeError(`base URL must be http or https, got ${base.protocol}`);
  }
  const path = base.pathname.replace(/\/+$/, '') + params.endpoint;
  const open = params.rate !== undefined;
  const requestAt = requestSource(
    { ...params, tenant: opts.target.tenant, authHeaders: opts.target.authHeaders },
    path,
    base.host,
    Math.min(params.userCardinality, params.requests + params.warmup),
  );
  const endpoint = {
    host: base.hostname.replace(/^\[|\]$/g, ''),
    port: base.port ? Number(base.port) : base.protocol === 'https:' ? 443 : 80,
    tls: base.protocol === 'https:',
    servername: base.protocol === 'https:' && !/^[\d.]+$|:/.test(base.hostname) ? base.hostname : undefined,
    ca: opts.target.caPem,
  };
  // Header values and, for `Bearer <token>`-like values, the credential alone: a server may echo either.
  // The same secrets and the same mask as the probes (src/io/mask.ts).
  const secrets = targetSecrets(opts.target);
  const samplesPerCause = opts.samplesPerCause ?? 3;

  // `.default`: a CommonJS package, whose namespace in a code-split bundle holds module.exports as its default.
  const { build } = (await import('hdr-histogram-js')).default;
  const histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    useWebAssembly: false,
  });
  const buckets = new Float64Array(BUCKET_LE_MS.length + 1);
  const statusCounts = new Int32Array(1000);
  const causes = new Map<string, number>();
  const samples = new Map<string, string[]>();

  let seq = 0; // body index, warm-up included
  let warmIssued = 0;
  let warmSettled = 0;
  let issued = 0; // measured requests sent
  let settled = 0;
  let success = 0;
  let rateLimited = 0;
  let errors = 0;
  let dropped = 0;
  let lastResponseAt = -Infinity;
  let measuring = params.warmup === 0;
  let stopReason: StopReason | null = null;
  let stopping = false;
  let t0 = 0; // start of the measured phase
  let tEnd = 0;
  const startedWall = (opts.now ?? (() => new Date()))();
  const tBurst = performance.now();
  const deadline = tBurst + params.durationMs;
  let nextIntended = 0; // open loop: when the next arrival is due
  // Retry-After: a 429 or 503 that asks the client to wait pauses every connection (the limit is the
  // tenant's, not the connection's) until then; a wait that would end past the deadline ends the burst.
  let pausedUntil = 0;
  let pausedMs = 0;
  let shiftMs = 0; // open loop: arrivals move later by the time paused, so none is due during a pause
  const parked = new Set<NodeJS.Timeout>();
  const intervalMs = open ? 1000 / params.rate! : 0;
  let scheduleTimer: NodeJS.Timeout | undefined;

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  function record(latencyMs: number): void {
    let us = Math.round(latencyMs * 1000);
    if (us < 1) us = 1;
    else if (us > MAX_TRACKABLE_US) us = MAX_TRACKABLE_US;
    histogram.recordValue(us);
    let b = 0;
    while (b < BUCKET_LE_MS.length && latencyMs > BUCKET_LE_MS[b]!) b++;
    buckets[b]!++;
  }

  function addCause(code: string, sample: string | null): void {
    causes.set(code, (causes.get(code) ?? 0) + 1);
    if (sample === null) return;
    let list = samples.get(code);
    if (!list) samples.set(code, (list = []));
    if (list.length < samplesPerCause) list.push(redact(sample));
  }

  /** Secrets out, then cut to `max`; a cut that leaves the start of a secret at the end drops that start too. */
  function redact(s: string, max = SAMPLE_CHARS): string {
    let out = scrubKnown(s, secrets);
    // Credentials the server echoes that are not ours (another token, a DSN in an error message).
    out = maskSecretsInText(out);
    // Bodies arrive cut at SAMPLE_BYTES already (src/load/h1.ts).
    let cut = Buffer.byteLength(s) >= SAMPLE_BYTES;
    if (out.length > max) {
      out = out.slice(0, max);
      cut = true;
    }
    return cut ? scrubCutTail(out, secrets) : out;
  }

  function wantBody(c: Conn, status: number): boolean {
    if (!c.counted || (status >= 200 && status < 300) || status === 429) return false;
    const list = samples.get(`HTTP_${status}`);
    return !list || list.length < samplesPerCause;
  }

  /** Honours a Retry-After: pauses sending until then, or ends the burst if that is past the deadline. */
  function pauseFor(retryAfterMs: number, now: number): void {
    const until = now + retryAfterMs;
    if (until <= pausedUntil) return;
    if (until >= deadline) {
      stop('retry-after');
      return;
    }
    pausedMs += until - Math.max(now, pausedUntil);
    if (open) shiftMs += until - Math.max(now, pausedUntil);
    pausedUntil = until;
  }

  function onResponse(c: Conn, status: number, body: Buffer | null, retryAfterMs: number): void {
    const end = performance.now();
    c.busy = false;
    if ((status === 429 || status === 503) && retryAfterMs > 0 && stopReason !== 'abort') pauseFor(retryAfterMs, end);
    if (!c.counted) warmSettled++;
    else if (stopReason !== 'abort') {
      settled++;
      lastResponseAt = end;
      record(end - c.start);
      statusCounts[status]!++;
      if (status >= 200 && status < 300) success++;
      else if (status === 429) rateLimited++;
      else {
        errors++;
        addCause(`HTTP_${status}`, body ? body.toString('utf8') : `HTTP ${status}`);
      }
    }
    later(c);
  }

  function onError(c: Conn, code: string, message: string): void {
    const end = performance.now();
    c.busy = false;
    if (!c.counted) warmSettled++;
    else if (stopReason !== 'abort') {
      settled++;
      errors++;
      if (TIMEOUT_CODES.has(code)) {
        // A timed-out request took at least this long: it belongs in the percentiles.
        record(end - c.start);
        addCause(code, message);
        // Nothing answered on any connection while this one waited: the server has stopped answering.
        if (lastResponseAt < c.h1.sentAt) stop('timeout');
      } else {
        addCause(code, message);
      }
    }
    later(c);
  }

  // Connections freed while reading are given their next request after every read of this event-loop turn has
  // been timed: sending in between would delay the clock of the responses still waiting to be read by the cost of
  // each write, and with many connections answering together that skew reaches the percentiles.
  let freed: Conn[] = [];
  let flushScheduled = false;
  function later(c: Conn): void {
    freed.push(c);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushFreed);
    }
  }
  function flushFreed(): void {
    flushScheduled = false;
    const list = freed;
    freed = [];
    for (const c of list) if (!c.busy) next(c);
  }

  function send(c: Conn, counted: boolean, start: number): void {
    c.busy = true;
    c.counted = counted;
    c.start = start;
    c.h1.send(requestAt(seq++));
  }

  function stop(reason: StopReason): void {
    if (stopping) return;
    stopping = true;
    stopReason = reason;
    if (scheduleTimer) clearTimeout(scheduleTimer);
    for (const t of parked) clearTimeout(t);
    parked.clear();
  }

  function allIdle(): boolean {
    for (const c of conns) if (c.busy) return false;
    return true;
  }

  function finishIfIdle(): void {
    if (stopping && allIdle()) {
      if (open && stopReason !== 'abort') {
        // Arrivals that were due but never sent waited at least until now: record that wait, so a stall
        // cannot hide behind the requests it kept from being sent (coordinated omission).
        const now = performance.now();
        const lastDue = Math.min(now, deadline);
        while (issued < params.requests && due(issued) < lastDue) {
          record(now - (due(issued)));
          issued++;
          dropped++;
        }
      }
      tEnd = performance.now();
      resolveDone();
    }
  }

  function startMeasuring(): void {
    measuring = true;
    t0 = performance.now();
    if (open) {
      nextIntended = t0;
      schedule();
    } else {
      for (const c of conns) if (!c.busy) next(c);
    }
  }

  /** Open loop: when arrival `i` is due, moved later by every Retry-After pause so far. */
  function due(i: number): number {
    return t0 + shiftMs + i * intervalMs;
  }

  /** Open loop: send every arrival that is due on a free connection, then sleep until the next one. */
  function schedule(): void {
    scheduleTimer = undefined;
    if (stopping) return finishIfIdle();
    const now = performance.now();
    if (now < pausedUntil) {
      scheduleTimer = setTimeout(schedule, pausedUntil - now);
      return;
    }
    if (now >= deadline) {
      stop('duration');
      return finishIfIdle();
    }
    if (issued >= params.requests) {
      stop('requests');
      return finishIfIdle();
    }
    for (const c of conns) {
      if (issued >= params.requests) break;
      nextIntended = due(issued);
      if (nextIntended > now) break;
      if (!c.busy) {
        issued++;
        send(c, true, nextIntended);
      }
    }
    nextIntended = due(issued);
    if (issued >= params.requests) {
      stop('requests');
      return finishIfIdle();
    }
    scheduleTimer = setTimeout(schedule, Math.max(0, Math.min(nextIntended, deadline) - performance.now()));
  }

  function next(c: Conn): void {
    if (stopping) return finishIfIdle();
    if (performance.now() < pausedUntil) {
      // Parked until the pause ends (warm-up included); stop() clears the timer, and the connection is idle meanwhile.
      const t = setTimeout(() => {
        parked.delete(t);
        next(c);
      }, pausedUntil - performance.now());
      parked.add(t);
      return;
    }
    if (!measuring) {
      if (warmIssued < params.warmup && performance.now() < deadline) {
        warmIssued++;
        send(c, false, performance.now());
      } else if (warmSettled === warmIssued) {
        if (performance.now() >= deadline) {
          stop('duration');
          return finishIfIdle();
        }
        startMeasuring();
      }
      return;
    }
    const now = performance.now();
    if (open) {
      // A freed connection takes the oldest due arrival; its latency still counts from when it was due.
      if (issued < params.requests && now < deadline && due(issued) <= now) {
        issued++;
        send(c, true, due(issued - 1));
      }
      return;
    }
    if (issued >= params.requests) {
      stop('requests');
      return finishIfIdle();
    }
    if (now >= deadline) {
      stop('duration');
      return finishIfIdle();
    }
    issued++;
    send(c, true, now);
  }

  const conns: Conn[] = [];
  for (let i = 0; i < params.concurrency; i++) {
    const c = { busy: false, start: 0, counted: false } as Conn;
    c.h1 = new H1Connection(endpoint, {
      wantBody: (status) => wantBody(c, status),
      response: (status, body, retryAfterMs) => onResponse(c, status, body, retryAfterMs),
      error: (code, message) => onError(c, code, message),
    });
    conns.push(c);
  }

  // One sweep for every connection's timeout, instead of a timer per request.
  const sweep = setInterval(
    () => {
      const now = performance.now();
      for (const c of conns) if (c.busy) c.h1.checkTimeout(now, params.timeoutMs);
    },
    Math.max(5, Math.min(100, params.timeoutMs / 10)),
  );
  sweep.unref();

  const onAbort = () => {
    stop('abort');
    for (const c of conns) c.h1.destroy();
    tEnd = performance.now();
    resolveDone();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  // Whatever happens to the sweep, the burst ends by the deadline plus one request timeout (plus slack).
  const hardStop = setTimeout(() => {
    if (!stopping) stop('duration');
    for (const c of conns) if (c.busy) c.h1.checkTimeout(performance.now(), 0);
    tEnd = performance.now();
    resolveDone();
  }, params.durationMs + params.timeoutMs + 1_000);
  hardStop.unref();

  let progressTimer: NodeJS.Timeout | undefined;
  if (opts.onProgress) {
    let lastDone = 0;
    let lastAt = tBurst;
    const total = params.rate !== undefined ? Math.min(params.requests, Math.floor((params.rate * params.durationMs) / 1000)) : params.requests;
    progressTimer = setInterval(() => {
      const now = performance.now();
      const dt = (now - lastAt) / 1000;
      opts.onProgress!({
        done: settled,
        total,
        elapsedMs: now - tBurst,
        rps: dt > 0 ? (settled - lastDone) / dt : 0,
        p95Ms: histogram.totalCount > 0 ? histogram.getValueAtPercentile(95) / 1000 : null,
      });
      lastDone = settled;
      lastAt = now;
    }, opts.progressIntervalMs ?? 250);
    progressTimer.unref();
  }

  if (!stopping) {
    if (measuring) startMeasuring();
    else for (const c of conns) next(c);
  }
  await done;
  clearTimeout(hardStop);
  clearInterval(sweep);
  if (progressTimer) clearInterval(progressTimer);
  if (scheduleTimer) clearTimeout(scheduleTimer);
  opts.signal?.removeEventListener('abort', onAbort);
  for (const c of conns) c.h1.destroy();

  const elapsedMs = measuring && t0 > 0 ? Math.max(tEnd - t0, 0.001) : 0;
  const statusCodes: Record<string, number> = {};
  for (let s = 0; s < statusCounts.length; s++) if (statusCounts[s]! > 0) statusCodes[String(s)] = statusCounts[s]!;
  const errorCauses: Record<string, number> = {};
  for (const [k, v] of [...causes.entries()].sort((a, b) => b[1] - a[1])) errorCauses[k] = v;
  const errorSamples: Record<string, string[]> = {};
  for (const [k, v] of samples) errorSamples[k] = v;
  const latency = latencySummary(histogram);
  const histogramRows: Array<{ le_ms: number; count: number }> = [];
  for (let b = 0; b < buckets.length; b++) {
    if (buckets[b]! > 0) histogramRows.push({ le_ms: b < BUCKET_LE_MS.length ? BUCKET_LE_MS[b]! : (latency.max ?? 0), count: buckets[b]! });
  }
  if (stopReason === null) stopReason = 'requests';
  const judged = settled - rateLimited;

  return {
    requests: settled,
    concurrency: params.concurrency,
    success,
    errors,
    elapsed_ms: round3(elapsedMs),
    rps: elapsedMs > 0 ? round3((settled * 1000) / elapsedMs) : 0,
    latency_ms: latency,
    status_codes: statusCodes,
    tool: 'prodready',
    started_at: startedWall.toISOString(),
    started_at_source: 'clock',
    endpoint: params.endpoint,
    mode: open ? 'open' : 'closed',
    rate_limited: rateLimited,
    error_rate: judged > 0 ? errors / judged : null,
    error_causes: errorCauses,
    error_samples: errorSamples,
    stopped_by: stopReason,
    ...(pausedMs > 0 ? { retry_after_ms: round3(pausedMs) } : {}),
    warmup_requests: warmSettled,
    ...(open ? { target_rps: params.rate!, dropped } : {}),
    unknown_fields: [],
    histogram: histogramRows,
  };
}
