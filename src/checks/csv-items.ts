import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { meetsPrecondition } from './lib/precondition.js';
import { compileCaseInsensitive, loadRe2, needsRe2, type PatternMatcher } from './lib/patterns.js';
import { describeLocation } from '../core/describe.js';
import { splitCsv } from '../model/go-parse.js';
import { effective, locationOf, valueEvidence } from '../model/query.js';

const VAR = () => z.string().regex(/^[A-Z][A-Z0-9_]*$/);
/** Each forbidden pattern compiled once per params value (the params are plain data, so dist/pack.json holds them). */
const compiled = new WeakMap<object, PatternMatcher[]>();
function matchers(forbidden: ReadonlyArray<{ pattern: string }>): PatternMatcher[] {
  let res = compiled.get(forbidden);
  if (!res) compiled.set(forbidden, (res = forbidden.map((f) => compileCaseInsensitive(f.pattern))));
  return res;
}

/** The patterns of params as written or parsed (anything: the schema has not necessarily seen them). */
function patternsOf(params: unknown): unknown[] {
  const forbidden = (params as { forbidden?: unknown } | null | undefined)?.forbidden;
  return Array.isArray(forbidden) ? forbidden.map((f) => (f as { pattern?: unknown } | null | undefined)?.pattern) : [];
}

/** A CSV variable that must list something, and none of a few forbidden entries (`none`, `HS256` for JWT algorithms). */
export default defineCheck({
  meta: {
    id: 'csv-items',
    type: 'problem',
    description: 'Fails when a CSV variable is empty though it must list something, or lists an entry matching a forbidden pattern.',
    messages: {
      empty: '{{variable}} is not set ({{because}}): {{emptyWhy}}',
      forbiddenItem: '{{variable}} at {{where}} lists {{item}}: {{why}}',
      unseen: '{{variable}} cannot be seen: {{because}}',
      conditionUnknown: 'whether this applies cannot be told: {{because}}',
    },
    params: () => z.strictObject({
      variable: VAR(),
      onlyIf: z.strictObject({ variable: VAR(), is: z.boolean() }).optional(),
      /** Set to fail an empty list, with this reason. */
      emptyWhy: z.string().min(1).optional(),
      // A pattern may come from a user's own rule file: it runs on RE2 (linear time, no backreferences or
      // lookarounds), or in the subset of lib/patterns.ts that means the same on RegExp, so no pattern can hold
      // the run however the value is shaped. What RE2 refuses is refused at load.
      forbidden: z
        .array(z.strictObject({ pattern: z.string().min(1).max(1000), why: z.string().min(1) }))
        .default([])
        .superRefine((list, c) =>
          list.forEach((f, i) => {
            try {
              compileCaseInsensitive(f.pattern);
            } catch {
              c.addIssue({ code: 'custom', path: [i, 'pattern'], message: `not a regular expression RE2 accepts (no backreferences or lookarounds): ${JSON.stringify(f.pattern)}` });
            }
          }),
        ),
    }),
  },
  // RE2 is imported only for a pattern outside the subset RegExp runs (none of the built-in pack's).
  prepare: async (params) => {
    if (params === undefined || needsRe2(patternsOf(params))) await loadRe2();
  },
  run(ctx, p) {
    const { model } = ctx;
    if (!meetsPrecondition(ctx, p.onlyIf)) return;
    const e = effective(model, p.variable);
    if (e.state === 'unknown') return ctx.unknown({ messageId: 'unseen', data: { variable: p.variable, because: e.because } });
    const raw = e.state === 'set' || e.state === 'invalid' ? e.raw : typeof e.raw === 'string' ? e.raw : '';
    const items = splitCsv(raw);
    const location = locationOf(model, e);
    const loc = location ? { location } : {};
    const evidence = [valueEvidence(e)];
    if (items.length === 0) {
      if (p.emptyWhy) {
        ctx.report({ messageId: 'empty', data: { variable: p.variable, because: e.state === 'default' ? e.because : 'empty', emptyWhy: p.emptyWhy }, ...loc, evidence });
      } else ctx.evidence(evidence[0]!);
      return;
    }
    const where = e.def ? describeLocation(e.def.location) : 'the default';
    let failed = false;
    const res = matchers(p.forbidden);
    for (const item of items) {
      const hit = p.forbidden.find((_f, i) => res[i]!.test(item));
      if (!hit) continue;
      failed = true;
      ctx.report({ messageId: 'forbiddenItem', data: { variable: p.variable, where, item: e.spec?.secret ? 'a forbidden entry' : item, why: hit.why }, ...loc, evidence });
    }
    if (!failed) ctx.evidence(evidence[0]!);
  },
});
