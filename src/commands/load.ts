// `prodready load`: the embedded burst on its own, for people who just want the numbers (and for CI gates).
// Flags win over the recsys harness's environment variables (BASE_URL, ENDPOINT, TENANT_ID, SURFACE, K, REQUESTS,
// CONCURRENCY, DEV_HEADERS, BEARER_TOKEN, API_KEY), which win over the defaults.
import { readFileSync, statSync } from 'node:fs';
import { writeOutputFile } from '../reporters/lib/output-file.js';
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
// The burst engine (sockets, TLS, the histogram) is loaded when a burst runs, not when the program starts.
import type { BurstProgress } from '../load/engine.js';
import { judgeLoad } from '../load/gates.js';
import { readLoadReport } from '../load/baseline.js';
import { parseRunDate } from '../load/run-date.js';
import { formatLoadText, formatProgress } from '../load/format.js';
import { ENDPOINTS, LOAD_CAPS, LOAD_DEFAULTS, burstParamsSchema, type BurstParamsInput, type LoadEndpoint } from '../load/params.js';
import { harnessAuthHeaders } from '../load/requests.js';
import type { GateVerdict, LoadGates, LoadResult } from '../core/load.js';
import { shownEnvName } from '../engine/target.js';

export interface LoadCommandOptions {
  baseUrl?: string;
  endpoint?: string;
  tenant?: string;
  surface?: string;
  k?: string;
  requests?: string;
  concurrency?: string;
  rate?: string;
  duration?: string;
  timeout?: string;
  warmup?: string;
  userCardinality?: string;
  devHeaders?: boolean;
  bearerTokenEnv?: string;
  apiKeyEnv?: string;
  apiKeyHeader?: string;
  caFile?: string;
  p95Max?: string;
  p99Max?: string;
  errorRateMax?: string;
  baseline?: string;
  maxRegression?: string;
  format?: string;
  output?: string;
  progress?: boolean;
  /** Judge existing results (Locust, k6, harness, prodready) instead of running a burst. */
  import?: string[];
  /** With --import: when the test ran, for files that carry no time. */
  loadResultsDate?: string;
}

export interface LoadCommandIO {
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  signal?: AbortSignal;
}

export interface LoadCommandOutcome {
  exitCode: 0 | 1;
  result: LoadResult;
  verdicts: GateVerdict[];
}

const HARNESS_DEFAULT_BASE_URL = 'http://localhost:8000';

function bad(message: string): UserError {
  return new UserError('invalid-option', message);
}

function int(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value.trim())) throw bad(`${name} must be a whole number ${min}..${max} (got "${value}")`);
  const n = Number(value);
  if (n < min || n > max) throw bad(`${name} must be ${min}..${max} (got ${n}; the cap is ${max})`);
  return n;
}

function positive(value: string | undefined, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw bad(`${name} must be a positive number (got "${value}")`);
  if (n > max) throw bad(`${name} must be at most ${max} (got ${n})`);
  return n;
}

/** `10s`, `500ms`, `2m`, or a plain number of seconds, to milliseconds. */
export function parseDurationMs(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
  if (!m) throw bad(`${name} must be a duration like 500ms, 10s or 2m (got "${value}")`);
  const n = Number(m[1]);
  const ms = Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
  if (ms < min || ms > max) throw bad(`${name} must be between ${min} ms and ${max / 1000} s (got ${ms} ms; the cap is ${max / 1000} s)`);
  return ms;
}

/** `1%`, `0.01` → 0.01. */
export function parseRatio(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%)?\s*$/.exec(value);
  if (!m) throw bad(`${name} must be a ratio like 0.01 or a percentage like 1% (got "${value}")`);
  const r = m[2] ? Number(m[1]) / 100 : Number(m[1]);
  if (r > 1 && !m[2]) throw bad(`${name} above 1 is ambiguous: write ${value}% for a percentage`);
  return r;
}

function bool(value: string | undefined): boolean {
  return value !== undefined && /^(1|t|true|yes|on)$/i.test(value.trim());
}

function secretFromEnv(env: NodeJS.ProcessEnv, name: string, flag: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw bad(`${flag} takes the name of an environment variable (got an invalid name)`);
  const v = env[name];
  if (v === undefined || v === '') throw bad(`${flag} ${shownEnvName(name)}: that environment variable is not set`);
  return v;
}

interface Resolved {
  baseUrl: string;
  tenant: string;
  authHeaders: Record<string, string>;
  caPem?: string;
  params: BurstParamsInput;
  gates: LoadGates;
  format: 'text' | 'json';
}

/** Flags over harness env vars over defaults; every bad value is a UserError naming the flag or variable. */
export function resolveLoadOptions(o: LoadCommandOptions, env: NodeJS.ProcessEnv): Resolved {
  const pick = (flag: string | undefined, envName: string): [string | undefined, string] =>
    flag !== undefined ? [flag, `--${envName === 'K' ? 'k' : envName.toLowerCase()}`] : [env[envName], envName];

  const baseUrl = o.baseUrl ?? env['BASE_URL'] ?? HARNESS_DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw bad(`${o.baseUrl !== undefined ? '--base-url' : 'BASE_URL'} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad(`the base URL must be http or https (got ${url.protocol})`);
  if (url.username || url.password) throw bad('the base URL must not carry credentials; use BEARER_TOKEN or API_KEY');

  const endpoint = o.endpoint ?? env['ENDPOINT'] ?? LOAD_DEFAULTS.endpoint;
  if (!(ENDPOINTS as readonly string[]).includes(endpoint)) throw bad(`endpoint must be one of ${ENDPOINTS.join(', ')} (got "${endpoint}")`);

  const tenant = o.tenant ?? env['TENANT_ID'] ?? 'demo';
  if (!tenant || /[\r\n\0]/.test(tenant)) throw bad('the tenant id is empty or contains a line break');
  const surface = o.surface ?? env['SURFACE'] ?? LOAD_DEFAULTS.surface;

  const [kRaw, kName] = pick(o.k, 'K');
  const [reqRaw, reqName] = pick(o.requests, 'REQUESTS');
  const [concRaw, concName] = pick(o.concurrency, 'CONCURRENCY');

  let bearer: string | undefined;
  let apiKey: string | undefined;
  if (o.bearerTokenEnv) bearer = secretFromEnv(env, o.bearerTokenEnv, '--bearer-token-env');
  else if (env['BEARER_TOKEN']) bearer = env['BEARER_TOKEN'];
  if (o.apiKeyEnv) apiKey = secretFromEnv(env, o.apiKeyEnv, '--api-key-env');
  else if (env['API_KEY']) apiKey = env['API_KEY'];
  const devHeaders = o.devHeaders ?? bool(env['DEV_HEADERS']);
  if (bearer && /[\r\n]/.test(bearer)) throw bad('the bearer token contains a line break');
  if (apiKey && /[\r\n]/.test(apiKey)) throw bad('the API key contains a line break');
  const apiKeyHeader = o.apiKeyHeader ?? 'X-API-Key';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(apiKeyHeader)) throw bad('--api-key-header is not a valid header name');

  let caPem: string | undefined;
  if (o.caFile) {
    try {
      // A FIFO or device would block the read (or never end): only a regular file is a CA file.
      if (!statSync(o.caFile).isFile()) throw new UserError('file-unreadable', `--ca-file ${o.caFile} is not a regular file`);
      caPem = readFileSync(o.caFile, 'utf8');
    } catch (e) {
      if (e instanceof UserError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(code === 'ENOENT' ? 'file-not-found' : 'file-unreadable', `cannot read --ca-file ${o.caFile} (${code ?? 'error'})`);
    }
  }

  const params: BurstParamsInput = {
    endpoint: endpoint as LoadEndpoint,
    surface,
    k: int(kRaw, kName, 1, LOAD_CAPS.k),
    requests: int(reqRaw, reqName, 1, LOAD_CAPS.requests),
    concurrency: int(concRaw, concName, 1, LOAD_CAPS.concurrency),
    durationMs: parseDurationMs(o.duration, '--duration', 100, LOAD_CAPS.durationMs),
    timeoutMs: parseDurationMs(o.timeout, '--timeout', 10, LOAD_CAPS.timeoutMs),
    warmup: int(o.warmup, '--warmup', 0, LOAD_CAPS.warmup),
    userCardinality: int(o.userCardinality, '--user-cardinality', 1, LOAD_CAPS.userCardinality),
    rate: positive(o.rate, '--rate', LOAD_CAPS.rate),
  };
  // An open loop sends at most rate × duration; without an explicit request count, that is the plan.
  if (params.rate !== undefined && params.requests === undefined) {
    const durationMs = params.durationMs ?? LOAD_DEFAULTS.durationMs;
    params.requests = Math.max(1, Math.min(LOAD_CAPS.requests, Math.ceil((params.rate * durationMs) / 1000)));
  }
  const checked = burstParamsSchema().safeParse(params);
  if (!checked.success) throw bad(`invalid load parameters: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);

  const gates: LoadGates = {};
  const p95 = positive(o.p95Max, '--p95-max');
  const p99 = positive(o.p99Max, '--p99-max');
  const errMax = parseRatio(o.errorRateMax, '--error-rate-max');
  if (p95 !== undefined) gates.p95MaxMs = p95;
  if (p99 !== undefined) gates.p99MaxMs = p99;
  if (errMax !== undefined) gates.errorRateMax = errMax;
  if (o.maxRegression !== undefined && !o.baseline) throw bad('--max-regression needs --baseline <previous report>');
  if (o.baseline) {
    gates.baseline = readLoadReport(o.baseline);
    gates.maxRegression = parseRatio(o.maxRegression, '--max-regression') ?? 0.2;
  }

  const format = o.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw bad(`--format must be text or json (got "${format}")`);

  return {
    baseUrl: url.toString(),
    tenant,
    authHeaders: harnessAuthHeaders({ devHeaders, bearerToken: bearer, apiKey, apiKeyHeader, tenant }),
    caPem,
    params,
    gates,
    format,
  };
}

/** `load --import`: the same gates over results another tool measured; a broken file is a failure at its line. */
export async function runImportCommand(o: LoadCommandOptions, io: LoadCommandIO, now = new Date()): Promise<0 | 1> {
  const { judgeLoadResultFiles, renderLoadMessage } = await import('../load/judge-evidence.js');
  if (o.maxRegression !== undefined && !o.baseline) throw bad('--max-regression needs --baseline <previous report>');
  const format = o.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw bad(`--format must be text or json (got "${format}")`);
  const p95 = positive(o.p95Max, '--p95-max');
  const p99 = positive(o.p99Max, '--p99-max');
  const errMax = parseRatio(o.errorRateMax, '--error-rate-max');
  const maxRegression = parseRatio(o.maxRegression, '--max-regression');
  const stated = o.loadResultsDate !== undefined ? parseRunDate(o.loadResultsDate, now) : undefined;
  const judged = await judgeLoadResultFiles(
    o.import ?? [],
    {
      ...(p95 !== undefined ? { p95MaxMs: p95 } : {}),
      ...(p99 !== undefined ? { p99MaxMs: p99 } : {}),
      ...(errMax !== undefined ? { errorRateMax: errMax } : {}),
      ...(o.baseline ? { baselineFile: o.baseline } : {}),
      ...(maxRegression !== undefined ? { maxRegression } : {}),
    },
    { now, ...(stated ? { stated } : {}) },
  );
  const verdicts = judged.reports.map((r) => ({ status: r.status, messageId: r.messageId, message: renderLoadMessage(r.messageId, r.data), location: r.location, evidence: r.evidence }));
  const json = `${JSON.stringify({ results: judged.results, verdicts, status: judged.status }, null, 2)}\n`;
  if (o.output) {
    await writeOutputFile(o.output, json);
  }
  if (format === 'json') io.stdout.write(json);
  else {
    const lines = [`prodready load --import: ${judged.status.toUpperCase()}`];
    const shown = new Set<string>();
    for (const v of verdicts) {
      lines.push(`  ${v.status.toUpperCase().padEnd(7)} ${v.message}`);
      // Each file's facts once, under its first verdict.
      for (const e of v.evidence) if (!shown.has(e)) lines.push(`          ${e}`), shown.add(e);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  return judged.status === 'fail' || judged.status === 'unknown' ? 1 : 0;
}

/** Run the command; returns the exit code (1 when a gate fails or cannot be judged). UserErrors propagate. */
export async function runLoadCommand(o: LoadCommandOptions, io: LoadCommandIO): Promise<LoadCommandOutcome> {
  const r = resolveLoadOptions(o, io.env);
  const showProgress = (o.progress ?? true) && io.stderr.isTTY === true && !io.env['CI'];
  let lastLen = 0;
  const onProgress = showProgress
    ? (p: BurstProgress) => {
        const line = formatProgress(p);
        io.stderr.write(`\r${line}${' '.repeat(Math.max(0, lastLen - line.length))}`);
        lastLen = line.length;
      }
    : undefined;
  const { runBurst } = await import('../load/engine.js');
  const result = await runBurst({
    target: { baseUrl: r.baseUrl, tenant: r.tenant, authHeaders: r.authHeaders, caPem: r.caPem },
    params: r.params,
    signal: io.signal,
    onProgress,
  });
  if (showProgress && lastLen > 0) io.stderr.write(`\r${' '.repeat(lastLen)}\r`);
  const verdicts = judgeLoad(result, r.gates);
  // With no successful answer there is nothing to pass, gates asked or not: every request refused,
  // rate limited or failing says the service did not serve this burst.
  const unanswered = result.requests > 0 && result.success === 0;
  // An interrupted burst is not a pass either, whatever its partial figures say.
  const failed = unanswered || result.stopped_by === 'abort' || verdicts.some((v) => v.status === 'fail' || v.status === 'unknown');
  const json = `${JSON.stringify({ ...result, gates: verdicts }, null, 2)}\n`;
  if (o.output) {
    await writeOutputFile(o.output, json);
  }
  io.stdout.write(r.format === 'json' ? json : formatLoadText(result, verdicts, r.baseUrl));
  return { exitCode: failed ? 1 : 0, result, verdicts };
}

export function registerLoadCommand(program: Command): void {
  program
    .command('load')
    .description('Run a short, bounded load burst against recsys-service and gate on p95, p99, error rate or a baseline.')
    .option('--base-url <url>', `service base URL (env BASE_URL, default ${HARNESS_DEFAULT_BASE_URL})`)
    .option('--endpoint <path>', `${ENDPOINTS.join(' or ')} (env ENDPOINT)`)
    .option('--tenant <id>', 'tenant sent in X-Org-Id (env TENANT_ID, default demo)')
    .option('--surface <name>', 'surface (env SURFACE, default home)')
    .option('-k, --k <n>', `items per request (env K, default ${LOAD_DEFAULTS.k})`)
    .option('--requests <n>', `measured requests (env REQUESTS, default ${LOAD_DEFAULTS.requests}, cap ${LOAD_CAPS.requests})`)
    .option('--concurrency <n>', `connections (env CONCURRENCY, default ${LOAD_DEFAULTS.concurrency}, cap ${LOAD_CAPS.concurrency})`)
    .option('--rate <rps>', 'open loop: constant arrival rate; latency counts from each request\'s intended start')
    .option('--duration <time>', `wall-clock cap, warm-up included (500ms, 10s, 2m; default ${LOAD_DEFAULTS.durationMs / 1000}s, cap ${LOAD_CAPS.durationMs / 1000}s)`)
    .option('--timeout <time>', `per-request timeout (default ${LOAD_DEFAULTS.timeoutMs / 1000}s)`)
    .option('--warmup <n>', `requests sent first and not counted (default ${LOAD_DEFAULTS.warmup})`)
    .option('--user-cardinality <n>', `distinct user ids cycled (default ${LOAD_DEFAULTS.userCardinality})`)
    .option('--dev-headers', 'send X-Dev-User-Id / X-Dev-Org-Id (env DEV_HEADERS=true)')
    .option('--bearer-token-env <NAME>', 'read the bearer token from this environment variable (default BEARER_TOKEN)')
    .option('--api-key-env <NAME>', 'read the API key from this environment variable (default API_KEY)')
    .option('--api-key-header <name>', 'API key header (default X-API-Key)')
    .option('--ca-file <pem>', 'extra CA certificate for an https target')
    .option('--p95-max <ms>', 'gate: p95 latency at most this many ms')
    .option('--p99-max <ms>', 'gate: p99 latency at most this many ms')
    .option('--error-rate-max <ratio>', 'gate: error rate (429s excluded) at most this (0.01 or 1%)')
    .option('--baseline <report.json>', 'gate: compare with a previous report (prodready load --format json, or the recsys harness JSON)')
    .option('--max-regression <ratio>', 'largest allowed p95 rise / rps drop against the baseline (default 20%)')
    .option('--format <format>', 'text or json (the LoadResult, a superset of the harness report)', 'text')
    .option('--output <file>', 'also write the JSON report to this file')
    .option('--no-progress', 'no progress line on stderr (it is only shown on a TTY outside CI anyway)')
    .option('--import <file>', 'judge results another tool wrote instead of running a burst: Locust *_stats.csv, k6 --summary-export, recsys harness JSON (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--load-results-date <date>', "with --import: when the test ran, YYYY-MM-DD[THH:MM] (UTC unless a zone follows), for files that carry no time")
    .addHelpText(
      'after',
      `
In the open loop (--rate), --concurrency bounds the requests in flight: give at least rate × expected latency,
or arrivals wait for a free connection (their wait counts in the latencies, and they are reported as dropped
if the burst ends first).
Point it at a test tenant: recommend calls may be written to the exposure log and reach experiment analytics.

Exit codes: 0 every gate passed (or none asked), 1 a gate failed or could not be judged, no request got a
successful (2xx) answer, or the burst was interrupted, 2 bad flags.
A 429 or 503 with Retry-After pauses the burst that long; a wait past --duration ends it (ended by: retry-after).
Examples:
  prodready load --base-url https://recsys.example --tenant acme --p95-max 250 --error-rate-max 1%
  BASE_URL=http://localhost:8000 DEV_HEADERS=true REQUESTS=1000 CONCURRENCY=25 prodready load --format json
  prodready load --rate 50 --duration 20s --baseline last.json --max-regression 20%
  prodready load --import results_stats.csv --p95-max 1000 --baseline last_stats.csv`,
    )
    .action(async (opts: LoadCommandOptions) => {
      const ac = new AbortController();
      const onSigint = () => ac.abort();
      process.once('SIGINT', onSigint);
      try {
        if (opts.loadResultsDate !== undefined && !(opts.import && opts.import.length > 0)) {
          throw bad('--load-results-date dates the files of --import; a burst is dated by the clock');
        }
        if (opts.import && opts.import.length > 0) {
          process.exitCode = await runImportCommand(opts, { env: process.env, stdout: process.stdout, stderr: process.stderr });
          return;
        }
        const outcome = await runLoadCommand(opts, { env: process.env, stdout: process.stdout, stderr: process.stderr, signal: ac.signal });
        process.exitCode = outcome.exitCode;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
