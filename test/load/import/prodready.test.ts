import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copiedWithMtime, fixture, imported, rejected, removeCopies } from './helpers.js';

afterAll(removeCopies);

describe('prodready load report', () => {
  it('reads its own report back, keeping the start time it recorded', async () => {
    const r = await imported(fixture('prodready-report.json'));
    expect(r).toMatchObject({
      tool: 'prodready',
      requests: 500,
      rate_limited: 2,
      started_at: '2026-11-24T09:30:00.000Z',
      started_at_source: 'file',
      file: fixture('prodready-report.json'),
      latency_ms: { p95: 61.3 },
    });
    expect(r.source_lines?.p95).toBe(11);
  });

  it('reads the first load result out of a `prodready check` JSON run result', async () => {
    const dir = await copiedWithMtime(['prodready-report.json'], new Date());
    const report = JSON.parse(await readFile(fixture('prodready-report.json'), 'utf8'));
    const file = path.join(dir, 'run.json');
    await writeFile(file, JSON.stringify({ schemaVersion: '1.0', results: [], load: [report] }, null, 2));
    expect((await imported(file)).requests).toBe(500);
  });

  it('names the line of a field that does not fit the report schema', async () => {
    const dir = await copiedWithMtime(['prodready-report.json'], new Date());
    const text = (await readFile(fixture('prodready-report.json'), 'utf8')).replace('"p95": 61.3', '"p95": "fast"');
    const file = path.join(dir, 'edited.json');
    await writeFile(file, text);
    const p = await rejected(file);
    expect(p).toMatchObject({ code: 'missing-field', line: 11 });
    expect(p.message).toContain('latency_ms.p95');
  });
});
