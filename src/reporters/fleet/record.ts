// Fleet mode's JSON Lines record: one deployment's run result on one line, units and findings in report order, so
// the same inputs give the same line (but for generatedAt) on any shard or thread. Text is not escaped here
// (JSON.stringify escapes every control character, and escaping the whole result cost about 12 % of a fleet
// run's CPU in a profile); `prodready merge` passes what it reads through the same escaping as every other report.
import { orderResult } from '../../core/order.js';
import type { RunResult } from '../../core/types.js';

export function fleetRecord(result: RunResult): string {
  return `${JSON.stringify(orderResult(result))}\n`;
}
