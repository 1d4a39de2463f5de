import { describe, expect, it } from 'vitest';
import { pairFormatsWithOutputs } from '../../src/reporters/output-pairs.js';
import { UserError } from '../../src/core/errors.js';

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('pairFormatsWithOutputs', () => {
  it('one format and no output goes to stdout', () => {
    expect(pairFormatsWithOutputs(['sarif'], [])).toEqual([{ format: 'sarif' }]);
  });

  it('no format means text on stdout', () => {
    expect(pairFormatsWithOutputs([], [])).toEqual([{ format: 'text' }]);
  });

  it('pairs formats and outputs in order', () => {
    expect(pairFormatsWithOutputs(['sarif', 'junit', 'html'], ['a.sarif', 'b.xml', 'report/c.html'])).toEqual([
      { format: 'sarif', output: 'a.sarif' },
      { format: 'junit', output: 'b.xml' },
      { format: 'html', output: 'report/c.html' },
    ]);
  });

  it('"-" sends one of several pairs to stdout', () => {
    expect(pairFormatsWithOutputs(['github', 'sarif'], ['-', 'a.sarif'])).toEqual([{ format: 'github' }, { format: 'sarif', output: 'a.sarif' }]);
  });

  it('rejects a count mismatch', () => {
    const e = codeOf(() => pairFormatsWithOutputs(['sarif', 'junit'], ['a.sarif']));
    expect(e.code).toBe('output-conflict');
    expect(e.message).toContain('2 --format and 1 --output');
    expect(codeOf(() => pairFormatsWithOutputs(['sarif'], ['a', 'b'])).code).toBe('output-conflict');
  });

  it('rejects several formats on stdout', () => {
    expect(codeOf(() => pairFormatsWithOutputs(['sarif', 'junit'], [])).code).toBe('output-conflict');
    expect(codeOf(() => pairFormatsWithOutputs(['sarif', 'junit'], ['-', '-'])).code).toBe('output-conflict');
  });

  it('rejects two formats to one file, however the path is spelled', () => {
    const e = codeOf(() => pairFormatsWithOutputs(['sarif', 'junit'], ['out/r.txt', './out/../out/r.txt']));
    expect(e.code).toBe('output-conflict');
    expect(e.message).toBe('formats sarif and junit would both be written to the same file ./out/../out/r.txt');
  });

  it('rejects an unknown format with a did-you-mean', () => {
    const e = codeOf(() => pairFormatsWithOutputs(['sarf'], []));
    expect(e.code).toBe('invalid-option');
    expect(e.message).toMatch(/^unknown format "sarf": did you mean "sarif"\?/);
    const far = codeOf(() => pairFormatsWithOutputs(['yaml-report'], []));
    expect(far.message).not.toContain('did you mean');
    expect(far.message).toContain('formats: ');
  });

  it('rejects an empty output name', () => {
    expect(codeOf(() => pairFormatsWithOutputs(['html'], [''])).code).toBe('invalid-option');
  });
});
