import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGoDuration, redactEndpointName } from '../../../src/load/import/common.js';
import { copiedWithMtime, fixture, imported, removeCopies } from './helpers.js';

afterAll(removeCopies);

describe('parseGoDuration', () => {
  it.each([
    ['215.95ms', 215.95],
    ['1.2s', 1200],
    ['1m0.514s', 60514],
    ['950µs', 0.95],
    ['950us', 0.95],
    ['2h1m', 7_260_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', 'fast', '12', '1.2 s', 'ms'])('%j is not a duration', (text) => {
    expect(parseGoDuration(text)).toBeNull();
  });
});

describe('redactEndpointName', () => {
  it('masks credentials in URL-named endpoints and keeps the rest', () => {
    expect(redactEndpointName('/v1/recommend?user_id=7&api_key=sk-live-123&k=20')).toBe('/v1/recommend?user_id=7&api_key=***&k=20');
    expect(redactEndpointName('https://svc:hunter2@recsys.example/v1/similar?token=abc')).toBe('https://svc:***@recsys.example/v1/similar?token=***');
    expect(redactEndpointName('/v1/recommend')).toBe('/v1/recommend');
  });

  it('stops a masked value at the end of a k6 tag set', () => {
    expect(redactEndpointName('http_req_duration{name:/v1/recommend?token=abc,method:GET}')).toBe('http_req_duration{name:/v1/recommend?token=***,method:GET}');
    expect(redactEndpointName('http_reqs{name:/v1/recommend?token=abc}')).toBe('http_reqs{name:/v1/recommend?token=***}');
  });

  it('keeps secrets in Locust names and failure texts out of the imported result', async () => {
    const dir = await copiedWithMtime(['aggregated-only_stats.csv'], new Date());
    const { readFile } = await import('node:fs/promises');
    const [header, agg] = (await readFile(fixture('aggregated-only_stats.csv'), 'utf8')).split('\r\n');
    const secret = 'sk-live-0123456789abcdef';
    await writeFile(path.join(dir, 'secret_stats.csv'), `${header}\r\nGET,/v1/recommend?api_key=${secret},10,1,1,1,1,1,1,1,0,1,1,1,1,1,1,1,1,1,1,1\r\n${agg}\r\n`);
    await writeFile(path.join(dir, 'secret_failures.csv'), `Method,Name,Error,Occurrences\r\nGET,/v1/recommend?api_key=${secret},"bad answer for key ${secret}",1\r\n`);
    const r = await imported(path.join(dir, 'secret_stats.csv'));
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(r.error_causes).toEqual({ OTHER: 1 });
  });
});
