import type { CheckContext } from '../../core/define.js';
import { conditionHolds, type BoolCondition } from '../../model/query.js';

/**
 * A template's `onlyIf`: true when the check goes on. Otherwise it has already said why: `unknown` (message
 * `conditionUnknown`, which the template declares) when the flag cannot be read, `skip` when the flag is off.
 */
export function meetsPrecondition(ctx: CheckContext, onlyIf: BoolCondition | undefined): boolean {
  if (!onlyIf) return true;
  const c = conditionHolds(ctx.model, onlyIf);
  if (c.holds === undefined) {
    ctx.unknown({ messageId: 'conditionUnknown', data: { because: c.evidence } });
    return false;
  }
  if (!c.holds) {
    ctx.skip(`applies only while ${onlyIf.variable} is ${onlyIf.is} (${c.evidence})`);
    return false;
  }
  ctx.evidence(c.evidence);
  return true;
}
