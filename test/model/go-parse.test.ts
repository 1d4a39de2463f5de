import { describe, expect, it } from 'vitest';
import { parseByType, parseGoBool, parseGoDuration, parseGoInt } from '../../src/model/go-parse.js';

describe("Go's parsing, not JavaScript's", () => {
  it('ParseBool accepts exactly Go\'s words', () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True', ' true ']) expect(parseGoBool(t)).toBe(true);
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseGoBool(f)).toBe(false);
    for (const bad of ['yes', 'on', 'enabled', 'tRUE', '', 'y']) expect(parseGoBool(bad)).toBeUndefined();
  });
  it('ParseInt is base-10 int64', () => {
    expect(parseGoInt('200')).toBe(200);
    expect(parseGoInt('+5')).toBe(5);
    for (const bad of ['200x', '1e+07', '0x10', '1_000', '9223372036854775808', '']) expect(parseGoInt(bad)).toBeUndefined();
  });
  it('ParseDuration wants units', () => {
    expect(parseGoDuration('200ms')).toBe(200e6);
    expect(parseGoDuration('1h30m')).toBe(5400e9);
    expect(parseGoDuration('-1.5s')).toBe(-1.5e9);
    expect(parseGoDuration('0')).toBe(0);
    for (const bad of ['200', '5 minutes', '1d', 'ms', '']) expect(parseGoDuration(bad)).toBeUndefined();
  });
  it('CSV of int16 fails on a bad entry', () => {
    expect(parseByType('csv-int16', '1, 2,,3')).toEqual({ ok: true, value: [1, 2, 3] });
    expect(parseByType('csv-int16', '1,40000').ok).toBe(false);
  });
});
