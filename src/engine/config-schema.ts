// The config file (.prodready.yaml) as a strict zod schema: a typo is an error, never a silently ignored key.
// schemas/prodready-config.schema.json is generated from this schema (npm run docs), for editors.
import { z } from 'zod';
import { isCalendarDay } from '../core/dates.js';
import { lazy } from '../core/lazy.js';

export const CONFIG_FILE_NAME = '.prodready.yaml';

// The schemas are built on first use: a run without a config file (and without an attestations file) never parses
// with them.

/** A calendar day as people write it; the pattern is checked first so a wrong shape gets one message. */
export const calendarDay = lazy(() =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD', abort: true })
    .refine(isCalendarDay, 'expected a real calendar date YYYY-MM-DD'),
);

const positiveInt = lazy(() => z.number().int().positive());

/** Text a person must write: whitespace alone says nothing, so it is refused (the text itself is kept as written). */
const said = (what: string) =>
  z.string().refine((s) => s.trim().length > 0, `expected ${what}, not only whitespace`);

export const waiverSchema = lazy(() =>
  z
    .strictObject({
      rule: z.string().min(1).describe('Id of the rule, probe or attestation item whose failures are accepted.'),
      location: z
        .strictObject({
          file: z.string().min(1).optional().describe('Only findings in this file (a path as given to check, or its tail).'),
          line: positiveInt().optional().describe('Only findings at this 1-based line.'),
          path: z.string().min(1).optional().describe('Only findings at this dotted YAML path or env key.'),
        })
        .optional()
        .describe('Narrows the waiver to some findings; without it every failure of the rule is waived.'),
      by: said('who accepted the risk').describe('Who accepted the risk.'),
      reason: said('why the risk is acceptable').describe('Why it is acceptable, with a ticket when there is one.'),
      until: calendarDay().describe('Last day the waiver applies (inclusive, UTC).'),
    })
    .describe('A failure accepted by a named person until a date.'),
);

export const thresholdsSchema = lazy(() =>
  z
    .strictObject({
      secretMinLength: z
        .strictObject({ hash: positiveInt(), salt: positiveInt(), password: positiveInt(), default: positiveInt() })
        .partial()
        .describe('Minimum secret lengths by purpose (characters).'),
      secretMinEntropyBitsPerChar: z.number().positive().max(8).describe('Minimum Shannon entropy of a secret, bits per character.'),
      exposureRetentionMaxDays: positiveInt().describe('Longest allowed EXPOSURE_LOG_RETENTION_DAYS.'),
      manifestTtlMaxSeconds: positiveInt().describe('Longest allowed RECSYS_ARTIFACT_MANIFEST_TTL, in seconds.'),
      replicasMin: positiveInt().describe('Fewest api replicas for high availability.'),
      backupMaxAgeHours: z.number().positive().describe('Oldest acceptable backup marker, in hours.'),
      loadResultMaxAgeDays: z.number().positive().describe('Oldest acceptable imported load result, in days.'),
      maxExpiryDays: positiveInt().describe("Latest a waiver's or an inline suppression's until, or an attestation's expires, may lie after today, in days (default 365)."),
    })
    .partial()
    .describe('Numbers the rules judge against; each overrides its default.'),
);

export const configSchema = lazy(() =>
  z
    .strictObject({
      severities: z
        .record(z.string().min(1), z.enum(['error', 'warn', 'info', 'off']))
        .optional()
        .describe('Severity per rule, probe or attestation item id; off turns it off.'),
      thresholds: thresholdsSchema().optional(),
      waivers: z.array(waiverSchema()).optional(),
      rules: z
        .array(z.string().min(1))
        .optional()
        .describe('Extra rule directories, relative to this file.'),
      backupMarkerQuery: z
        .string()
        .min(1)
        .optional()
        .describe('Read-only query for backup-marker-fresh; must return a completed_at column.'),
      params: z
        .record(z.string().min(1), z.record(z.string(), z.unknown()))
        .optional()
        .describe("Params per rule or probe id, merged over the rule's own params."),
      loadResults: z
        .strictObject({
          stale: z
            .enum(['warn', 'fail'])
            .optional()
            .describe('An imported load result older than thresholds.loadResultMaxAgeDays: a warning (default) or a failure.'),
          unknownAge: z
            .enum(['warn', 'fail'])
            .optional()
            .describe(
              'An imported load result that does not say when it ran (and no --load-results-date): a warning (default) or a failure.',
            ),
        })
        .optional()
        .describe('The age policy for imported load results (--load-results).'),
    })
    .describe('prodready configuration (.prodready.yaml)'),
);

export type ConfigFile = z.infer<ReturnType<typeof configSchema>>;

/** The JSON Schema shipped in schemas/ for editors (yaml-language-server) and other tools. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema(), { target: 'draft-2020-12', io: 'input' }),
    title: 'prodready configuration',
  };
}
