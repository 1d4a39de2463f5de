import { describe, expect, it } from 'vitest';
import { parse as dotenvParse } from 'dotenv';
import { parseEnvFile } from '../../src/sources/env-file.js';

const values = (text: string): Record<string, string> => Object.fromEntries([...parseEnvFile('x.env', text).entries].map(([k, e]) => [k, e.value]));

describe('env files', () => {
  it('reads values the way dotenv does', () => {
    const text = [
      '# comment',
      'export A=1',
      'B = spaced  ',
      "C='single # not a comment'",
      'D="double\\nnewline"',
      'E=unquoted # comment',
      'F=',
      'G="multi',
      'line"',
      'H=`back`',
      'I: colon',
    ].join('\n');
    expect(values(text)).toEqual(dotenvParse(text));
  });

  it('gives every key its line and column, also after a multi-line value', () => {
    const r = parseEnvFile('x.env', 'A="1\n2"\n  export B=3\n');
    expect(r.entries.get('A')).toMatchObject({ line: 1, column: 1 });
    expect(r.entries.get('B')).toMatchObject({ line: 3, column: 10, valueColumn: 12 });
  });

  it('reports a key set twice and keeps the last, as dotenv does', () => {
    const r = parseEnvFile('x.env', 'A=1\nB=2\nA=3\n');
    expect(r.entries.get('A')!.value).toBe('3');
    expect(r.duplicates).toHaveLength(1);
    expect(r.duplicates[0]!.first.line).toBe(1);
    expect(r.duplicates[0]!.second.line).toBe(3);
  });

  it('turns an unterminated quote into a problem at its line, and keeps reading', () => {
    const r = parseEnvFile('x.env', 'A=1\nB="open\nC=3\n');
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, code: 'env-unterminated-quote' })]);
    expect(r.entries.get('C')!.value).toBe('3');
  });

  it('handles CRLF, a BOM and junk lines', () => {
    const r = parseEnvFile('x.env', '\uFEFFA=1\r\nnot a pair\r\nB=2\r\n');
    expect(values('\uFEFFA=1\r\nB=2\r\n')).toEqual({ A: '1', B: '2' });
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, code: 'env-syntax' })]);
  });

  it('refuses a binary file with one problem', () => {
    const r = parseEnvFile('x.env', 'A=1\n\0\0\0');
    expect(r.problems).toEqual([expect.objectContaining({ code: 'binary-file', line: 2 })]);
    expect(r.entries.size).toBe(0);
  });
});
