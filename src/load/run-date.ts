// `--load-results-date`: the date a load test ran, as the user states it for a results file that
// carries no time of its own. Read strictly: a date that could mean two things is refused.
import { UserError } from '../engine/errors.js';
import { isCalendarDay } from '../util/dates.js';

const FORM = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?)?$/i;

/**
 * `YYYY-MM-DD` (midnight UTC, so a day-old statement never looks younger than it is),
 * `YYYY-MM-DDTHH:MM[:SS]` (UTC unless a zone follows: `Z` or `±HH:MM`).
 * A date in the future is a mistake, not a fresh result.
 */
export function parseRunDate(text: string, now: Date, flag = '--load-results-date'): Date {
  const t = text.trim();
  const m = FORM.exec(t);
  const bad = (why: string): UserError =>
    new UserError('invalid-option', `${flag} ${JSON.stringify(t.slice(0, 40))}: ${why}`);
  if (!m) throw bad('expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC unless a zone such as Z or +02:00 follows)');
  if (!isCalendarDay(m[1]!)) throw bad('not a calendar date');
  const [hh, mm, ss] = [Number(m[2] ?? 0), Number(m[3] ?? 0), Number(m[4] ?? 0)];
  if (hh > 23 || mm > 59 || ss > 59) throw bad('not a time of day');
  const zone = m[5] === undefined || m[5].toUpperCase() === 'Z' ? 'Z' : m[5];
  const d = new Date(`${m[1]}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}${zone}`);
  if (Number.isNaN(d.getTime())) throw bad('not a time');
  if (d.getTime() > now.getTime()) throw bad(`is after now (${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}): state when the test ran`);
  return d;
}
