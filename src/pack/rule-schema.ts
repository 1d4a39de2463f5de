import { z } from 'zod';
import { lazy } from '../core/lazy.js';

/**
 * A rule file: one instance of a check template (or a probe) with its params. Strict: a typo is an error. Built on
 * first use: the built-in pack's rules come validated from dist/pack.json, so a static check never needs it.
 */
export const ruleSchema = lazy(() =>
  z
    .strictObject({
      id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case, e.g. dev-auth-disabled'),
      section: z.number().int().min(0).max(7),
      /** Cross-cutting rules report each finding under the section of the variable it concerns. */
      sectionFrom: z.literal('variable').optional(),
      severity: z.enum(['error', 'warn', 'info']),
      title: z.string().min(1),
      description: z.string().min(1),
      check: z.string().min(1).optional(),
      probe: z.string().min(1).optional(),
      params: z.record(z.string(), z.unknown()).default({}),
      when: z
        .strictObject({
          production: z.boolean().optional(),
          servingMode: z.enum(['artifact', 'db-only']).optional(),
        })
        .optional(),
      remediation: z.string().min(1).regex(/\.$/, 'a full sentence ending with "."'),
      docs: z.string().optional(),
      /** Checklist item ids (rules/recsys/checklist.yaml) this rule decides. */
      checklist: z.array(z.string()).default([]),
      /**
       * Free labels; `security` marks a rule whose failure is a security weakness (code scanning shows it as a
       * security alert, with a security severity).
       */
      tags: z.array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case, e.g. security')).default([]),
    })
    .refine((r) => (r.check === undefined) !== (r.probe === undefined), {
      message: 'a rule names exactly one of `check` or `probe`',
      path: ['check'],
    }),
);

export type RuleDef = z.infer<ReturnType<typeof ruleSchema>>;
