// Calendar days as the user writes them (YYYY-MM-DD), compared as UTC days so a verdict does not depend on the machine's zone.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Today as YYYY-MM-DD in UTC. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** A day that has passed: strictly before today (a date equal to today is still valid all day). */
export function isBeforeToday(day: string, now: Date): boolean {
  return day < utcDay(now);
}

/** A day that has not come yet. */
export function isAfterToday(day: string, now: Date): boolean {
  return day > utcDay(now);
}
