import { describe, expect, it } from 'vitest';
import { isRfc3339, validateExperimentConfig } from '../../src/model/experiments.js';

describe('validateExperimentConfig', () => {
  it('accepts a list of valid experiments and null, and refuses what Go cannot decode', () => {
    const exp = { id: 'home', traffic_percent: 100, variants: ['A', 'B'], starts_at: '2026-11-01T08:00:00+02:00', ends_at: '2026-12-01T00:00:00.5Z' };
    expect(validateExperimentConfig(JSON.stringify([exp]))).toEqual([]);
    expect(validateExperimentConfig('null')).toEqual([]);
    expect(validateExperimentConfig(JSON.stringify({ experiments: [exp] }))[0]!.problem).toMatch(/not a list of experiments/);
    expect(validateExperimentConfig(JSON.stringify([{ ...exp, variants: ['A', { name: 'B' }] }]))[0]).toMatchObject({ path: '$[0].variants' });
    expect(validateExperimentConfig(JSON.stringify([{ ...exp, traffic_percent: '50' }]))[0]).toMatchObject({ path: '$[0].traffic_percent' });
    // Go matches keys case-insensitively: "ID" fills id.
    expect(validateExperimentConfig(JSON.stringify([{ ID: 'a' }]))).toEqual([]);
  });

  it('lists every problem with its path, not only the first', () => {
    const problems = validateExperimentConfig(
      JSON.stringify([
        { id: ' ', traffic_percent: -1, variants: ['A', ''] },
        { id: 'x', traffic_percent: 101, variants: ['B', 'B'], starts_at: '2026-11-01', ends_at: '2026-02-30T00:00:00Z' },
        { id: 'x' },
      ]),
    );
    expect(problems.map((p) => p.path)).toEqual([
      '$[0].id',
      '$[0].traffic_percent',
      '$[0].variants[1]',
      '$[1].traffic_percent',
      '$[1].variants[1]',
      '$[1].starts_at',
      '$[1].ends_at',
      '$[2].id',
    ]);
    expect(problems[7]!.problem).toMatch(/duplicate id "x"/);
  });

  it('reports invalid JSON and a wrong top-level shape without echoing the text', () => {
    expect(validateExperimentConfig('{"id": "secretish')).toEqual([{ path: '$', problem: 'invalid JSON' }]);
    expect(validateExperimentConfig('"a string"')[0]!.problem).toMatch(/not a list of experiments/);
  });

  it('reads RFC 3339 as Go does: seconds and a zone are required, dates must exist', () => {
    expect(isRfc3339('2026-11-25T10:00:00Z')).toBe(true);
    expect(isRfc3339('2026-11-25T10:00:00.123456789-05:30')).toBe(true);
    // time.RFC3339 has a literal upper-case T and Z.
    expect(isRfc3339('2026-11-25t10:00:00Z')).toBe(false);
    expect(isRfc3339('2026-11-25T10:00:00z')).toBe(false);
    expect(isRfc3339('2026-11-25T10:00Z')).toBe(false);
    expect(isRfc3339('2026-11-25T10:00:00')).toBe(false);
    expect(isRfc3339('2025-02-29T00:00:00Z')).toBe(false);
    expect(isRfc3339('2024-02-29T00:00:00Z')).toBe(true);
  });
});
