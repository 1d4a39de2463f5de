// Reports over a whole fleet, written as a stream: a head, one piece per deployment in name order, a tail with the
// summary rows. `prodready merge` joins sharded runs through these, so memory stays flat however many deployments.
import type { ReportContext, RunResult } from '../../core/types.js';

/** One deployment's line in the fleet summary (the `summary` line of fleet mode's JSON Lines). */
export interface FleetRow {
  deployment: string;
  verdict: 'ready' | 'not-ready' | 'error';
  /** Failures and warnings per checklist section 0–7. */
  failuresBySection: number[];
  fatal: number;
  /** Why the deployment could not be judged (verdict `error`): a user error's one-line text. */
  error?: string;
}

/** A fresh reporter per report: it may count what it has seen (SARIF's commas, Markdown's totals). */
export type FleetFormat = () => FleetReporter;

export interface FleetReporter {
  head(ctx: ReportContext): string;
  deployment(result: RunResult, ctx: ReportContext): string;
  tail(rows: readonly FleetRow[], ctx: ReportContext): string;
}

/** The fleet's exit code: 2 when a deployment could not be judged, 1 when one is not ready, else 0. */
export function fleetExitCode(rows: readonly FleetRow[]): 0 | 1 | 2 {
  if (rows.some((r) => r.verdict === 'error')) return 2;
  return rows.some((r) => r.verdict === 'not-ready') ? 1 : 0;
}
