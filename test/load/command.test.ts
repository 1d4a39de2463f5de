import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { startDemoTarget, type DemoTarget, type DemoTargetOptions } from '../../src/demo/target.js';
import { registerLoadCommand, resolveLoadOptions, runLoadCommand, type LoadCommandOptions } from '../../src/commands/load.js';
import { userError } from '../helpers/user-error.js';
import type { LoadResult } from '../../src/core/load.js';

let target: DemoTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

async function demo(opts: DemoTargetOptions = {}): Promise<DemoTarget> {
  target = await startDemoTarget(opts);
  return target;
}

function sink() {
  let text = '';
  return { write: (s: string) => void (text += s), get text() { return text; }, isTTY: false };
}

async function run(o: LoadCommandOptions, env: NodeJS.ProcessEnv = {}) {
  const stdout = sink();
  const stderr = sink();
  const outcome = await runLoadCommand(o, { env, stdout, stderr });
  return { ...outcome, stdout: stdout.text, stderr: stderr.text };
}


describe('prodready load: options', () => {
  it('reads the recsys harness environment variables, flags winning over them', () => {
    const env = {
      BASE_URL: 'http://127.0.0.1:8123',
      ENDPOINT: '/v1/similar',
      TENANT_ID: 'acme',
      SURFACE: 'pdp',
      K: '7',
      REQUESTS: '300',
      CONCURRENCY: '6',
      DEV_HEADERS: 'true',
    };
    const r = resolveLoadOptions({ concurrency: '2' }, env);
    expect(r.baseUrl).toBe('http://127.0.0.1:8123/');
    expect(r.tenant).toBe('acme');
    expect(r.params).toMatchObject({ endpoint: '/v1/similar', surface: 'pdp', k: 7, requests: 300, concurrency: 2 });
    expect(r.authHeaders).toEqual({ 'x-dev-user-id': 'prodready-load', 'x-dev-org-id': 'acme' });
  });

  it('takes BEARER_TOKEN and API_KEY from the environment, or a named variable', () => {
    expect(resolveLoadOptions({}, { BEARER_TOKEN: 'tok' }).authHeaders).toEqual({ authorization: 'Bearer tok' });
    expect(resolveLoadOptions({}, { API_KEY: 'key' }).authHeaders).toEqual({ 'x-api-key': 'key' });
    expect(resolveLoadOptions({ apiKeyEnv: 'MY_KEY', apiKeyHeader: 'X-Key' }, { MY_KEY: 'k2' }).authHeaders).toEqual({ 'x-key': 'k2' });
    const e = userError(() => resolveLoadOptions({ bearerTokenEnv: 'NOPE' }, {}));
    expect(e.code).toBe('invalid-option');
    expect(e.message).toContain('NOPE');
  });

  it('refuses bad and over-cap values with one-line UserErrors naming the flag or variable', () => {
    const cases: Array<[LoadCommandOptions, NodeJS.ProcessEnv, string]> = [
      [{}, { REQUESTS: 'lots' }, 'REQUESTS'],
      [{ requests: '100001' }, {}, '--requests'],
      [{}, { CONCURRENCY: '1000' }, 'CONCURRENCY'],
      [{ duration: '10 minutes' }, {}, '--duration'],
      [{ duration: '5m' }, {}, '--duration'],
      [{ endpoint: '/v1/other' }, {}, 'endpoint'],
      [{ baseUrl: 'ftp://x' }, {}, 'http'],
      [{ baseUrl: 'http://user:pw@host' }, {}, 'credentials'],
      [{ errorRateMax: '5' }, {}, '--error-rate-max'],
      [{ maxRegression: '20%' }, {}, '--baseline'],
      [{ format: 'xml' }, {}, '--format'],
      [{ rate: '-1' }, {}, '--rate'],
    ];
    for (const [o, env, mention] of cases) {
      const e = userError(() => resolveLoadOptions(o, env));
      expect(e.code).toBe('invalid-option');
      expect(e.message).toContain(mention);
      expect(e.message).not.toContain('\n');
    }
    expect(userError(() => resolveLoadOptions({ baseline: '/nonexistent/b.json' }, {})).code).toBe('file-not-found');
  });

  it('refuses a FIFO as --baseline or --ca-file instead of blocking on it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prodready-load-fifo-'));
    const fifo = path.join(dir, 'baseline.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const b = userError(() => resolveLoadOptions({ baseline: fifo }, {}));
    expect([b.code, b.message]).toEqual(['file-unreadable', `baseline ${fifo} is not a regular file`]);
    const c = userError(() => resolveLoadOptions({ caFile: fifo }, {}));
    expect([c.code, c.message]).toEqual(['file-unreadable', `--ca-file ${fifo} is not a regular file`]);
  });

  it('parses durations and ratios', () => {
    const r = resolveLoadOptions({ duration: '1500ms', timeout: '1s', errorRateMax: '2%', p95Max: '250' }, {});
    expect(r.params.durationMs).toBe(1500);
    expect(r.params.timeoutMs).toBe(1000);
    expect(r.gates).toEqual({ errorRateMax: 0.02, p95MaxMs: 250 });
    // Open loop without a request count plans rate × duration.
    expect(resolveLoadOptions({ rate: '50', duration: '4s' }, {}).params.requests).toBe(200);
  });
});

describe('prodready load: running', () => {
  it('prints a text summary and exits 0 when the gates pass', async () => {
    const t = await demo({ delayMs: 2, auth: { mode: 'api-key', key: 'api-key-value-1' } });
    const out = await run({ baseUrl: t.url, requests: '50', concurrency: '2', p95Max: '1000', errorRateMax: '1%' }, { API_KEY: 'api-key-value-1' });
    expect(out.exitCode).toBe(0);
    expect(out.result.success).toBe(50);
    expect(out.stdout).toContain('50 requests');
    expect(out.stdout).toContain('PASS');
    expect(out.stdout).not.toContain('api-key-value-1');
    expect(out.stderr).toBe(''); // not a TTY: no progress line
  });

  it('exits 1 when a gate fails, and prints the LoadResult as JSON with --format json', async () => {
    // Retry-After: 0 on the injected 429s: no pause.
    const t = await demo({ delayMs: 1, mix: { every500: 5, every429: 7, everyReset: 1_000_000 }, rateLimit: { capacity: 1e9, refillPerSecond: 1e9, retryAfterSeconds: 0 } });
    const out = await run({ baseUrl: t.url, requests: '70', concurrency: '2', warmup: '0', errorRateMax: '0.01', format: 'json' });
    expect(out.exitCode).toBe(1);
    const json = JSON.parse(out.stdout) as LoadResult & { gates: Array<{ gate: string; status: string }> };
    expect(json.requests).toBe(70);
    expect(json.status_codes).toEqual({ '200': 48, '429': 8, '500': 14 });
    expect(json.rate_limited).toBe(8);
    expect(json.errors).toBe(14);
    expect(json.gates).toEqual([expect.objectContaining({ gate: 'error-rate', status: 'fail' })]);
  });

  it('gates on a baseline report and writes --output', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prodready-load-'));
    const t = await demo({ delayMs: 20 });
    // A baseline that claims p95 was 5 ms: a 20 ms service regressed by far more than 20 %.
    const baselineFile = path.join(dir, 'baseline.json');
    writeFileSync(
      baselineFile,
      JSON.stringify({ requests: 100, concurrency: 2, success: 100, errors: 0, elapsed_ms: 500, rps: 10, latency_ms: { p50: 4, p95: 5, p99: 6 }, status_codes: { '200': 100 } }),
    );
    const output = path.join(dir, 'out', 'report.json');
    const out = await run({ baseUrl: t.url, requests: '20', concurrency: '2', baseline: baselineFile, maxRegression: '20%', output });
    expect(out.exitCode).toBe(1);
    expect(out.verdicts.find((v) => v.gate === 'baseline-p95')!.status).toBe('fail');
    const written = JSON.parse(readFileSync(output, 'utf8')) as LoadResult;
    expect(written.requests).toBe(20);
    expect(written.tool).toBe('prodready');
  });

  it('exits 1 when no request got an answer, even without gates', async () => {
    const t = await demo();
    const url = t.url;
    await t.close();
    target = undefined;
    const out = await run({ baseUrl: url, requests: '3', concurrency: '1', warmup: '0' });
    expect(out.exitCode).toBe(1);
    expect(out.result.error_causes).toEqual({ ECONNREFUSED: 3 });
    expect(out.stdout).toContain('no request got an HTTP answer');
    expect(out.stdout).toMatch(/ECONNREFUSED: ".*ECONNREFUSED 127\.0\.0\.1:\d+"/);
  });

  it('exits 1 when every answer is a 429 or an error, even without gates', async () => {
    const t = await demo({ mix: { every429: 1, every500: 1000, everyReset: 1000 } });
    // Each 429 asks for a second's wait, which the burst honours: three requests, about two seconds.
    const out = await run({ baseUrl: t.url, requests: '3', concurrency: '1', warmup: '0' });
    expect(out.result.success).toBe(0);
    expect(out.result.rate_limited).toBe(3);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('no request got a successful (2xx) answer');
  });

  it('writes a progress line to stderr on a TTY, and none when CI is set', async () => {
    const t = await demo({ delayMs: 5 });
    const o = { baseUrl: t.url, requests: '150', concurrency: '1', warmup: '0' };
    const tty = { ...sink(), isTTY: true };
    let text = '';
    tty.write = (s: string) => void (text += s);
    await runLoadCommand(o, { env: {}, stdout: sink(), stderr: tty });
    expect(text).toMatch(/\d+\/150 requests .* req\/s .*p95/);
    let ciText = '';
    await runLoadCommand(o, { env: { CI: 'true' }, stdout: sink(), stderr: { isTTY: true, write: (s: string) => void (ciText += s) } });
    expect(ciText).toBe('');
  });

  it('registers `load` on a commander program', () => {
    const program = new Command();
    registerLoadCommand(program);
    const cmd = program.commands.find((c) => c.name() === 'load');
    expect(cmd).toBeDefined();
    const flags = cmd!.options.map((o) => o.long);
    for (const f of ['--base-url', '--endpoint', '--requests', '--concurrency', '--rate', '--duration', '--p95-max', '--p99-max', '--error-rate-max', '--baseline', '--max-regression', '--format']) {
      expect(flags).toContain(f);
    }
  });
});

describe('load --import', () => {
  const out = () => {
    let text = '';
    return { io: { env: {}, stdout: { write: (s: string) => void (text += s) }, stderr: { write: () => undefined } }, text: () => text };
  };
  it('gates a Locust CSV with the same p95 gate as a burst, naming file and row', async () => {
    const { runImportCommand } = await import('../../src/commands/load.js');
    const o = out();
    const code = await runImportCommand({ import: ['fixtures/load-results/aggregated-only_stats.csv'], p95Max: '1000' }, o.io);
    expect(code).toBe(1);
    expect(o.text()).toMatch(/FAIL +p95 1200 ms is over the 1000 ms limit \(fixtures\/load-results\/aggregated-only_stats\.csv:2/);
  });
  it('a truncated file fails at its line instead of crashing', async () => {
    const { runImportCommand } = await import('../../src/commands/load.js');
    const o = out();
    const code = await runImportCommand({ import: ['fixtures/load-results/truncated_stats.csv'], format: 'json' }, o.io);
    expect(code).toBe(1);
    const parsed = JSON.parse(o.text()) as { verdicts: Array<{ status: string; location: { line?: number } }> };
    expect(parsed.verdicts[0]).toMatchObject({ status: 'fail', location: { line: 4 } });
  });
});
