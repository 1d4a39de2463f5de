import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { apiLocation, effective, locationOf, shownValue, valueEvidence } from '../model/query.js';

/**
 * A choice the deployment must make on purpose: set by the user's own files, not left to the service's default nor
 * inherited from the chart's values.yaml (whose defaults differ from the service's).
 */
export default defineCheck({
  meta: {
    id: 'variable-explicit',
    type: 'suggestion',
    description: "Fails when a variable is unset (the service default applies) or only set by the chart's own defaults.",
    messages: {
      unset: '{{variable}} is not set, so {{because}} decides it: {{why}}',
      chartDefault: "{{variable}}={{value}} comes only from the recsys chart's own values.yaml, not from this deployment: {{why}}",
      unseen: '{{variable}} cannot be seen: {{because}}',
    },
    params: () => z.strictObject({
      variable: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
      why: z.string().min(1),
    }),
  },
  run(ctx, p) {
    const e = effective(ctx.model, p.variable);
    if (e.state === 'unknown') return ctx.unknown({ messageId: 'unseen', data: { variable: p.variable, because: e.because } });
    const location = locationOf(ctx.model, e);
    const loc = location ? { location } : {};
    const evidence = [valueEvidence(e)];
    if (e.state === 'default') {
      return ctx.report({ messageId: 'unset', data: { variable: p.variable, because: `the service's ${e.because}`, why: p.why }, ...loc, evidence });
    }
    // Every definition came from the chart itself: the deployment never said.
    const defs = ctx.model.env.get(p.variable)?.definitions ?? [];
    if (defs.length > 0 && defs.every((d) => d.chartDefault === true)) {
      // The chart's default has no line of the user's: point at the api values where the setting belongs.
      const at = apiLocation(ctx.model) ?? location;
      return ctx.report({ messageId: 'chartDefault', data: { variable: p.variable, value: shownValue(e), why: p.why }, ...(at ? { location: at } : {}), evidence });
    }
    ctx.evidence(`${evidence[0]} set explicitly at ${describeLocation(e.def.location)}`);
  },
});
