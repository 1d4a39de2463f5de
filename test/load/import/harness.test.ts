import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copiedWithMtime, fixture, imported, rejected, removeCopies } from './helpers.js';

afterAll(removeCopies);

describe('recsys harness JSON report', () => {
  it('counts non-2xx answers and unanswered requests as errors, 429s apart', async () => {
    const r = await imported(fixture('p95-1200.harness.json'));
    expect(r).toMatchObject({
      tool: 'recsys-harness',
      requests: 12000,
      concurrency: 50,
      success: 11880,
      errors: 120,
      rate_limited: 0,
      error_rate: 0.01,
      error_causes: { NO_RESPONSE: 20, HTTP_500: 100 },
      status_codes: { '200': 11880, '500': 100 },
      latency_ms: { p50: 45.2, p95: 1200, p99: 2100.5, p90: null },
      elapsed_ms: 60514,
      rps: 198.3,
      source_lines: { p95: 10 },
    });
  });

  it('takes 429s out of the errors and the denominator', async () => {
    const r = await imported(fixture('candidate-30pct.harness.json'));
    expect(r).toMatchObject({ rate_limited: 80, errors: 20 });
    expect(r.error_rate).toBeCloseTo(20 / (12000 - 80), 8);
  });

  it('says 429s are unknown when the report has no status codes', async () => {
    const dir = await copiedWithMtime(['p95-1200.harness.json'], new Date());
    const file = path.join(dir, 'no-codes.json');
    await writeFile(file, JSON.stringify({ requests: 100, success: 90, errors: 2, latency_ms: { p50: 1, p95: 2, p99: 3 } }));
    const r = await imported(file);
    expect(r).toMatchObject({ rate_limited: null, errors: 10, error_rate: 0.1 });
    expect(r.unknown_fields).toEqual(expect.arrayContaining(['rate_limited', 'status_codes', 'concurrency', 'elapsed_ms']));
  });

  it('reports a report cut short at the line and column where it ends', async () => {
    expect(await rejected(fixture('truncated.harness.json'))).toMatchObject({ code: 'invalid-json', line: 10, column: 14 });
  });

  it('names a missing count and a count of the wrong type', async () => {
    const dir = await copiedWithMtime(['p95-1200.harness.json'], new Date());
    const missing = path.join(dir, 'missing.json');
    await writeFile(missing, '{\n  "requests": 10,\n  "latency_ms": { "p95": 2 }\n}\n');
    expect(await rejected(missing)).toMatchObject({ code: 'missing-field' });
    const wrong = path.join(dir, 'wrong.json');
    await writeFile(wrong, '{\n  "requests": 10,\n  "success": 10,\n  "latency_ms": { "p95": 2 },\n  "status_codes": { "200": -1 }\n}\n');
    expect(await rejected(wrong)).toMatchObject({ code: 'bad-number', line: 5 });
  });
});

describe('recsys harness printed report', () => {
  it('reads the text api/cmd/loadtest prints, with Go durations', async () => {
    const r = await imported(fixture('harness-stdout.txt'));
    expect(r).toMatchObject({
      tool: 'recsys-harness',
      requests: 12000,
      errors: 120,
      rate_limited: 0,
      elapsed_ms: 60514,
      rps: 198.3,
      latency_ms: { p50: 45.2, p95: 1200, p99: 2100.5 },
      status_codes: { '200': 11880, '500': 100 },
      source_lines: { p95: 4, requests: 2 },
    });
    expect(r.concurrency).toBeNull();
  });

  it('reports an unreadable latency at its line, and a report cut before its latency line', async () => {
    const dir = await copiedWithMtime(['harness-stdout.txt'], new Date());
    const file = path.join(dir, 'cut.txt');
    await writeFile(file, 'requests: 10  success: 10  errors: 0\nelapsed: 1s  rps: 10.00\nlatency: p50=1ms p95=fast p99=3ms\n');
    expect(await rejected(file)).toMatchObject({ code: 'bad-number', line: 3 });
    await writeFile(file, 'Running load test against http://x/v1/recommend\nrequests: 10  success: 10  errors: 0\nelapsed: 1s  rps: 10.00\n');
    const cut = await rejected(file);
    expect(cut).toMatchObject({ code: 'missing-field', line: 4 });
    expect(cut.message).toContain('cut short');
  });
});
