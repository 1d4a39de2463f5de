// When a load test ran is read from the results, never from a file's modification time.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copiedWithMtime, fixture, imported, rejected, removeCopies } from './helpers.js';

afterAll(removeCopies);

describe('the run date of an imported result', () => {
  it('takes a Locust run from its stats history, though the files were written just now', async () => {
    const dir = await copiedWithMtime(['ran-2020_stats.csv', 'ran-2020_stats_history.csv', 'ran-2020_failures.csv'], new Date());
    const r = await imported(path.join(dir, 'ran-2020_stats.csv'));
    expect(r).toMatchObject({ started_at: '2020-06-12T10:00:00.000Z', started_at_source: 'file', concurrency: 40 });
    expect(r.started_at_file).toBe(path.join(dir, 'ran-2020_stats_history.csv'));
    expect(r.source_lines?.started_at).toBe(2);
  });

  it('leaves a Locust stats CSV with no history undated', async () => {
    const dir = await copiedWithMtime(['undated_stats.csv'], new Date());
    const r = await imported(path.join(dir, 'undated_stats.csv'));
    expect(r.started_at).toBeNull();
    expect(r.latency_ms.p95).toBe(200);
  });

  it("dates the recsys harness JSON by its generated_at, the run's end, less elapsed_ms", async () => {
    const r = await imported(fixture('generated-2021.harness.json'));
    expect(r).toMatchObject({ started_at: '2021-09-14T08:30:00.000Z', started_at_source: 'file', format: 'harness-json' });
    expect(r.source_lines?.started_at).toBe(2);
  });

  it("leaves the harness's printed report undated", async () => {
    expect((await imported(fixture('harness-stdout.txt'))).started_at).toBeNull();
  });

  it('dates a k6 handleSummary JSON by the timestamp the script added, less state.testRunDurationMs', async () => {
    const r = await imported(fixture('stamped-2020.k6.json'));
    // timestamp 2020-03-04T12:01:00.512Z, testRunDurationMs 60512.3
    expect(Date.parse(r.started_at!)).toBe(Date.parse('2020-03-04T12:01:00.512Z') - 60512);
    expect(r).toMatchObject({ started_at_source: 'file', elapsed_ms: 60512.3 });
    expect(r.source_lines?.started_at).toBe(2);
  });

  it('prefers a started_at the script wrote, and ignores a time without a zone', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'prodready-age-'));
    try {
      const doc = JSON.parse(await readFile(fixture('handle-summary.k6.json'), 'utf8')) as Record<string, unknown>;
      const a = path.join(dir, 'a.json');
      await writeFile(a, JSON.stringify({ started_at: '2026-11-20T09:00:00+02:00', timestamp: '2026-11-25T00:00:00Z', ...doc }, null, 2));
      expect((await imported(a)).started_at).toBe('2026-11-20T07:00:00.000Z');
      const b = path.join(dir, 'b.json');
      await writeFile(b, JSON.stringify({ timestamp: '2026-11-20 09:00:00', ...doc }, null, 2));
      expect((await imported(b)).started_at).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves a k6 export and the printed summary undated: k6 writes no time', async () => {
    expect((await imported(fixture('handle-summary.k6.json'))).started_at).toBeNull();
    expect((await imported(fixture('end-of-test-classic.k6.txt'))).started_at).toBeNull();
  });

  it("drops a prodready report's start time that came from a file's mtime", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'prodready-age-'));
    try {
      const report = JSON.parse(await readFile(fixture('prodready-report.json'), 'utf8')) as Record<string, unknown>;
      const file = path.join(dir, 'old-report.json');
      await writeFile(file, JSON.stringify({ ...report, tool: 'locust', started_at: '2026-11-24T00:00:00.000Z', started_at_source: 'mtime' }, null, 2));
      expect((await imported(file)).started_at).toBeNull();
      await writeFile(file, JSON.stringify({ ...report, tool: 'prodready', started_at: '2026-11-24T00:00:00.000Z', started_at_source: 'clock' }, null, 2));
      expect(await imported(file)).toMatchObject({ started_at: '2026-11-24T00:00:00.000Z', started_at_source: 'file' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('k6 summaries without HTTP metrics', () => {
  it('names a browser test summary as such', async () => {
    const p = await rejected(fixture('browser.k6.json'));
    expect(p.code).toBe('no-http-metrics');
    expect(p.message).toMatch(/^a k6 summary with no HTTP metrics \(browser test\); it has browser_/);
    expect(p.message).not.toMatch(/neither/);
  });

  it('names a WebSocket test summary, and the printed summary of a browser test', async () => {
    expect((await rejected(fixture('websocket.k6.json'))).message).toMatch(/^a k6 summary with no HTTP metrics \(WebSocket test\); it has ws_/);
    const text = await rejected(fixture('browser-end-of-test.k6.txt'));
    expect(text).toMatchObject({ code: 'no-http-metrics', line: 1 });
  });

  it('asks "browser or WebSocket test?" when only the built-in metrics are there', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'prodready-age-'));
    try {
      const file = path.join(dir, 'summary.json');
      const doc = JSON.parse(await readFile(fixture('websocket.k6.json'), 'utf8')) as { metrics: Record<string, unknown> };
      for (const k of Object.keys(doc.metrics)) if (k.startsWith('ws_')) delete doc.metrics[k];
      await writeFile(file, JSON.stringify(doc, null, 2));
      expect((await rejected(file)).message).toMatch(/^a k6 summary with no HTTP metrics \(browser or WebSocket test\?\) but no http_reqs/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('still calls JSON that is no k6 summary at all an unknown format', async () => {
    expect((await rejected(fixture('not-a-load-result.json'))).code).toBe('unknown-format');
  });
});
