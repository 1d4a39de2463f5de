import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { conditionHolds, effective, locationOf, valueEvidence } from '../model/query.js';

const VAR = () => z.string().regex(/^[A-Z][A-Z0-9_]*$/);

/**
 * Variables that must be non-empty (and may have to contain some markers) while a bool condition holds:
 * JWT on needs a JWKS URL, issuer and audience; artifact mode needs a manifest template with {tenant} and {surface}.
 */
export default defineCheck({
  meta: {
    id: 'required-when',
    type: 'problem',
    description:
      'Fails for each required variable that is empty (or lacks a required marker) while its condition holds; optionally fails when the condition itself is off.',
    messages: {
      missing: '{{variable}} is not set although {{condition}}: {{why}}',
      empty: '{{variable}} is empty at {{where}} although {{condition}}: {{why}}',
      lacks: '{{variable}} at {{where}} does not contain {{markers}}: {{why}}',
      conditionOff: '{{condition}}, so {{why}}',
      unseen: '{{variable}} cannot be seen: {{because}}',
      conditionUnknown: 'whether this applies cannot be told: {{because}}',
    },
    params: () => z.strictObject({
      when: z.strictObject({ variable: VAR(), is: z.boolean() }).optional(),
      /** Set to fail (with this reason) when the condition does not hold, instead of skipping. */
      failWhenOff: z.string().min(1).optional(),
      required: z
        .array(z.union([VAR(), z.strictObject({ variable: VAR(), contains: z.array(z.string().min(1)).min(1) })]))
        .min(1),
      why: z.string().min(1),
    }),
  },
  run(ctx, p) {
    const { model } = ctx;
    let condition = 'the service needs it';
    if (p.when) {
      const c = conditionHolds(model, p.when);
      if (c.holds === undefined) return ctx.unknown({ messageId: 'conditionUnknown', data: { because: c.evidence } });
      if (!c.holds) {
        if (p.failWhenOff) {
          const e = effective(model, p.when.variable);
          const location = locationOf(model, e);
          return ctx.report({
            messageId: 'conditionOff',
            data: { variable: p.when.variable, condition: c.evidence, why: p.failWhenOff },
            ...(location ? { location } : {}),
            evidence: [c.evidence],
          });
        }
        return ctx.skip(`applies only while ${p.when.variable} is ${p.when.is} (${c.evidence})`);
      }
      condition = `${p.when.variable} is effectively ${p.when.is}`;
      ctx.evidence(c.evidence);
    }
    for (const req of p.required) {
      const variable = typeof req === 'string' ? req : req.variable;
      const markers = typeof req === 'string' ? [] : req.contains;
      const e = effective(model, variable);
      if (e.state === 'unknown') {
        ctx.unknown({ messageId: 'unseen', data: { variable, because: e.because } });
        continue;
      }
      const raw = e.state === 'set' || e.state === 'invalid' ? e.raw.trim() : '';
      const location = locationOf(model, e);
      const loc = location ? { location } : {};
      const evidence = [valueEvidence(e)];
      if (raw === '') {
        if (e.def) {
          ctx.report({ messageId: 'empty', data: { variable, where: describeLocation(e.def.location), condition, why: p.why }, ...loc, evidence });
        } else {
          ctx.report({ messageId: 'missing', data: { variable, condition, why: p.why }, ...loc, evidence });
        }
        continue;
      }
      const lacking = markers.filter((m) => !raw.includes(m));
      if (lacking.length > 0) {
        ctx.report({
          messageId: 'lacks',
          data: { variable, where: describeLocation(e.def!.location), markers: lacking.join(' and '), why: p.why },
          ...loc,
          evidence,
        });
        continue;
      }
      ctx.evidence(evidence[0]!);
    }
  },
});
