// How many threads fleet mode judges on: `--jobs`, else one per core for fleets large enough to pay for workers.
import { describe, expect, it } from 'vitest';
import { userError } from '../helpers/user-error.js';
import { CHUNK, fleetJobs, MIN_PARALLEL_DEPLOYMENTS } from '../../src/commands/fleet.js';

describe('fleetJobs', () => {
  it('judges a small fleet on the main thread alone: a worker would cost more to start than it saves', () => {
    expect(fleetJobs(undefined, MIN_PARALLEL_DEPLOYMENTS - 1, 8)).toBe(1);
    expect(fleetJobs(undefined, 1, 2)).toBe(1);
  });

  it('takes one thread per core for a large fleet, at most four, and never more than one on one core', () => {
    expect(fleetJobs(undefined, MIN_PARALLEL_DEPLOYMENTS, 2)).toBe(2);
    expect(fleetJobs(undefined, 10_000, 16)).toBe(4);
    expect(fleetJobs(undefined, 10_000, 1)).toBe(1);
  });

  it('follows --jobs, but gives no thread less than a chunk of deployments', () => {
    expect(fleetJobs('3', 10 * CHUNK, 1)).toBe(3);
    expect(fleetJobs('1', 10_000, 8)).toBe(1);
    expect(fleetJobs('8', CHUNK + 1, 8)).toBe(2);
  });

  it('refuses a --jobs that is not a whole number from 1 to 64, as a usage error', () => {
    for (const bad of ['0', '65', 'x', '2.5', '', ' ']) expect(userError(() => fleetJobs(bad, 1000, 2)).code).toBe('invalid-option');
  });
});
