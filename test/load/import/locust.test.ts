import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copiedWithMtime, fixture, imported, rejected, removeCopies } from './helpers.js';

afterAll(removeCopies);

describe('Locust stats CSV', () => {
  it('reads the Aggregated row of a stats CSV that has nothing else', async () => {
    const r = await imported(fixture('aggregated-only_stats.csv'));
    expect(r).toMatchObject({
      tool: 'locust',
      requests: 12000,
      success: 11880,
      errors: 120,
      error_rate: 0.01,
      latency_ms: { p50: 45, p90: 610, p95: 1200, p99: 2100, max: 5231 },
      source_lines: { p95: 2, requests: 2 },
    });
    expect(r.rps).toBeCloseTo(198.3, 1);
    expect(r.elapsed_ms).toBeCloseTo(60514, -1);
    expect(r.endpoints).toEqual([]);
  });

  it('says what the stats CSV alone cannot tell: 429s, status codes, concurrency, start time', async () => {
    // Freshly checked out: the mtime is now, which says nothing about when the test ran.
    const dir = await copiedWithMtime(['aggregated-only_stats.csv'], new Date());
    const r = await imported(path.join(dir, 'aggregated-only_stats.csv'));
    expect(r.rate_limited).toBeNull();
    expect(r.concurrency).toBeNull();
    expect(r.status_codes).toEqual({});
    expect(r.unknown_fields).toEqual(expect.arrayContaining(['rate_limited', 'status_codes', 'concurrency']));
    expect(r.started_at).toBeNull();
    expect(r.started_at_source).toBeUndefined();
    expect(r.format).toBe('locust-stats');
    // Without 429s told apart, every failure is an error.
    expect(r.errors).toBe(120);
  });

  it('reads the failures and history CSVs beside a multi-endpoint stats CSV', async () => {
    const r = await imported(fixture('multi-endpoint_stats.csv'));
    expect(r.endpoints?.map((e) => [e.method, e.name, e.requests, e.failures, e.latency_ms.p95])).toEqual([
      ['GET', '/healthz', 1200, 0, 6],
      ['POST', '/v1/recommend', 8400, 150, 520],
      ['POST', '/v1/similar', 2400, 10, 300],
    ]);
    // 160 failures: 106 were 429s (from the failures CSV), counted apart.
    expect(r).toMatchObject({ requests: 12000, rate_limited: 106, errors: 54, concurrency: 50 });
    expect(r.error_rate).toBeCloseTo(54 / (12000 - 106), 6);
    expect(r.error_causes).toEqual({ HTTP_500: 40, ConnectionError: 14 });
    expect(r).toMatchObject({ started_at: '2026-11-20T10:00:00.000Z', started_at_source: 'file' });
    expect(r.started_at_file).toBe(fixture('multi-endpoint_stats_history.csv'));
    expect(r.companion_files).toEqual([fixture('multi-endpoint_failures.csv'), fixture('multi-endpoint_stats_history.csv')]);
    expect(r.unknown_fields).not.toContain('rate_limited');
    expect(r.source_lines?.p95).toBe(5);
  });

  it('treats N/A percentiles as unknown, not zero', async () => {
    const dir = await copiedWithMtime(['aggregated-only_stats.csv'], new Date());
    const file = path.join(dir, 'empty-run_stats.csv');
    const header = (await readFile(fixture('aggregated-only_stats.csv'), 'utf8')).split('\r\n')[0];
    await writeFile(file, `${header}\r\n,Aggregated,0,0,0,0.0,0,0,0.0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\r\n`);
    const r = await imported(file);
    expect(r.latency_ms.p95).toBeNull();
    expect(r.error_rate).toBeNull();
    expect(r.unknown_fields).toContain('latency_ms.p95');
  });
});

describe('Locust stats history CSV', () => {
  it('takes the start time, concurrency and final totals from the Aggregated rows', async () => {
    const r = await imported(fixture('multi-endpoint_stats_history.csv'));
    expect(r).toMatchObject({
      tool: 'locust',
      requests: 12000,
      errors: 160,
      concurrency: 50,
      elapsed_ms: 60000,
      started_at: '2026-11-20T10:00:00.000Z',
      started_at_source: 'file',
      latency_ms: { p95: 480, p99: 1200 },
      source_lines: { started_at: 2, p95: 6 },
    });
    expect(r.rps).toBe(200);
  });

  it('does not pass off the windowed percentiles of --csv-full-history as the run p95', async () => {
    const r = await imported(fixture('full-history_stats_history.csv'));
    expect(r.latency_ms.p95).toBeNull();
    expect(r.latency_ms.p99).toBeNull();
    expect(r.unknown_fields).toEqual(expect.arrayContaining(['latency_ms.p95', 'latency_ms.p99']));
    expect(r.requests).toBe(12000);
  });
});

describe('broken Locust files', () => {
  it('names the line and column of a row cut short', async () => {
    expect(await rejected(fixture('truncated_stats.csv'))).toMatchObject({
      code: 'truncated-row',
      file: fixture('truncated_stats.csv'),
      line: 4,
    });
  });

  it('names the line after the last row when the Aggregated row never came', async () => {
    expect(await rejected(fixture('missing-aggregated_stats.csv'))).toMatchObject({ code: 'missing-row', line: 5 });
  });

  it('names the line where an unclosed quote opened', async () => {
    expect(await rejected(fixture('unterminated-quote_stats.csv'))).toMatchObject({ code: 'invalid-csv', line: 3, column: 6 });
  });

  it('names the cell that is not a number', async () => {
    const p = await rejected(fixture('bad-number_stats.csv'));
    expect(p).toMatchObject({ code: 'bad-number', line: 3 });
    expect(p.message).toContain('"95%"');
    const row = (await readFile(fixture('bad-number_stats.csv'), 'utf8')).split('\r\n')[2]!;
    expect(row.slice(p.column! - 1).startsWith('1.2k')).toBe(true);
  });

  it('sends a failures CSV given alone to the stats CSV beside it', async () => {
    const p = await rejected(fixture('multi-endpoint_failures.csv'));
    expect(p.code).toBe('not-a-summary');
    expect(p.message).toContain('multi-endpoint_stats.csv');
  });

  it('reports a broken failures CSV beside a good stats CSV at its own file and line', async () => {
    const dir = await copiedWithMtime(['multi-endpoint_stats.csv'], new Date());
    await writeFile(path.join(dir, 'multi-endpoint_failures.csv'), 'Method,Name,Error,Occurrences\r\nPOST,/v1/recommend,oops,many\r\n');
    const p = await rejected(path.join(dir, 'multi-endpoint_stats.csv'));
    expect(p).toMatchObject({ code: 'bad-number', file: path.join(dir, 'multi-endpoint_failures.csv'), line: 2 });
  });
});
