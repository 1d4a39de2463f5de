// Patterns from rule files, which a user may write: matched in linear time however the text is shaped.
//
// RE2 (re2js) gives that guarantee for any pattern it accepts, but importing it and compiling a first pattern took
// about 20 ms of every start. A pattern of a small subset runs on JavaScript's own RegExp instead, where it means
// the same and cannot backtrack more than linearly: "^" first; then letters, digits, `\d`, a few plain punctuation
// characters and escaped syntax characters, at most one of them followed by `+` or `*`; "$" optionally last. With
// the flags "iu" JavaScript folds case by Unicode's simple case folding, as RE2 does (`k` also matches U+212A,
// `s` U+017F), `\d` is [0-9] in both, and without the multiline flag `^` and `$` are the ends of the text in both.
// Every other pattern runs on RE2, imported on demand: a check awaits loadRe2() (its prepare()) before it needs it.
import type { RE2JS } from 're2js';

let re2: typeof RE2JS | undefined;

/** Import RE2 (once). */
export async function loadRe2(): Promise<void> {
  re2 ??= (await import('re2js')).RE2JS;
}

/** One atom of the subset: a literal, `\d`, or an escaped syntax character (JavaScript's u flag allows no others). */
const ATOM = /[A-Za-z0-9_\-:=,@/ ]|\\d|\\[.*+?()[\]{}|^$\\/]/y;

/** Whether a pattern is in the subset JavaScript's RegExp runs with RE2's meaning and in linear time. */
export function isSimplePattern(pattern: string): boolean {
  if (!pattern.startsWith('^')) return false;
  let quantified = 0;
  for (let i = 1; i < pattern.length; ) {
    if (pattern[i] === '$' && i === pattern.length - 1) return true;
    ATOM.lastIndex = i;
    const m = ATOM.exec(pattern);
    if (!m) return false;
    i += m[0].length;
    if (pattern[i] === '+' || pattern[i] === '*') {
      if (++quantified > 1) return false;
      i++;
    }
  }
  return true;
}

/** Whether any of these patterns (as a rule file gives them: anything) needs RE2 to be validated or run. */
export function needsRe2(patterns: unknown[]): boolean {
  return patterns.some((p) => typeof p === 'string' && !isSimplePattern(p));
}

export interface PatternMatcher {
  /** Whether the pattern matches somewhere in the text (RE2's find()). */
  test(text: string): boolean;
}

/**
 * A pattern compiled case-insensitively. Throws when RE2 refuses it (its syntax error), and when it needs RE2 that
 * was not loaded: a bug of the caller, which must have awaited loadRe2().
 */
export function compileCaseInsensitive(pattern: string): PatternMatcher {
  if (isSimplePattern(pattern)) {
    const r = new RegExp(pattern, 'iu');
    return { test: (text) => r.test(text) };
  }
  if (!re2) throw new Error(`RE2 is not loaded: loadRe2() must be awaited before the pattern ${JSON.stringify(pattern.slice(0, 80))} is compiled`);
  const compiled = re2.compile(pattern, re2.CASE_INSENSITIVE);
  return { test: (text) => compiled.matcher(text).find() };
}
