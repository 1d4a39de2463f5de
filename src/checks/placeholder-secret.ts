import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { deliveryText } from '../model/query.js';
import { placeholderReason, secretLikeVars } from '../model/secrets.js';

/** Every secret-like value in the api's environment, judged for placeholders: the value itself never leaves here. */
export default defineCheck({
  meta: {
    id: 'placeholder-secret',
    type: 'problem',
    description: 'Fails for each secret-like variable whose value is a placeholder (changeme, <...>, ${...}, minioadmin, ...).',
    messages: {
      placeholder: '{{label}} at {{where}} is {{reason}}',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    let judged = 0;
    for (const s of secretLikeVars(ctx.model)) {
      if (s.secret === undefined) continue;
      judged += 1;
      const reason = placeholderReason(s.secret);
      if (!reason) continue;
      ctx.report({
        messageId: 'placeholder',
        data: { variable: s.name, label: s.label, where: describeLocation(s.def.location), reason },
        location: s.def.location,
        evidence: [`${s.label}: ${[...s.secret.trim()].length} chars, ${deliveryText(s.def)}`],
      });
    }
    ctx.evidence(`${judged} secret-like value${judged === 1 ? '' : 's'} judged`);
  },
});
