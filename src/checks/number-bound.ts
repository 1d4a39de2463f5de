import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { meetsPrecondition } from './lib/precondition.js';
import type { Thresholds } from '../core/config-types.js';
import { describeLocation } from '../core/describe.js';
import { effective, locationOf, shownValue, valueEvidence } from '../model/query.js';

const VAR = () => z.string().regex(/^[A-Z][A-Z0-9_]*$/);
/** Thresholds that are plain numbers, usable as a bound. */
const NUMERIC_THRESHOLDS = ['exposureRetentionMaxDays', 'manifestTtlMaxSeconds', 'replicasMin', 'backupMaxAgeHours', 'loadResultMaxAgeDays'] as const;

/** Human form of a bound: durations in Go syntax seconds, ints as they are. */
function show(n: number, duration: boolean): string {
  if (!duration) return String(n);
  if (n % 3600 === 0 && n !== 0) return `${n / 3600}h`;
  if (n % 60 === 0 && n !== 0) return `${n / 60}m`;
  return `${n}s`;
}

/**
 * Ints and durations that must lie within bounds, taken from the params or from the run's configured thresholds,
 * optionally also set explicitly rather than left to the service's default.
 */
export default defineCheck({
  meta: {
    id: 'number-bound',
    type: 'problem',
    description: 'Fails for each listed int or duration outside its bounds (durations compared in seconds), or left to its default when it must be explicit.',
    messages: {
      tooHigh: '{{variable}} is {{value}} at {{where}}, above the maximum {{max}}: {{why}}',
      tooLow: '{{variable}} is {{value}} at {{where}}, below the minimum {{min}}: {{why}}',
      defaultTooHigh: '{{variable}} is not set and the service default {{value}} is above the maximum {{max}}: {{why}}',
      defaultTooLow: '{{variable}} is not set and the service default {{value}} is below the minimum {{min}}: {{why}}',
      notExplicit: '{{variable}} is not set explicitly ({{because}}): {{why}}',
      unparsable: '{{variable}} does not parse, so it cannot be compared (value-parses reports it)',
      unseen: '{{variable}} cannot be seen: {{because}}',
      conditionUnknown: 'whether this applies cannot be told: {{because}}',
    },
    params: () => z.strictObject({
      variables: z.array(VAR()).min(1),
      min: z.number().optional(),
      max: z.number().optional(),
      /** Take the maximum from the run config's thresholds (config can tighten it per deployment). */
      maxThreshold: z.enum(NUMERIC_THRESHOLDS).optional(),
      /** Fail when the variable is unset, even if the default is within bounds. */
      explicit: z.boolean().default(false),
      onlyIf: z.strictObject({ variable: VAR(), is: z.boolean() }).optional(),
      why: z.string().min(1),
    }),
  },
  run(ctx, p) {
    const { model } = ctx;
    if (!meetsPrecondition(ctx, p.onlyIf)) return;
    const max = p.maxThreshold !== undefined ? (ctx.config.thresholds as Thresholds)[p.maxThreshold] : p.max;
    for (const variable of p.variables) {
      const e = effective(model, variable);
      if (e.state === 'invalid') {
        ctx.unknown({ messageId: 'unparsable', data: { variable }, location: e.def.location });
        continue;
      }
      if (e.state === 'unknown') {
        ctx.unknown({ messageId: 'unseen', data: { variable, because: e.because } });
        continue;
      }
      const duration = e.spec?.type === 'duration';
      // Durations parse to nanoseconds; bounds are in seconds.
      const n = typeof e.value === 'number' ? (duration ? e.value / 1e9 : e.value) : undefined;
      const evidence = [valueEvidence(e)];
      const location = locationOf(model, e);
      const loc = location ? { location } : {};
      const isSet = e.state === 'set';
      if (!isSet && p.explicit) {
        ctx.report({ messageId: 'notExplicit', data: { variable, because: e.because, why: p.why }, ...loc, evidence });
        continue;
      }
      if (n === undefined) {
        ctx.evidence(evidence[0]!);
        continue;
      }
      const value = isSet || e.spec?.secret ? shownValue(e) : String(e.raw);
      const where = isSet ? describeLocation(e.def.location) : '';
      if (max !== undefined && n > max) {
        ctx.report({
          messageId: isSet ? 'tooHigh' : 'defaultTooHigh',
          data: { variable, value, where, max: show(max, duration), why: p.why },
          ...loc,
          evidence,
        });
      } else if (p.min !== undefined && n < p.min) {
        ctx.report({
          messageId: isSet ? 'tooLow' : 'defaultTooLow',
          data: { variable, value, where, min: show(p.min, duration), why: p.why },
          ...loc,
          evidence,
        });
      } else {
        ctx.evidence(evidence[0]!);
      }
    }
  },
});
