import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { deliveryText } from '../model/query.js';
import { secretLikeVars } from '../model/secrets.js';

const EXPOSED = new Set(['configmap', 'chart-configmap', 'literal']);

/** Secrets must reach the pod from a Secret: a ConfigMap or a literal is readable by anyone who can read the namespace's config. */
export default defineCheck({
  meta: {
    id: 'secret-in-configmap',
    type: 'problem',
    description: 'Fails for each secret-like variable delivered by a ConfigMap or a plain value instead of a Secret.',
    messages: {
      exposed: '{{label}} is delivered {{delivery}} ({{where}}) instead of by a Secret',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    for (const s of secretLikeVars(ctx.model)) {
      const def = s.def;
      if (!EXPOSED.has(def.delivery)) {
        ctx.evidence(`${s.label}: ${deliveryText(def)}`);
        continue;
      }
      // An empty value carries no secret; missing secrets are the job of the secret rules.
      if (s.secret === undefined || s.secret.trim() === '') continue;
      ctx.report({
        messageId: 'exposed',
        data: { variable: s.name, label: s.label, delivery: deliveryText(def), where: describeLocation(def.location) },
        location: def.location,
        evidence: [`${s.label}: ${[...s.secret.trim()].length} chars, ${deliveryText(def)}`],
      });
    }
  },
});
