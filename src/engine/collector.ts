import type { Reporting, Report } from '../core/define.js';

/** What one check or probe run said, before the engine renders it into findings. */
export interface Collected {
  failures: Report[];
  unknowns: Report[];
  skipReason?: string;
  evidence: string[];
}

/** The Reporting a check or probe writes into; the engine reads `collected` afterwards. */
export function createCollector(): { reporting: Reporting; collected: Collected } {
  const collected: Collected = { failures: [], unknowns: [], evidence: [] };
  const reporting: Reporting = {
    report: (r) => void collected.failures.push(r),
    unknown: (r) => void collected.unknowns.push(r),
    skip: (reason) => {
      collected.skipReason ??= reason;
    },
    evidence: (fact) => void collected.evidence.push(fact),
  };
  return { reporting, collected };
}
