import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/load/import/csv.js';

function values(text: string): string[][] {
  const r = parseCsv(text);
  if (!r.ok) throw new Error(`parse failed: ${r.message}`);
  return r.rows.map((row) => row.fields.map((f) => f.value));
}

describe('parseCsv', () => {
  it('reads CRLF rows as Python csv writes them, with an empty first field', () => {
    expect(values('Type,Name,Request Count\r\n,Aggregated,12\r\n')).toEqual([
      ['Type', 'Name', 'Request Count'],
      ['', 'Aggregated', '12'],
    ]);
  });

  it('reads LF, lone CR and a last row without a line end', () => {
    expect(values('a,b\nc,d\re,f')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(values('x,"a, ""b""\r\nc",y\r\nz,w,v\r\n')).toEqual([
      ['x', 'a, "b"\r\nc', 'y'],
      ['z', 'w', 'v'],
    ]);
  });

  it('counts a trailing comma as one more empty field', () => {
    expect(values('a,b,\r\n1,2,\r\n')).toEqual([
      ['a', 'b', ''],
      ['1', '2', ''],
    ]);
  });

  it('skips blank lines but keeps the line numbers of the rows after them', () => {
    const r = parseCsv('h1,h2\r\n\r\n1,2\r\n');
    expect(r.ok && r.rows.map((row) => row.line)).toEqual([1, 3]);
  });

  it('gives each field its line and column, past a quoted field spanning lines', () => {
    const r = parseCsv('a,"multi\nline",c\nd,e\n');
    if (!r.ok) throw new Error('unexpected failure');
    expect(r.rows[0]!.fields.map((f) => [f.line, f.column])).toEqual([
      [1, 1],
      [1, 3],
      [2, 7],
    ]);
    expect(r.rows[1]!.line).toBe(3);
    expect(r.rows[1]!.fields[1]).toMatchObject({ value: 'e', line: 3, column: 3 });
  });

  it('reports a quote left open at the end of the file at the line it opened', () => {
    const r = parseCsv('a,b\r\nc,"d,e\r\nf\r\n');
    expect(r).toMatchObject({ ok: false, code: 'unterminated-quote', line: 2, column: 3 });
  });

  it('reports text after a closing quote and a quote inside an unquoted field', () => {
    expect(parseCsv('"a"b,c\n')).toMatchObject({ ok: false, code: 'stray-quote', line: 1, column: 4 });
    expect(parseCsv('ab"c,d\n')).toMatchObject({ ok: false, code: 'stray-quote', line: 1, column: 3 });
  });
});
