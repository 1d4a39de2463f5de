import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { effective, locationOf, valueEvidence } from '../model/query.js';

/** A variable must effectively hold one of a few words (compared trimmed and case-insensitive, as the service does). */
export default defineCheck({
  meta: {
    id: 'allowed-value',
    type: 'problem',
    description: 'Fails when a variable is unset or holds a value outside the allowed list.',
    messages: {
      notAllowed: '{{variable}} is {{value}} at {{where}}, not one of {{allowed}}: {{why}}',
      unset: '{{variable}} is not set ({{because}}), not one of {{allowed}}: {{why}}',
      unseen: '{{variable}} cannot be seen: {{because}}',
    },
    params: () => z.strictObject({
      variable: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
      allowed: z.array(z.string()).min(1),
      why: z.string().min(1),
    }),
  },
  run(ctx, p) {
    const e = effective(ctx.model, p.variable);
    if (e.state === 'unknown') return ctx.unknown({ messageId: 'unseen', data: { variable: p.variable, because: e.because } });
    const raw = e.raw;
    const ok = typeof raw === 'string' && p.allowed.some((a) => a.toLowerCase() === raw.trim().toLowerCase());
    const evidence = [valueEvidence(e)];
    if (ok) return ctx.evidence(evidence[0]!);
    const location = locationOf(ctx.model, e);
    const allowed = p.allowed.join(', ');
    if ((e.state === 'set' || e.state === 'invalid') && e.def) {
      ctx.report({
        messageId: 'notAllowed',
        data: { variable: p.variable, value: JSON.stringify(e.raw), where: describeLocation(e.def.location), allowed, why: p.why },
        ...(location ? { location } : {}),
        evidence,
      });
    } else {
      ctx.report({
        messageId: 'unset',
        data: { variable: p.variable, because: e.state === 'default' ? e.because : 'unset', allowed, why: p.why },
        ...(location ? { location } : {}),
        evidence,
      });
    }
  },
});
