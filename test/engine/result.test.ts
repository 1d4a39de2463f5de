// The run summary: counts per status in the order the JSON report documents (STATUSES), per section and in all.
import { describe, expect, it } from 'vitest';
import { STATUSES, type UnitResult } from '../../src/core/types.js';
import { summarize } from '../../src/engine/result.js';

const unit = (id: string, section: number, status: UnitResult['status']): UnitResult => ({
  id,
  kind: 'rule',
  checkId: 'test',
  title: id,
  section: section as UnitResult['section'],
  severity: 'error',
  status,
  remediation: '',
  helpUrl: '',
  findings: [],
  evidence: [],
});

describe('summarize', () => {
  it('counts every status, keyed in STATUSES order, per section and in all', () => {
    const s = summarize([unit('a', 1, 'pass'), unit('b', 1, 'fail'), unit('c', 3, 'warn'), unit('d', 3, 'waived')], [], 'error');
    expect(Object.keys(s.counts)).toEqual([...STATUSES]);
    for (const section of s.sections) expect(Object.keys(section.counts)).toEqual([...STATUSES]);
    expect(s.counts).toEqual({ pass: 1, fail: 1, warn: 1, skip: 0, unknown: 0, manual: 0, waived: 1 });
    expect(s.sections[1]!.counts.fail).toBe(1);
    expect(s.sections[3]!.counts).toMatchObject({ warn: 1, waived: 1, fail: 0 });
    expect(s.verdict).toBe('not-ready');
  });

  it('is ready with warnings under --fail-on error, not under --fail-on warn', () => {
    const results = [unit('a', 2, 'pass'), unit('c', 3, 'warn')];
    expect(summarize(results, [], 'error').verdict).toBe('ready');
    expect(summarize(results, [], 'warn').verdict).toBe('not-ready');
  });
});
