import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/load/import/json.js';

describe('parseJson', () => {
  it('reads what JSON.stringify writes, indented or not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, indent) => {
        const text = JSON.stringify(value, null, indent ? 2 : undefined);
        const r = parseJson(text);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects what JSON.parse rejects', () => {
    for (const text of ['{', '{"a":1,}', '[1 2]', '{"a" 1}', "{'a':1}", '01', '"\\x"', 'tru', '{"a":1}x', '-', '1.', NaN.toString()]) {
      expect(() => JSON.parse(text)).toThrow();
      expect(parseJson(text).ok, text).toBe(false);
    }
  });

  it('records the line and column of every value by JSON pointer', () => {
    const r = parseJson('{\n  "metrics": {\n    "http_req_duration": { "p(95)": 1200 },\n    "a/b": [1,\n 2]\n  }\n}');
    if (!r.ok) throw new Error(r.message);
    expect(r.positions.get('/metrics/http_req_duration/p(95)')).toEqual({ line: 3, column: 37 });
    expect(r.positions.get('/metrics/a~1b/1')).toEqual({ line: 5, column: 2 });
  });

  it('reports where a missing comma and a cut-off file stop making sense', () => {
    expect(parseJson('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({ ok: false, line: 3, column: 3 });
    const cut = parseJson('{\n  "a": {\n    "p95": 12');
    expect(cut).toMatchObject({ ok: false, line: 3, column: 14 });
    if (!cut.ok) expect(cut.message).toContain('end of the file');
  });
});
