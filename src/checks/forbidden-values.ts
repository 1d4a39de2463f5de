import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { meetsPrecondition } from './lib/precondition.js';
import { describeLocation } from '../core/describe.js';
import { effective, locationOf, shownValue, valueEvidence } from '../model/query.js';

const VAR = () => z.string().regex(/^[A-Z][A-Z0-9_]*$/);

/**
 * Several variables that must each stay away from a value (bypass flags, a debug level, a zero that disables a
 * limit), judged together so one rule lists every offender at once.
 */
export default defineCheck({
  meta: {
    id: 'forbidden-values',
    type: 'problem',
    description: 'Fails for each listed variable that is effectively (set or by default) one of its forbidden values.',
    messages: {
      forbiddenSet: '{{variable}} is {{value}} at {{where}}: {{why}}',
      forbiddenDefault: '{{variable}} is not set and the service defaults it to {{value}}: {{why}}',
      unparsable: '{{variable}} does not parse, so its effect cannot be judged (value-parses reports it)',
      unseen: '{{variable}} cannot be seen: {{because}}',
      conditionUnknown: 'whether this applies cannot be told: {{because}}',
    },
    params: () => z.strictObject({
      variables: z
        .array(
          z.strictObject({
            variable: VAR(),
            /** true/false for bools; words (trimmed, case-insensitive) or numbers (compared parsed) otherwise. */
            forbidden: z.union([z.boolean(), z.array(z.union([z.string(), z.number()])).min(1)]),
            why: z.string().min(1),
          }),
        )
        .min(1),
      /** The rule applies only while this bool has this value (AUTH_REQUIRE_TENANT_CLAIM matters while JWT is on). */
      onlyIf: z.strictObject({ variable: VAR(), is: z.boolean() }).optional(),
      /** The rule applies only while this variable is set (USE_SSL matters only with an S3 endpoint). */
      onlyIfSet: VAR().optional(),
    }),
  },
  run(ctx, p) {
    const { model } = ctx;
    if (!meetsPrecondition(ctx, p.onlyIf)) return;
    if (p.onlyIfSet) {
      const s = effective(model, p.onlyIfSet);
      if (s.state === 'unknown') return ctx.unknown({ messageId: 'conditionUnknown', data: { because: s.because } });
      if (s.state !== 'set') return ctx.skip(`applies only while ${p.onlyIfSet} is set (${valueEvidence(s)})`);
      ctx.evidence(valueEvidence(s));
    }
    for (const item of p.variables) {
      const e = effective(model, item.variable);
      if (e.state === 'invalid') {
        ctx.unknown({ messageId: 'unparsable', data: { variable: item.variable }, location: e.def.location });
        continue;
      }
      if (e.state === 'unknown') {
        ctx.unknown({ messageId: 'unseen', data: { variable: item.variable, because: e.because } });
        continue;
      }
      const f = item.forbidden;
      const hit =
        typeof f === 'boolean'
          ? e.value === f
          : f.some((w) =>
              typeof w === 'number' ? typeof e.value === 'number' && e.value === w : typeof e.raw === 'string' && w.toLowerCase() === e.raw.trim().toLowerCase(),
            );
      const evidence = [valueEvidence(e)];
      if (!hit) {
        ctx.evidence(evidence[0]!);
        continue;
      }
      const location = locationOf(model, e);
      const loc = location ? { location } : {};
      if (e.state === 'set') {
        ctx.report({
          messageId: 'forbiddenSet',
          data: { variable: item.variable, value: shownValue(e), where: describeLocation(e.def.location), why: item.why },
          ...loc,
          evidence,
        });
      } else {
        ctx.report({ messageId: 'forbiddenDefault', data: { variable: item.variable, value: e.spec?.secret ? shownValue(e) : String(e.raw), why: item.why }, ...loc, evidence });
      }
    }
  },
});
