// Text from deployment files, servers and rule packs is untrusted: before it reaches a terminal or a
// report it is shown with its control characters escaped and its quoted values cut to a bound.
// Imports nothing, so the engine's one-line errors and every reporter share it.

/**
 * Characters that steer a terminal or a viewer instead of showing: C0 controls (ESC, BEL, CR, LF, …),
 * DEL, C1 controls (0x9b is CSI on its own), the Unicode line and paragraph separators, and the
 * bidirectional overrides that make text read differently from how it is stored.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** `a\x1b]0;title\x07` shown as the letters `a\x1b]0;title\x07`: nothing a terminal would act on. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}

/** How many characters of a quoted value are shown. */
export const QUOTED_LIMIT = 200;
/** How long any one text field may be, once its quoted values are cut. */
export const TEXT_LIMIT = 4000;

/** A value this much over the bound is shown whole: cutting it would save less than the marker costs, and a cut value stays as it is when bounded again. */
const SLACK = 32;

/** The marker a cut leaves: the value's full length, so the reader knows what is missing. */
function cutMark(length: number): string {
  return `…(${length} chars)`;
}

/** Characters an escape sequence starting at `i` (a backslash) takes: `\uXXXX` six, others two. */
function escapeLength(text: string, i: number): number {
  return text[i + 1] === 'u' ? 6 : 2;
}

/**
 * Cuts every double-quoted value (as JSON.stringify writes them) longer than `limit` characters to
 * its first `limit` characters and its length, then the whole text to `total`. Jumps with indexOf
 * instead of a regex or a loop per character: this exists to bound work on a 10 MB scalar.
 */
export function boundText(text: string, limit = QUOTED_LIMIT, total = TEXT_LIMIT): string {
  if (text.length <= limit + SLACK) return text;
  let out = '';
  let copiedTo = 0;
  let i = 0;
  let nextBackslash = text.indexOf('\\');
  while (i < text.length) {
    const open = text.indexOf('"', i);
    if (open < 0) break;
    // The closing quote, and the value's length in characters (an escape sequence counts as one).
    let j = open + 1;
    let extra = 0;
    let close = -1;
    for (;;) {
      const q = text.indexOf('"', j);
      if (q < 0) break;
      if (nextBackslash >= 0 && nextBackslash < j) nextBackslash = text.indexOf('\\', j);
      if (nextBackslash >= 0 && nextBackslash < q) {
        const len = escapeLength(text, nextBackslash);
        extra += len - 1;
        j = nextBackslash + len;
        continue;
      }
      close = q;
      break;
    }
    if (close < 0) break;
    const chars = close - open - 1 - extra;
    if (chars > limit + SLACK) {
      // Keep the first `limit` characters, without splitting an escape sequence.
      let k = open + 1;
      for (let n = 0; n < limit; n++) k += text[k] === '\\' ? escapeLength(text, k) : 1;
      out += text.slice(copiedTo, k) + cutMark(chars);
      copiedTo = close;
    }
    i = close + 1;
  }
  out += text.slice(copiedTo);
  if (out.length > total + SLACK) out = out.slice(0, total) + cutMark(text.length);
  return out;
}

/** What reporters and one-line errors show of an untrusted string: bounded, then escaped. */
export function safeText(text: string): string {
  return escapeControl(boundText(text));
}

/** The same value with `fn` applied to every string inside it (plain objects and arrays; keys kept). */
export function mapStrings<T>(value: T, fn: (s: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fn(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
