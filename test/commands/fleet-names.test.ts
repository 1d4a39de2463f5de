// Report file names under --output: one file per deployment, never two deployments in one file.
import { describe, expect, it } from 'vitest';
import { reportFileBases, slug } from '../../src/commands/fleet-names.js';

describe('reportFileBases', () => {
  it('names each report after its path', () => {
    expect([...reportFileBases(['releases/eu-1', './releases/us_2']).values()]).toEqual(['releases_eu-1', 'releases_us_2']);
    expect(slug('./a b/c')).toBe('a_b_c');
  });

  it('gives paths that would write the same file names of their own, in match order', () => {
    const names = reportFileBases(['team a/x', 'team+a/x', 'team_a/x', 'team_a/x-2']);
    expect([...names.values()]).toEqual(['team_a_x', 'team_a_x-3', 'team_a_x-4', 'team_a_x-2']);
    expect(new Set(names.values()).size).toBe(4);
  });

  it('keeps the run summary file for the summary', () => {
    expect(reportFileBases(['summary']).get('summary')).toBe('summary-2');
  });
});
