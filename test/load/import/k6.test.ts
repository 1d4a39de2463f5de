import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copiedWithMtime, fixture, imported, rejected, removeCopies } from './helpers.js';

afterAll(removeCopies);

describe('k6 --summary-export JSON', () => {
  it('reads counts, trend stats and the failed-request rate', async () => {
    const r = await imported(fixture('p95-1200.k6.json'));
    expect(r).toMatchObject({
      tool: 'k6',
      requests: 12000,
      success: 11880,
      errors: 120,
      error_rate: 0.01,
      concurrency: 50,
      latency_ms: { p50: 45.1, p90: 610.2, p95: 1200, p99: 2100, max: 5231.77, mean: 182.41716 },
    });
    expect(r.rps).toBeCloseTo(198.3, 1);
    expect(r.elapsed_ms).toBeCloseTo(60514, -1);
  });

  it('keeps k6 thresholds with their verdicts (true in the export means the threshold failed)', async () => {
    const r = await imported(fixture('p95-1200.k6.json'));
    expect(r.tool_thresholds).toEqual([
      { metric: 'http_req_duration', expression: 'p(95)<1000', ok: false },
      { metric: 'http_req_failed', expression: 'rate<0.02', ok: true },
    ]);
  });

  it('cites the line of p(95) in the file', async () => {
    const r = await imported(fixture('p95-1200.k6.json'));
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(fixture('p95-1200.k6.json'), 'utf8')).split('\n');
    expect(lines[r.source_lines!.p95! - 1]).toContain('"p(95)": 1200');
  });

  it('says 429s and p99 are unknown when the export does not carry them', async () => {
    const r = await imported(fixture('candidate-10pct.k6.json'));
    expect(r.rate_limited).toBeNull();
    expect(r.latency_ms.p99).toBeNull();
    expect(r.unknown_fields).toEqual(expect.arrayContaining(['rate_limited', 'latency_ms.p99', 'status_codes']));
  });

  it('has no date when the export carries none, whatever the file mtime says', async () => {
    const dir = await copiedWithMtime(['p95-1200.k6.json'], new Date());
    const r = await imported(path.join(dir, 'p95-1200.k6.json'));
    expect(r.started_at).toBeNull();
    expect(r.started_at_source).toBeUndefined();
  });
});

describe('k6 per-endpoint submetrics', () => {
  it('makes a row for each `name` submetric that has both latency and a request count', async () => {
    const r = await imported(fixture('endpoints.k6.json'));
    expect(r.endpoints?.map((e) => [e.name, e.requests, e.failures, e.latency_ms.p95])).toEqual([
      ['/v1/recommend', 8400, 150, 520],
      ['/v1/similar', 2400, null, 300],
    ]);
    // /healthz has a latency submetric but no count: no row rather than a made-up one.
    expect(r.concurrency).toBe(50);
  });

  it('reads submetric rows printed under their metric in the text summary', async () => {
    const r = await imported(fixture('end-of-test-v1.k6.txt'));
    expect(r.endpoints).toEqual([
      { name: '/v1/recommend', requests: 8400, failures: null, rps: null, latency_ms: { p50: 52, p90: 702, p95: 1310, p99: null, max: 5230, mean: 201.3 } },
    ]);
  });
});

describe('k6 handleSummary JSON', () => {
  it('reads values under `values`, the run duration and a 429 submetric', async () => {
    const r = await imported(fixture('handle-summary.k6.json'));
    expect(r).toMatchObject({
      requests: 12000,
      elapsed_ms: 60512.3,
      rate_limited: 106,
      errors: 54,
      status_codes: { '429': 106 },
      latency_ms: { p95: 480, p99: 1200 },
    });
    expect(r.error_rate).toBeCloseTo(54 / 11894, 6);
    expect(r.tool_thresholds).toContainEqual({ metric: 'http_req_failed', expression: 'rate<0.01', ok: false });
    expect(r.unknown_fields).not.toContain('rate_limited');
  });
});

describe('k6 printed end-of-test summary', () => {
  it('reads the v1 layout, with Go durations and its THRESHOLDS block', async () => {
    const r = await imported(fixture('end-of-test-v1.k6.txt'));
    expect(r).toMatchObject({
      tool: 'k6',
      requests: 12000,
      errors: 120,
      concurrency: 50,
      latency_ms: { p50: 45.1, p95: 1200, max: 5230, mean: 182.41 },
      source_lines: { p95: 35 },
    });
    expect(r.tool_thresholds).toEqual([
      { metric: 'http_req_duration', expression: 'p(95)<1000', ok: false },
      { metric: 'http_req_failed', expression: 'rate<0.02', ok: true },
    ]);
  });

  it('reads the classic layout, where ✓ counts the failed requests', async () => {
    const r = await imported(fixture('end-of-test-classic.k6.txt'));
    expect(r).toMatchObject({ requests: 12000, errors: 120, success: 11880, latency_ms: { p95: 1200 } });
    expect(r.latency_ms.p99).toBeNull();
  });

  it('reports a duration it cannot read at its line', async () => {
    const dir = await copiedWithMtime(['end-of-test-classic.k6.txt'], new Date());
    const file = path.join(dir, 'bad.txt');
    await writeFile(
      file,
      'http_req_duration..............: avg=1ms min=1ms med=1ms max=1ms p(90)=1ms p(95)=fast\nhttp_reqs......................: 10  1/s\n',
    );
    expect(await rejected(file)).toMatchObject({ code: 'bad-number', line: 1 });
  });
});

describe('broken k6 JSON', () => {
  it('names the line and column where the JSON breaks', async () => {
    const p = await rejected(fixture('invalid.k6.json'));
    expect(p).toMatchObject({ code: 'invalid-json', file: fixture('invalid.k6.json'), line: 19, column: 9 });
  });

  it('names the line of a figure of the wrong type', async () => {
    const dir = await copiedWithMtime(['p95-1200.k6.json'], new Date());
    const file = path.join(dir, 'wrong.json');
    await writeFile(file, '{\n  "metrics": {\n    "http_reqs": { "count": 10, "rate": 1 },\n    "http_req_duration": { "p(95)": "slow" }\n  }\n}\n');
    expect(await rejected(file)).toMatchObject({ code: 'bad-number', line: 4, column: 37 });
  });

  it('asks for http_reqs.count when the summary is not of an HTTP test', async () => {
    const dir = await copiedWithMtime(['p95-1200.k6.json'], new Date());
    const file = path.join(dir, 'grpc.json');
    await writeFile(file, '{\n  "metrics": {\n    "http_req_duration": { "p(95)": 3 }\n  }\n}\n');
    expect(await rejected(file)).toMatchObject({ code: 'missing-field', line: 2 });
  });
});

describe('k6 threshold names that carry an endpoint URL', () => {
  it('redact its credentials like the endpoint names', async () => {
    const { readFile } = await import('node:fs/promises');
    const secret = 'sk-live-thr-0123456789';
    const dir = await copiedWithMtime([], new Date());
    for (const name of ['endpoints.k6.json', 'end-of-test-v1.k6.txt']) {
      const text = (await readFile(fixture(name), 'utf8')).replaceAll('/v1/recommend', `/v1/recommend?token=${secret}`);
      await writeFile(path.join(dir, name), text);
      const r = await imported(path.join(dir, name));
      expect(JSON.stringify(r)).not.toContain(secret);
      if (name.endsWith('.json')) expect(JSON.stringify(r.tool_thresholds)).toContain('token=***');
    }
  });
});
