import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { effective, locationOf, valueEvidence } from '../model/query.js';

/** A variable must not effectively hold a value: a bool flag that must stay off, or a word from a list. */
export default defineCheck({
  meta: {
    id: 'forbidden-value',
    type: 'problem',
    description: 'Fails when a variable is effectively (set or by default) one of the forbidden values.',
    messages: {
      forbiddenSet: '{{variable}} is {{value}} at {{where}}: {{why}}',
      forbiddenDefault: '{{variable}} is not set and the service defaults it to {{value}}: {{why}}',
      unparsable: '{{variable}} does not parse, so its effect cannot be judged (value-parses reports it)',
      unseen: '{{variable}} cannot be seen: {{because}}',
    },
    params: () => z.strictObject({
      variable: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
      /** true/false for bools; a list of words (compared trimmed, case-insensitive) for strings. */
      forbidden: z.union([z.boolean(), z.array(z.string()).min(1)]),
      why: z.string().min(1),
    }),
  },
  run(ctx, p) {
    const e = effective(ctx.model, p.variable);
    if (e.state === 'invalid') return ctx.unknown({ messageId: 'unparsable', data: { variable: p.variable }, location: e.def.location });
    if (e.state === 'unknown') return ctx.unknown({ messageId: 'unseen', data: { variable: p.variable, because: e.because } });
    const hit =
      typeof p.forbidden === 'boolean'
        ? e.value === p.forbidden
        : typeof e.raw === 'string' && p.forbidden.some((f) => f.toLowerCase() === e.raw!.trim().toLowerCase());
    const evidence = [valueEvidence(e)];
    if (!hit) return ctx.evidence(evidence[0]!);
    const location = locationOf(ctx.model, e);
    if (e.state === 'set') {
      ctx.report({
        messageId: 'forbiddenSet',
        data: { variable: p.variable, value: JSON.stringify(e.raw), where: describeLocation(e.def.location), why: p.why },
        ...(location ? { location } : {}),
        evidence,
      });
    } else {
      ctx.report({ messageId: 'forbiddenDefault', data: { variable: p.variable, value: String(e.raw), why: p.why }, ...(location ? { location } : {}), evidence });
    }
  },
});
