import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/engine/errors.js';
import { parseRunDate } from '../../src/load/run-date.js';

const NOW = new Date('2026-11-25T10:00:00Z');

function refused(text: string): string {
  try {
    parseRunDate(text, NOW);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).code).toBe('invalid-option');
    return (e as UserError).message;
  }
  throw new Error(`${text} was accepted`);
}

describe('--load-results-date', () => {
  it('reads a day as midnight UTC and a time as UTC unless a zone follows', () => {
    expect(parseRunDate('2026-11-20', NOW).toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(parseRunDate('2026-11-20T14:30', NOW).toISOString()).toBe('2026-11-20T14:30:00.000Z');
    expect(parseRunDate('2026-11-20T14:30:15Z', NOW).toISOString()).toBe('2026-11-20T14:30:15.000Z');
    expect(parseRunDate('2026-11-20T14:30+02:00', NOW).toISOString()).toBe('2026-11-20T12:30:00.000Z');
  });

  it('refuses what is not a date, not a real day or time, or in the future', () => {
    expect(refused('last week')).toMatch(/expected YYYY-MM-DD/);
    expect(refused('2026-02-30')).toMatch(/not a calendar date/);
    expect(refused('2026-11-20T25:00')).toMatch(/not a time of day/);
    expect(refused('2026-11-26')).toMatch(/is after now/);
    expect(refused('20/11/2026')).toMatch(/^--load-results-date "20\/11\/2026"/);
  });
});
