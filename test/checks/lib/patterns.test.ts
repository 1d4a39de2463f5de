// The subset of patterns that runs on RegExp must mean exactly what it means on RE2, which runs every other one.
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileCaseInsensitive, isSimplePattern, loadRe2, needsRe2 } from '../../../src/checks/lib/patterns.js';

// Atoms of the subset and text built from characters where the engines could differ: case folding beyond ASCII
// (Kelvin sign, long s, dotted and dotless i), other digits, a lone surrogate, an astral character, a newline.
const ATOMS = ['a', 'K', 's', 'H', 'i', '0', '9', '\\d', '_', '-', ':', '=', ',', '@', '/', ' ', '\\.', '\\*', '\\$', '\\^', '\\\\', '\\(', '\\/'];
const CHARS = ['a', 'A', 'k', 'K', '\u212A', 's', 'S', '\u017F', 'h', 'H', 'i', 'I', '\u0130', '\u0131', '0', '5', '9', '\u0660', '_', '-', ':', '.', '*', '$', '^', '\\', '(', '/', ' ', '\n', 'é', '😀', '\uD800'];

const simplePattern = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom(...ATOMS), fc.constantFrom('', '', '+', '*')), { maxLength: 5 }), fc.boolean())
  .map(([atoms, end]) => {
    let quantified = false;
    const body = atoms.map(([a, q]) => (q !== '' && !quantified ? ((quantified = true), a + q) : a)).join('');
    return `^${body}${end ? '$' : ''}`;
  });
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 8 }).map((cs) => cs.join(''));

describe('patterns', () => {
  beforeAll(loadRe2);

  it('a pattern of the subset matches on RegExp exactly where RE2 matches it (case-insensitive, anywhere)', () => {
    fc.assert(
      fc.property(simplePattern, fc.array(text, { minLength: 1, maxLength: 20 }), (pattern, texts) => {
        expect(isSimplePattern(pattern)).toBe(true);
        const native = compileCaseInsensitive(pattern);
        const re2 = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
        for (const t of texts) expect(native.test(t), `${pattern} on ${JSON.stringify(t)}`).toBe(re2.matcher(t).find());
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves to RE2 what is unanchored, grouped, optional, quantified twice or escaped outside the syntax characters', () => {
    expect(isSimplePattern('^HS\\d+$')).toBe(true);
    expect(isSimplePattern('^none$')).toBe(true);
    for (const p of ['none', '^(a+)+$', '^a?$', '^a+b+$', '^\\-x$', '^[a-z]$', '^a{2}$', '^a|b$', '^.$', '^\\w$', '^é$', '^a$$']) {
      expect(isSimplePattern(p), p).toBe(false);
      expect(needsRe2([p]), p).toBe(true);
    }
    expect(needsRe2(['^HS\\d+$', 42, undefined])).toBe(false);
  });

  it('reports what RE2 refuses as RE2 does', () => {
    expect(() => compileCaseInsensitive('^(a)\\1$')).toThrow();
    expect(() => compileCaseInsensitive('(?=a)')).toThrow();
  });
});
