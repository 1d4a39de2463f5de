import { describe, expect, it } from 'vitest';
import { allFindings, compareFindings, orderResult, sortUnits } from '../../src/core/order.js';
import type { Finding } from '../../src/core/types.js';
import { makeRunResult } from '../fixtures/run-result.js';

function f(partial: Partial<Finding> & Pick<Finding, 'ruleId' | 'section'>): Finding {
  return {
    checkId: 'c', kind: 'rule', severity: 'error', status: 'fail', messageId: 'm', message: 'x', data: {}, evidence: [],
    ...partial,
  };
}

describe('report order', () => {
  it('sorts by section, rule, file, line, column; findings without a file last', () => {
    const input = [
      f({ ruleId: 'b', section: 1, location: { file: 'a.yaml', line: 2 } }),
      f({ ruleId: 'a', section: 2, location: { file: 'a.yaml', line: 1 } }),
      f({ ruleId: 'b', section: 1, location: { target: 'https://x' } }),
      f({ ruleId: 'b', section: 1, location: { file: 'a.yaml', line: 10 } }),
      f({ ruleId: 'b', section: 1, location: { file: 'a.yaml', line: 2, column: 1 } }),
      f({ ruleId: 'a', section: 1, location: { file: 'z.yaml', line: 1 } }),
    ];
    const sorted = [...input].sort(compareFindings).map((x) => `${x.section}/${x.ruleId}/${x.location?.file ?? '-'}:${x.location?.line ?? ''}:${x.location?.column ?? ''}`);
    expect(sorted).toEqual(['1/a/z.yaml:1:', '1/b/a.yaml:2:1', '1/b/a.yaml:2:', '1/b/a.yaml:10:', '1/b/-::', '2/a/a.yaml:1:']);
  });

  it('compares by code unit, not by locale (uppercase before lowercase)', () => {
    const sorted = [f({ ruleId: 'b', section: 0 }), f({ ruleId: 'B', section: 0 })].sort(compareFindings);
    expect(sorted.map((x) => x.ruleId)).toEqual(['B', 'b']);
  });

  it('orders units and their findings without touching the input', () => {
    const result = makeRunResult();
    const firstBefore = result.results[0]!.id;
    const units = sortUnits(result.results);
    expect(result.results[0]!.id).toBe(firstBefore);
    for (let i = 1; i < units.length; i++) {
      const [a, b] = [units[i - 1]!, units[i]!];
      expect(a.section < b.section || (a.section === b.section && a.id < b.id), `${a.id} before ${b.id}`).toBe(true);
    }
    const pinned = units.find((u) => u.id === 'image-pinned')!;
    expect(pinned.findings.map((x) => x.location?.line)).toEqual([30, 58, 3]);
  });

  it('allFindings puts fatal findings first and is the same for any input order', () => {
    const a = makeRunResult();
    const b = makeRunResult();
    b.results.reverse();
    for (const u of b.results) u.findings.reverse();
    expect(allFindings(a)[0]!.fatal).toBe(true);
    expect(allFindings(a)).toEqual(allFindings(b));
    expect(orderResult(a)).toEqual(orderResult(b));
  });
});
