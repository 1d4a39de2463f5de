// The fleet's summary table: one line per deployment, then the count of each verdict.
import { describe, expect, it } from 'vitest';
import { summaryTable } from '../../../src/reporters/fleet/text.js';
import type { FleetRow } from '../../../src/reporters/fleet/types.js';

const row = (deployment: string, verdict: FleetRow['verdict'], error?: string): FleetRow => ({
  deployment,
  verdict,
  failuresBySection: verdict === 'error' ? [] : [0, 1, 0, 0, 0, 0, 0, 0],
  fatal: 0,
  ...(error ? { error } : {}),
});

describe('summaryTable', () => {
  it('counts a deployment that could not be judged apart from the not-ready ones', () => {
    const text = summaryTable([row('a', 'ready'), row('b', 'not-ready'), row('c', 'error', 'prodready: error[missing-input]: c: no values, env or manifest file')]);
    expect(text).toMatch(/^3 deployments: 1 ready, 1 not ready, 1 could not be judged$/m);
    expect(text).toMatch(/^c +error +prodready: error\[missing-input\]/m);
  });

  it('says nothing of errors when there are none', () => {
    expect(summaryTable([row('a', 'ready'), row('b', 'not-ready')])).toMatch(/^2 deployments: 1 ready, 1 not ready$/m);
  });
});
