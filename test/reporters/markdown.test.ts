import { describe, expect, it } from 'vitest';
import markdown, { escapeMarkdown } from '../../src/reporters/markdown.js';
import { SECTION_TITLES } from '../../src/core/types.js';
import { HOSTILE_VALUE, makeReadyRunResult, makeReportContext, makeRunResult } from '../fixtures/run-result.js';

/** GFM splits table rows on pipes that are not backslash-escaped (inside code spans too). */
function cells(row: string): string[] {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

/** The rows of the table that follows a heading. */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const rows: string[][] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('#')) break;
    if (l.startsWith('|')) rows.push(cells(l));
    else if (rows.length) break;
  }
  return rows;
}

describe('markdown reporter', () => {
  const md = markdown(makeRunResult(), makeReportContext());

  it('leads with the verdict and the counts', () => {
    expect(md.split('\n')[0]).toBe('## prodready: ❌ NOT READY — recsys-prod-eu');
    expect(md).toContain('7 fail, 3 warn, 2 unknown, 3 manual, 1 waived, 1 skip, 9 pass.');
    expect(markdown(makeReadyRunResult(), makeReportContext()).split('\n')[0]).toBe('## prodready: ✅ READY — recsys-prod-eu');
  });

  it('has a four-column table per section, every row with four cells', () => {
    const headings = md.split('\n').filter((l) => /^### \d\. /.test(l));
    expect(headings.map((h) => h.split(' — ')[0])).toEqual(
      ([0, 1, 2, 3, 4, 5, 6, 7] as const).map((s) => `### ${s}. ${SECTION_TITLES[s]}`),
    );
    for (const h of headings) {
      const rows = tableAfter(md, h);
      expect(rows[0]).toEqual(['Rule', 'Status', 'Where', 'What to do']);
      for (const r of rows) expect(r, h).toHaveLength(4);
    }
  });

  it('shows where and what to do for a failure', () => {
    const rows = tableAfter(md, md.split('\n').find((l) => l.startsWith('### 1. '))!);
    const dev = rows.find((r) => r[0]!.includes('dev-auth-disabled'))!;
    expect(dev[1]).toBe('❌ fail');
    expect(dev[2]).toBe('`.env.production:3:18`');
    expect(dev[3]).toContain('**→** Set DEV\\_AUTH\\_ENABLED to "false" (or remove it) in api.env of the production deployment.');
    expect(dev[0]).toContain('(<https://prodready.dev/rules/dev-auth-disabled.md>)');
  });

  it('lists evidence, attestations with who and until, waivers with who, why and until', () => {
    expect(md).toContain('API\\_KEY\\_HASH\\_SECRET set, 43 chars, from Secret recsys-api');
    const att = tableAfter(md, '### Attestations');
    expect(att[0]).toEqual(['Item', 'Statement', 'By', 'Date', 'Until', 'Evidence']);
    expect(att[2]).toEqual(expect.arrayContaining(['1.key-rotation', 'Bob Chen', '2026-11-01', '2027-05-01']));
    const w = tableAfter(md, '### Waivers');
    expect(w[2]).toEqual([
      'cors-restricted',
      '`values.yaml:22:27 (api.env.CORS_ALLOWED_ORIGINS)`',
      'Alice Martin &lt;alice@example.com&gt;',
      'public widget, no credentials; tracked in SEC-142',
      '2026-12-31',
    ]);
  });

  it('gives probe and load-burst figures, and says unknown for what a source lacks', () => {
    const probes = tableAfter(md, '### Live probes');
    expect(probes.find((r) => r[0]!.includes('readyz'))![3]).toContain('GET https://recsys.example.com/readyz → 200 in 12 ms');
    const burst = tableAfter(md, '#### https://recsys.example.com/v1/recommend (prodready, closed loop)');
    expect(burst).toContainEqual(['Latency p50 / p90 / p95 / p99', '88.2 ms / 301.7 ms / 412 ms / 655.3 ms']);
    expect(burst).toContainEqual(['Error rate', '1.53%']);
    expect(md).toContain('| 100 ms | 72 |');
    const locust = tableAfter(md, '#### load/locust\\_stats.csv (locust)');
    expect(locust).toContainEqual(['Concurrency', 'unknown']);
    expect(locust).toContainEqual(['Error rate', 'unknown']);
  });

  it('escapes markup and keeps a pipe in a message inside its cell', () => {
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;window.\\_\\_pwned=1&lt;/script&gt;');
    const result = makeRunResult();
    result.results.find((u) => u.id === 'dev-auth-disabled')!.findings[0]!.message = 'a | b `c` <img src=x onerror=alert(1)>';
    result.results.find((u) => u.id === 'dev-auth-disabled')!.findings[0]!.location = { file: '/work/deploy/we|rd`name.env', line: 1 };
    const out = markdown(result, makeReportContext());
    const rows = tableAfter(out, out.split('\n').find((l) => l.startsWith('### 1. '))!);
    const dev = rows.find((r) => r[0]!.includes('dev-auth-disabled'))!;
    expect(dev).toHaveLength(4);
    expect(dev[3]).toContain('a \\| b \\`c\\` &lt;img src=x onerror=alert(1)&gt;');
    expect(dev[2]).toBe('``we\\|rd`name.env:1``');
    expect(out).not.toContain('<img');
  });

  it('escapeMarkdown neutralises block syntax at the start only', () => {
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
    expect(escapeMarkdown('1. not a list')).toBe('1\\. not a list');
    expect(escapeMarkdown('version 0.1.0')).toBe('version 0.1.0');
    expect(escapeMarkdown('two\nlines')).toBe('two lines');
  });
});
