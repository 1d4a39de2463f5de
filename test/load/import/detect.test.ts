import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { FILE_ACCESS_CODES, importLoadResult } from '../../../src/load/import/detect.js';
import { NOW, copiedWithMtime, fixture, imported, rejected, removeCopies } from './helpers.js';

afterAll(removeCopies);

describe('importLoadResult format detection', () => {
  it.each([
    ['aggregated-only_stats.csv', 'locust'],
    ['multi-endpoint_stats_history.csv', 'locust'],
    ['p95-1200.k6.json', 'k6'],
    ['handle-summary.k6.json', 'k6'],
    ['end-of-test-v1.k6.txt', 'k6'],
    ['p95-1200.harness.json', 'recsys-harness'],
    ['harness-stdout.txt', 'recsys-harness'],
    ['prodready-report.json', 'prodready'],
  ])('reads %s as a %s result', async (name, tool) => {
    expect((await imported(fixture(name))).tool).toBe(tool);
  });

  it('tells the format from the content, not the name', async () => {
    const dir = await copiedWithMtime(['aggregated-only_stats.csv', 'p95-1200.k6.json'], new Date());
    const renamed = path.join(dir, 'results.txt');
    const { copyFile } = await import('node:fs/promises');
    await copyFile(path.join(dir, 'p95-1200.k6.json'), renamed);
    expect((await imported(renamed)).tool).toBe('k6');
  });

  it('reads a UTF-8 BOM and UTF-16 with a BOM (what PowerShell redirection writes)', async () => {
    const dir = await copiedWithMtime(['harness-stdout.txt'], new Date());
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(fixture('harness-stdout.txt'), 'utf8');
    const bom8 = path.join(dir, 'bom8.txt');
    await writeFile(bom8, `\uFEFF${text}`);
    expect((await imported(bom8)).requests).toBe(12000);
    const utf16 = path.join(dir, 'utf16.txt');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect((await imported(utf16)).latency_ms.p95).toBe(1200);
  });

  it('reports an unknown format, an empty file and a missing file without throwing', async () => {
    expect(await rejected(fixture('not-a-load-result.json'))).toMatchObject({ code: 'unknown-format', line: 1 });
    const dir = await copiedWithMtime([], new Date());
    const empty = path.join(dir, 'empty.csv');
    await writeFile(empty, '\r\n');
    expect(await rejected(empty)).toMatchObject({ code: 'empty-file', line: 1 });
    const csv = path.join(dir, 'other.csv');
    await writeFile(csv, 'when,what\r\n2026-11-20,load\r\n');
    expect(await rejected(csv)).toMatchObject({ code: 'unknown-format', line: 1 });
    expect(await rejected(path.join(dir, 'nope_stats.csv'))).toMatchObject({ code: 'file-not-found', line: 0 });
    expect(await rejected(dir)).toMatchObject({ code: 'file-unreadable', line: 0 });
  });

  it('never throws on any cut of a valid file: each prefix imports or is a problem with a line', async () => {
    for (const name of ['multi-endpoint_stats.csv', 'p95-1200.k6.json', 'p95-1200.harness.json', 'end-of-test-v1.k6.txt', 'harness-stdout.txt']) {
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(fixture(name), 'utf8');
      const dir = await copiedWithMtime([], new Date());
      const step = Math.max(1, Math.floor(text.length / 60));
      for (let cut = 1; cut < text.length; cut += step) {
        const file = path.join(dir, name);
        await writeFile(file, text.slice(0, cut));
        const r = await importLoadResult(file);
        if (!r.ok) {
          expect(r.problem.file).toBe(file);
          expect(r.problem.line).toBeGreaterThanOrEqual(1);
        }
      }
    }
  });

  it('points k6 data-point streams and the Locust HTML report to the file to pass instead', async () => {
    const dir = await copiedWithMtime([], new Date());
    const cases: Array<[string, string, RegExp]> = [
      [
        'k6-out.json',
        '{"type":"Metric","data":{"type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}\n{"type":"Point","data":{"time":"2026-11-20T10:00:00Z","value":12.5,"tags":{}},"metric":"http_req_duration"}\n',
        /--out json.*--summary-export/,
      ],
      ['k6-out.csv', 'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name\nhttp_reqs,1795168800,1.000000,,,,true,,POST,/v1/recommend\n', /--out csv/],
      ['report.html', '<!DOCTYPE html>\n<html><head><title>Test Report for locustfile.py</title></head><body>Locust</body></html>\n', /--html report.*_stats\.csv/],
    ];
    for (const [name, text, message] of cases) {
      const file = path.join(dir, name);
      await writeFile(file, text);
      const p = await rejected(file);
      expect(p).toMatchObject({ code: 'not-a-summary', line: 1 });
      expect(p.message).toMatch(message);
    }
  });

  it('reads `-` from standard input, undated unless the user states when it ran', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(fixture('end-of-test-v1.k6.txt'));
    const r = await importLoadResult('-', { now: NOW, stdin: Readable.from([text.subarray(0, 100), text.subarray(100)]) });
    expect(r).toMatchObject({ ok: true, result: { tool: 'k6', file: '-', started_at: null } });
    const stated = new Date('2026-11-24T09:30:00Z');
    const s = await importLoadResult('-', { now: NOW, stated, stdin: Readable.from([text]) });
    expect(s).toMatchObject({ ok: true, result: { started_at: stated.toISOString(), started_at_source: 'stated' } });
  });

  it('marks the problems that are about reaching the file, not its content', async () => {
    const missing = await rejected(fixture('no-such_stats.csv'));
    expect(FILE_ACCESS_CODES.has(missing.code)).toBe(true);
    expect(FILE_ACCESS_CODES.has((await rejected(fixture('truncated_stats.csv'))).code)).toBe(false);
  });
});
