import { describe, expect, it } from 'vitest';
import { judgeLoad } from '../../src/load/gates.js';
import type { LoadResult } from '../../src/core/load.js';

function result(over: Partial<LoadResult> = {}): LoadResult {
  return {
    requests: 200,
    concurrency: 4,
    success: 198,
    errors: 2,
    elapsed_ms: 1000,
    rps: 200,
    latency_ms: { p50: 20, p90: 40, p95: 50, p99: 80, max: 120, mean: 25 },
    status_codes: { '200': 198, '500': 2 },
    tool: 'prodready',
    started_at: '2026-11-20T10:00:00Z',
    rate_limited: 0,
    error_rate: 0.01,
    error_causes: { HTTP_500: 2 },
    unknown_fields: [],
    ...over,
  };
}

const scaled = (r: LoadResult, p95Factor: number, rpsFactor = 1): LoadResult =>
  result({ latency_ms: { ...r.latency_ms, p95: r.latency_ms.p95! * p95Factor }, rps: r.rps * rpsFactor });

describe('judgeLoad', () => {
  it('fails a report built to regress by 30 % against its baseline and passes one at 10 %', () => {
    const baseline = result();
    const worse = judgeLoad(scaled(baseline, 1.3), { baseline, maxRegression: 0.2 });
    expect(worse.find((v) => v.gate === 'baseline-p95')).toMatchObject({ status: 'fail' });
    expect(worse.find((v) => v.gate === 'baseline-p95')!.actual).toBeCloseTo(0.3, 6);
    const slightly = judgeLoad(scaled(baseline, 1.1), { baseline, maxRegression: 0.2 });
    expect(slightly.find((v) => v.gate === 'baseline-p95')).toMatchObject({ status: 'pass' });
    // Throughput: a 30 % drop fails, 10 % passes.
    expect(judgeLoad(scaled(baseline, 1, 0.7), { baseline, maxRegression: 0.2 }).find((v) => v.gate === 'baseline-rps')!.status).toBe('fail');
    expect(judgeLoad(scaled(baseline, 1, 0.9), { baseline, maxRegression: 0.2 }).find((v) => v.gate === 'baseline-rps')!.status).toBe('pass');
  });

  it('judges p95, p99 and the error rate against their limits', () => {
    const v = judgeLoad(result(), { p95MaxMs: 40, p99MaxMs: 100, errorRateMax: 0.005 });
    expect(v.map((x) => [x.gate, x.status])).toEqual([
      ['p95', 'fail'],
      ['p99', 'pass'],
      ['error-rate', 'fail'],
    ]);
  });

  it('says unknown, never pass, for figures the result lacks', () => {
    const empty = result({ latency_ms: { p50: null, p90: null, p95: null, p99: null, max: null, mean: null }, error_rate: null });
    expect(judgeLoad(empty, { p95MaxMs: 1, p99MaxMs: 1, errorRateMax: 0 }).map((v) => v.status)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('says unknown when the baseline has no throughput to compare with', () => {
    const v = judgeLoad(result(), { baseline: result({ rps: 0 }) });
    expect(v.find((x) => x.gate === 'baseline-rps')!.status).toBe('unknown');
  });

  it('says unknown for the age gate when the start time is missing or unreadable', () => {
    const now = new Date('2026-11-25T10:00:00Z');
    expect(judgeLoad(result({ started_at: null }), { maxAgeDays: 30 }, now)[0]!.status).toBe('unknown');
    expect(judgeLoad(result({ started_at: 'last tuesday' }), { maxAgeDays: 30 }, now)[0]!.status).toBe('unknown');
    expect(judgeLoad(result(), { maxAgeDays: 30 }, now)[0]!.status).toBe('pass');
    expect(judgeLoad(result(), { maxAgeDays: 2 }, now)[0]!.status).toBe('warn');
  });
});
