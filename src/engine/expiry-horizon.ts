// How far ahead an accepted risk may run: one rule for config waivers, attestations (governance.ts) and inline
// suppressions (suppressions.ts), so a date refused in one place is refused in all of them, with the same words.
import { utcDay } from '../core/dates.js';

/** `day` (YYYY-MM-DD) plus `days`, as YYYY-MM-DD in UTC. */
function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * A test for days (YYYY-MM-DD) more than `maxDays` after today: why such a day is refused, or undefined when it is
 * within the horizon (the last allowed day is today + maxDays, inclusive).
 */
export function expiryHorizon(maxDays: number, now: Date): (day: string) => string | undefined {
  const latest = addDays(utcDay(now), maxDays);
  const why = `more than ${maxDays} days after today (latest ${latest}; thresholds.maxExpiryDays in the config file sets this)`;
  return (day) => (day > latest ? `${day} is ${why}` : undefined);
}
