// The pack's facts about the service and its chart (rules/recsys/service.yaml): what decides the serving mode,
// what the chart injects into the api ConfigMap.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import type { ServiceFacts } from '../core/model.js';
import { zodProblems } from '../core/zod-problems.js';

const dotted = z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a dotted Helm values path, e.g. minio.enabled');
const variable = z.string().regex(/^[A-Z][A-Z0-9_]*$/);

const serviceSchema = z.strictObject({
  servingMode: z.strictObject({ variable }),
  chartInjections: z.array(
    z.strictObject({
      when: dotted,
      guard: variable,
      env: z.record(variable, z.union([z.string(), z.strictObject({ fromValues: dotted, default: z.string() })])),
    }),
  ),
});

export function loadServiceFacts(file: string): ServiceFacts {
  const parsed = serviceSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new UserError('invalid-rule-definition', `${file} is not a valid service description`, zodProblems(file, parsed.error.issues));
  return {
    servingModeVariable: parsed.data.servingMode.variable,
    chartInjections: parsed.data.chartInjections.map((i) => ({
      when: i.when.split('.'),
      guard: i.guard,
      env: Object.fromEntries(
        Object.entries(i.env).map(([k, v]) => [k, typeof v === 'string' ? v : { fromValues: v.fromValues.split('.'), default: v.default }]),
      ),
    })),
  };
}
