// Fleet mode's JSON Lines record: one deployment's run result on one line, in report order and with untrusted
// text already escaped, so the same inputs give the same line (but for generatedAt) on any shard or thread.
import { orderResult } from '../../core/order.js';
import type { RunResult } from '../../core/types.js';
import { safeResult } from '../lib/safe-result.js';

export function fleetRecord(result: RunResult): string {
  return `${JSON.stringify(orderResult(safeResult(result)))}\n`;
}
