import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { effective, locationOf, shownValue, valueEvidence } from '../model/query.js';

/**
 * Variables whose effective values must differ from each other and not be empty (role names: if viewer and admin
 * share a name, every viewer is an admin). An empty value is accepted only where params say it is deliberate.
 */
export default defineCheck({
  meta: {
    id: 'distinct-values',
    type: 'problem',
    description: 'Fails when two of the listed variables have the same effective value, or one is empty without being allowed to.',
    messages: {
      same: '{{first}} and {{second}} are both {{value}} ({{whereFirst}}, {{whereSecond}}): {{why}}',
      empty: '{{variable}} is empty at {{where}}: {{emptyWhy}}',
      unseen: '{{variable}} cannot be seen: {{because}}',
    },
    params: () => z.strictObject({
      variables: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/)).min(2),
      /** Variables allowed to be empty on purpose (listed here = explicit). */
      mayBeEmpty: z.array(z.string()).default([]),
      caseInsensitive: z.boolean().default(false),
      why: z.string().min(1),
      emptyWhy: z.string().min(1),
    }),
  },
  run(ctx, p) {
    const { model } = ctx;
    const seen = new Map<string, { variable: string; where: string }>();
    let failed = false;
    for (const variable of p.variables) {
      const e = effective(model, variable);
      if (e.state === 'unknown') {
        ctx.unknown({ messageId: 'unseen', data: { variable, because: e.because } });
        continue;
      }
      const raw = e.state === 'set' || e.state === 'invalid' ? e.raw.trim() : typeof e.raw === 'string' ? e.raw.trim() : '';
      const where = e.def ? describeLocation(e.def.location) : e.state === 'default' ? "the service's default" : 'unset';
      const location = locationOf(model, e);
      const loc = location ? { location } : {};
      if (raw === '') {
        if (!p.mayBeEmpty.includes(variable)) {
          failed = true;
          ctx.report({ messageId: 'empty', data: { variable, where, emptyWhy: p.emptyWhy }, ...loc, evidence: [valueEvidence(e)] });
        }
        continue;
      }
      const key = p.caseInsensitive ? raw.toLowerCase() : raw;
      const prev = seen.get(key);
      if (prev) {
        failed = true;
        ctx.report({
          messageId: 'same',
          data: { first: prev.variable, second: variable, value: e.spec?.secret ? shownValue(e) : JSON.stringify(raw), whereFirst: prev.where, whereSecond: where, why: p.why },
          ...loc,
          evidence: [valueEvidence(e)],
        });
        continue;
      }
      seen.set(key, { variable, where });
      ctx.evidence(valueEvidence(e));
    }
    if (!failed && seen.size > 1) ctx.evidence(`${seen.size} distinct values`);
  },
});
