import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importLoadResult } from '../../src/load/import/detect.js';
import { UserError } from '../../src/engine/errors.js';
import {
  LOAD_RESULT_MESSAGES,
  judgeLoadResultFiles,
  loadEvidenceFindings,
  loadImportProblemReport,
  renderLoadMessage,
} from '../../src/load/judge-evidence.js';
import type { LoadEvidence } from '../../src/load/judge-evidence.js';
import type { LoadGates, LoadResult } from '../../src/load/types.js';
import { NOW, copiedWithMtime, fixture, imported, removeCopies } from './import/helpers.js';

afterAll(removeCopies);

const seen = new Set<string>();

function judge(result: LoadResult, gates: LoadGates, now = NOW): LoadEvidence {
  const out = loadEvidenceFindings(result, gates, now);
  for (const r of out.reports) {
    seen.add(r.messageId);
    // Every report must render: no placeholder without its data.
    expect(() => renderLoadMessage(r.messageId, r.data)).not.toThrow();
  }
  return out;
}

function report(out: LoadEvidence, messageId: string) {
  const r = out.reports.find((x) => x.messageId === messageId);
  if (!r) throw new Error(`no ${messageId} report; got ${out.reports.map((x) => x.messageId).join(', ')}`);
  return r;
}

describe('p95 gate on imported results', () => {
  it('fails a Locust CSV whose Aggregated 95% is 1200 ms against --p95-max 1000, naming the file and row', async () => {
    const file = fixture('aggregated-only_stats.csv');
    const out = judge(await imported(file), { p95MaxMs: 1000 });
    expect(out.status).toBe('fail');
    const r = report(out, 'p95Over');
    expect(r.status).toBe('fail');
    expect(r.location).toEqual({ file, line: 2 });
    expect(r.data).toMatchObject({ p95: '1200', limit: 1000 });
    const message = renderLoadMessage(r.messageId, r.data);
    expect(message).toBe(`p95 1200 ms is over the 1000 ms limit (${file}:2, Aggregated row, "95%")`);
  });

  it.each([
    ['p95-1200.k6.json', 'k6', 37],
    ['end-of-test-v1.k6.txt', 'k6', 35],
    ['p95-1200.harness.json', 'recsys-harness', 10],
    ['harness-stdout.txt', 'recsys-harness', 4],
  ])('gives the same verdict for the same data as %s', async (name, tool, line) => {
    const locust = judge(await imported(fixture('aggregated-only_stats.csv')), { p95MaxMs: 1000, errorRateMax: 0.02 });
    const out = judge(await imported(fixture(name)), { p95MaxMs: 1000, errorRateMax: 0.02 });
    expect(out.status).toBe(locust.status);
    const r = report(out, 'p95Over');
    expect(r.data).toMatchObject({ tool, p95: '1200' });
    expect(r.location).toEqual({ file: fixture(name), line });
    expect(report(out, 'errorRateWithin').data.errorRate).toBe('1.00%');
  });

  it('passes when p95 is within the limit', async () => {
    const out = judge(await imported(fixture('multi-endpoint_stats.csv')), { p95MaxMs: 1000, errorRateMax: 0.01 });
    expect(report(out, 'p95Within').status).toBe('pass');
    expect(report(out, 'errorRateWithin').data).toMatchObject({ errors: '54', rateLimited: '106 429s apart' });
    expect(out.status).toBe('pass');
  });

  it('is unknown, never a pass, when the file has no p95', async () => {
    const out = judge(await imported(fixture('full-history_stats_history.csv')), { p95MaxMs: 1000, p99MaxMs: 2000 });
    expect(report(out, 'p95Unknown').status).toBe('unknown');
    expect(report(out, 'p99Unknown').status).toBe('unknown');
    expect(out.status).toBe('unknown');
  });

  it('judges p99 and names its line', async () => {
    const out = judge(await imported(fixture('p95-1200.harness.json')), { p99MaxMs: 2000 });
    const r = report(out, 'p99Over');
    expect(r.location).toEqual({ file: fixture('p95-1200.harness.json'), line: 11 });
    expect(renderLoadMessage(r.messageId, r.data)).toContain('latency_ms.p99');
    expect(report(judge(await imported(fixture('p95-1200.harness.json')), { p99MaxMs: 2500 }), 'p99Within').status).toBe('pass');
  });
});

describe('error-rate gate', () => {
  it('fails over the limit, with 429s apart where the format tells them', async () => {
    const out = judge(await imported(fixture('handle-summary.k6.json')), { errorRateMax: 0.001 });
    const r = report(out, 'errorRateOver');
    expect(r.data).toMatchObject({ errors: '54', requests: '12,000', rateLimited: '106 429s apart', errorRate: '0.45%' });
    expect(r.location.line).toBe(49);
  });

  it('is unknown when the file does not say how many requests failed', async () => {
    const dir = await copiedWithMtime([], NOW);
    const { writeFile } = await import('node:fs/promises');
    const file = path.join(dir, 'no-failed.json');
    await writeFile(file, JSON.stringify({ metrics: { http_reqs: { count: 10, rate: 1 }, http_req_duration: { 'p(95)': 3 } } }));
    const out = judge(await imported(file), { errorRateMax: 0.01 });
    expect(report(out, 'errorRateUnknown').status).toBe('unknown');
  });
});

describe('baseline regression', () => {
  it('fails a 30 % p95 regression and passes a 10 % one (max 20 %), across formats', async () => {
    const baseline = await imported(fixture('baseline_stats.csv'));
    const worse = judge(await imported(fixture('candidate-30pct.harness.json')), { baseline, maxRegression: 0.2 });
    const regressed = report(worse, 'baselineP95Regressed');
    expect(regressed.status).toBe('fail');
    expect(regressed.data).toMatchObject({ change: '+30.00%', p95: '1300', baselineP95: '1000', baselineSource: fixture('baseline_stats.csv') });
    expect(worse.status).toBe('fail');

    const slightly = judge(await imported(fixture('candidate-10pct.k6.json')), { baseline, maxRegression: 0.2 });
    expect(report(slightly, 'baselineP95Within')).toMatchObject({ status: 'pass', data: { change: '+10.00%' } });
    expect(report(slightly, 'baselineRpsWithin').status).toBe('pass');
  });

  it('fails a throughput drop past the allowed regression', async () => {
    const baseline = await imported(fixture('baseline_stats.csv'));
    const slow = { ...(await imported(fixture('candidate-10pct.k6.json'))), rps: 150 };
    const r = report(judge(slow, { baseline, maxRegression: 0.2 }), 'baselineRpsDropped');
    expect(r).toMatchObject({ status: 'fail', data: { change: '-25.00%' } });
  });

  it('is unknown when the baseline has no throughput', async () => {
    const baseline = { ...(await imported(fixture('baseline_stats.csv'))), rps: 0 };
    const out = judge(await imported(fixture('aggregated-only_stats.csv')), { baseline });
    expect(report(out, 'baselineRpsUnknown').status).toBe('unknown');
    expect(out.reports.filter((r) => r.messageId.startsWith('baselineRps'))).toHaveLength(1);
  });

  it('is unknown when the baseline has no p95', async () => {
    const baseline = await imported(fixture('full-history_stats_history.csv'));
    const out = judge(await imported(fixture('aggregated-only_stats.csv')), { baseline });
    expect(report(out, 'baselineP95Unknown').status).toBe('unknown');
  });
});

describe('age of the result', () => {
  it('warns on a result older than the configured age, saying how old', async () => {
    const stated = new Date(NOW.getTime() - 45 * 86_400_000);
    const file = fixture('aggregated-only_stats.csv');
    const r0 = await importLoadResult(file, { now: NOW, stated });
    if (!r0.ok) throw new Error(r0.problem.message);
    const out = judge(r0.result, { p95MaxMs: 2000, maxAgeDays: 30 });
    const r = report(out, 'resultStale');
    expect(r.status).toBe('warn');
    expect(r.data).toMatchObject({ age: '45.0 days', maxAgeDays: 30 });
    expect(renderLoadMessage(r.messageId, r.data)).toContain('ran 45.0 days ago');
    expect(r.evidence[0]).toBe(`locust, ${file}, ran ${stated.toISOString().replace('.000Z', 'Z')} (45.0 days ago, as stated with --load-results-date)`);
    expect(out.status).toBe('warn');
  });

  it('uses 30 days by default, and a start time written in the file over the mtime', async () => {
    const fresh = judge(await imported(fixture('multi-endpoint_stats.csv')), { p95MaxMs: 1000 });
    expect(report(fresh, 'resultFresh').data).toMatchObject({ age: '5.0 days', maxAgeDays: 30 });
    const later = new Date('2027-01-05T10:00:00Z');
    const stale = judge(await imported(fixture('multi-endpoint_stats_history.csv'), later), { p95MaxMs: 1000 }, later);
    const r = report(stale, 'resultStale');
    expect(r.data.age).toBe('46.0 days');
    expect(r.location).toEqual({ file: fixture('multi-endpoint_stats_history.csv'), line: 2 });
  });

  it('warns that the age is unknown when the result has no start time, and says what would date it', async () => {
    const r = await imported(fixture('p95-1200.harness.json'));
    expect(r.started_at).toBeNull();
    const out = judge(r, { p95MaxMs: 2000 });
    const age = report(out, 'resultAgeUnknown');
    expect(age.status).toBe('warn');
    expect(renderLoadMessage(age.messageId, age.data)).toBe(
      'the recsys-harness result fixtures/load-results/p95-1200.harness.json does not say when the test ran (the harness report has no generated_at), ' +
        "so whether it is within the 30 days a result counts for is unknown; keep the report as api/cmd/loadtest writes it (with generated_at), or state the run's date with --load-results-date YYYY-MM-DD[THH:MM]",
    );
    expect(age.evidence[0]).toBe(
      "recsys-harness, fixtures/load-results/p95-1200.harness.json, run date unknown: the harness report has no generated_at (a file's modification time is not the run's)",
    );
  });

  it('fails an old or undated result when the age policy says fail', async () => {
    const undated = judge(await imported(fixture('undated_stats.csv')), { p95MaxMs: 2000, agePolicy: { unknownAge: 'fail' } });
    expect(report(undated, 'resultAgeUnknown').status).toBe('fail');
    expect(undated.status).toBe('fail');
    const old = judge(await imported(fixture('ran-2020_stats.csv')), { p95MaxMs: 2000, agePolicy: { stale: 'fail' } });
    expect(report(old, 'resultStale')).toMatchObject({ status: 'fail', location: { file: fixture('ran-2020_stats_history.csv'), line: 2 } });
  });

  it('says when a stated date is not used because the file carries its own time', async () => {
    const stated = new Date('2026-11-24T00:00:00Z');
    const r = await importLoadResult(fixture('ran-2020_stats.csv'), { now: NOW, stated });
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.result.started_at).toBe('2020-06-12T10:00:00.000Z');
    const out = loadEvidenceFindings(r.result, { p95MaxMs: 2000 }, NOW, stated);
    expect(report(out, 'resultStale').evidence).toContain('--load-results-date 2026-11-24T00:00:00Z not used: the file says when the test ran');
  });
});

describe('evidence', () => {
  it('names the tool, file, start, age, figures, and what the file does not say', async () => {
    const out = judge(await imported(fixture('multi-endpoint_stats.csv')), { p95MaxMs: 1000 });
    expect(out.reports[0]!.evidence).toEqual([
      'locust, fixtures/load-results/multi-endpoint_stats.csv, ran 2026-11-20T10:00:00Z (5.0 days ago, from fixtures/load-results/multi-endpoint_stats_history.csv:2)',
      '12,000 requests, 198.3 req/s, p50 45 ms, p95 480 ms, p99 1200 ms',
      'errors: 54 (0.45%, 429s excluded)',
      '429s: 106 (0.88% of requests), counted apart from errors',
      'concurrency: 50 users',
      'error causes: HTTP_500 40, ConnectionError 14',
      '3 endpoints; slowest p95: POST /v1/recommend 520 ms',
      'not in the file: status_codes',
      'also read: fixtures/load-results/multi-endpoint_failures.csv, fixtures/load-results/multi-endpoint_stats_history.csv',
    ]);
  });

  it('says 429s are unknown and why, per tool', async () => {
    const locust = judge(await imported(fixture('aggregated-only_stats.csv')), { p95MaxMs: 1000 });
    expect(locust.reports[0]!.evidence).toContain(
      '429s: unknown (Locust stats CSV has no status codes; pass the *_failures.csv beside it)',
    );
    expect(locust.reports[0]!.evidence).toContain('errors: 120 (1.00%, 429s included)');
    const k6 = judge(await imported(fixture('p95-1200.k6.json')), { p95MaxMs: 1000 });
    expect(k6.reports[0]!.evidence.find((e) => e.startsWith('429s:'))).toContain('http_reqs{status:429}');
    expect(k6.reports[0]!.evidence).toContain('k6 thresholds: http_req_duration p(95)<1000 failed; http_req_failed rate<0.02 passed');
  });

  it('warns when the tool failed one of its own thresholds', async () => {
    const out = judge(await imported(fixture('handle-summary.k6.json')), { p95MaxMs: 1000 });
    const r = report(out, 'toolThresholdFailed');
    expect(r).toMatchObject({ status: 'warn', data: { metric: 'http_req_failed', expression: 'rate<0.01' } });
    expect(out.status).toBe('warn');
  });

  it('says the result is evidence only when no gate is set', async () => {
    const out = judge(await imported(fixture('prodready-report.json')), {});
    expect(report(out, 'noGates').status).toBe('unknown');
  });

  it('works for a burst result without a file', async () => {
    const burst = { ...(await imported(fixture('prodready-report.json'))), file: undefined, source_lines: undefined };
    const r = report(judge(burst, { p95MaxMs: 50 }), 'p95Over');
    expect(r.location).toEqual({});
    expect(renderLoadMessage(r.messageId, r.data)).toContain('embedded burst');
  });
});

describe('a file that cannot be read', () => {
  it('becomes a fatal report at its file and line, never a throw', async () => {
    const r = await importLoadResult(fixture('truncated_stats.csv'), { now: NOW });
    if (r.ok) throw new Error('expected a problem');
    const rep = loadImportProblemReport(r.problem);
    seen.add(rep.messageId);
    expect(rep).toMatchObject({ status: 'fail', fatal: true, location: { file: fixture('truncated_stats.csv'), line: 4 } });
    expect(renderLoadMessage(rep.messageId, rep.data)).toBe(
      `cannot use ${fixture('truncated_stats.csv')} as load evidence: row has 8 of the 22 fields the header names: the file looks cut short`,
    );
    expect(rep.evidence).toEqual([`${fixture('truncated_stats.csv')}:4:36: truncated-row`]);
  });
});

describe('judgeLoadResultFiles (--load-results, repeatable, with --baseline)', () => {
  it('judges every file, keeps broken ones as fatal reports, and takes the worst status', async () => {
    const out = await judgeLoadResultFiles(
      [fixture('multi-endpoint_stats.csv'), fixture('invalid.k6.json'), fixture('candidate-10pct.k6.json')],
      { p95MaxMs: 1000, baselineFile: fixture('baseline_stats.csv'), maxRegression: 0.2 },
      { now: NOW },
    );
    expect(out.results.map((r) => r.tool)).toEqual(['locust', 'k6']);
    const broken = out.reports.find((r) => r.messageId === 'loadResultUnreadable');
    expect(broken).toMatchObject({ fatal: true, location: { file: fixture('invalid.k6.json'), line: 19 } });
    expect(out.reports.filter((r) => r.messageId === 'baselineP95Within')).toHaveLength(2);
    expect(out.status).toBe('fail');
  });

  it('treats a missing results file or an unreadable baseline as the user\'s mistake', async () => {
    await expect(judgeLoadResultFiles([fixture('nope.csv')], {}, { now: NOW })).rejects.toMatchObject({ code: 'file-not-found' });
    const bad = judgeLoadResultFiles([fixture('multi-endpoint_stats.csv')], { baselineFile: fixture('truncated.harness.json') }, { now: NOW });
    await expect(bad).rejects.toBeInstanceOf(UserError);
    await expect(bad).rejects.toMatchObject({ code: 'invalid-load-results', details: [{ path: 'line 10:14' }] });
  });

  it('decides nothing without files', async () => {
    expect((await judgeLoadResultFiles([], { p95MaxMs: 1 }, { now: NOW })).status).toBe('unknown');
  });
});

describe('messages', () => {
  it('every message id is produced by some case above', () => {
    expect([...seen].sort()).toEqual(Object.keys(LOAD_RESULT_MESSAGES).sort());
  });

  it('refuses an unknown id or missing data', () => {
    expect(() => renderLoadMessage('nope', {})).toThrow(/unknown load message/);
    expect(() => renderLoadMessage('p95Over', { p95: '1' })).toThrow(/needs data\.limit/);
  });
});
