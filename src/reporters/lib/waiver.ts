import type { WaiverInfo } from '../../core/types.js';

/** How a waived finding was accepted, in words: by whom or where, and until when. */
export function waiverPhrase(w: WaiverInfo): string {
  const until = w.until !== undefined ? ` until ${w.until}` : '';
  if (w.source === 'inline') return `suppressed at ${w.by}${until}`;
  if (w.source === 'baseline') return `in the findings baseline ${w.by}`;
  return `waived by ${w.by}${until}`;
}

/** The phrase and the reason: `waived by alice until 2030-01-01: accepted for the pilot`. */
export function waiverText(w: WaiverInfo): string {
  // A baseline's reason is always "in baseline": the phrase says it already.
  return w.source === 'baseline' ? waiverPhrase(w) : `${waiverPhrase(w)}: ${w.reason}`;
}
