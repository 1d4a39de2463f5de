// What every format and the one-line error show of untrusted text: escaped, and cut to a bound.
import { describe, expect, it } from 'vitest';
import { boundText, escapeControl } from '../../src/util/safe-text.js';

describe('the text helpers', () => {
  it('escape C0, DEL, C1, line separators and bidi overrides; leave other text alone', () => {
    expect(escapeControl('a\u001b]0;t\u0007b\r\nc\td\u007f\u009b\u2028\u202e\u2066é€')).toBe('a\\x1b]0;t\\x07b\\r\\nc\\td\\x7f\\x9b\\u{2028}\\u{202e}\\u{2066}é€');
  });

  it('cut each long quoted value to 200 characters and its length, keep short ones, and are stable when applied twice', () => {
    const long = JSON.stringify('a'.repeat(300));
    const text = `X=${long} (values.yaml:4) and "short"`;
    const cut = boundText(text);
    expect(cut).toBe(`X="${'a'.repeat(200)}…(300 chars)" (values.yaml:4) and "short"`);
    expect(boundText(cut)).toBe(cut);
    // Escape sequences count as one character and are not split.
    const escaped = JSON.stringify('\n'.repeat(300));
    expect(boundText(escaped)).toBe(`"${'\\n'.repeat(200)}…(300 chars)"`);
    // Unquoted text is bounded as a whole.
    expect(boundText('z'.repeat(10_000))).toBe(`${'z'.repeat(4000)}…(10000 chars)`);
  });
});
