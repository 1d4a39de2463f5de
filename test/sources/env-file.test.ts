import { describe, expect, it } from 'vitest';
import { parse as dotenvParse } from 'dotenv';
import { MAX_LINE_PROBLEMS, parseEnvFile } from '../../src/sources/env-file.js';

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

describe('env files that once hung or flooded the report', () => {
  it('an unterminated quote near the top of a long file is scanned once, not once per line', () => {
    const text = `A="open\n${'x\n'.repeat(200_000)}`;
    const r = parseEnvFile('big.env', text);
    expect(r.problems[0]).toMatchObject({ line: 1, code: 'env-unterminated-quote' });
  });

  it('lists at most MAX_LINE_PROBLEMS bad lines, then one that counts the rest', () => {
    const r = parseEnvFile('junk.env', `A=1\n${'junk line\n'.repeat(1000)}B=2\n`);
    expect(r.problems).toHaveLength(MAX_LINE_PROBLEMS + 1);
    expect(r.problems.at(-1)).toMatchObject({ line: MAX_LINE_PROBLEMS + 2, message: `not a KEY=VALUE line (and ${1000 - MAX_LINE_PROBLEMS - 1} more unreadable lines after it)` });
    expect(r.entries.get('B')!.value).toBe('2');
    expect(parseEnvFile('j.env', 'junk\n'.repeat(MAX_LINE_PROBLEMS + 1)).problems).toHaveLength(MAX_LINE_PROBLEMS + 1);
  });
});
