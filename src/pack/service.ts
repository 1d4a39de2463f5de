// The pack's facts about the service (rules/recsys/service.yaml: what decides the serving mode) and its chart
// (rules/recsys/chart-render.yaml: names and what the chart injects into the api ConfigMap, read from the chart's
// templates). One source of chart facts; the model renders from it and never reads the pack's files.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { lazy } from '../core/lazy.js';
import { cachedPackValue } from './cache.js';
import { UserError } from '../core/errors.js';
import type { ChartRender, ServiceFacts } from '../core/model.js';
import { zodProblems } from '../core/zod-problems.js';

const dotted = () => z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a dotted Helm values path, e.g. minio.enabled');
const variable = () => z.string().regex(/^[A-Z][A-Z0-9_]*$/);

// Built on first use: the built-in files come validated from dist/pack.json.
export const serviceSchema = lazy(() =>
  z.strictObject({
    servingMode: z.strictObject({ variable: variable() }),
  }),
);

export const chartRenderSchema = lazy(() =>
  z.strictObject({
    chartName: z.string().min(1),
    fullname: z.strictObject({ upstream: z.string() }),
    resources: z.strictObject({ api: z.string(), postgres: z.string(), minio: z.string() }),
    injections: z.array(z.strictObject({ when: dotted(), guard: variable(), upstream: z.string(), env: z.record(variable(), z.string()) })),
  }),
);

function readValidated<T>(file: string, schema: () => z.ZodType<T>, what: string): T {
  const text = readFileSync(file, 'utf8');
  // The built-in files, unchanged since the build, were validated then (dist/pack.json): no YAML parse at start.
  const cached = cachedPackValue(file, text);
  if (cached !== undefined) return cached as T;
  const parsed = schema().safeParse(parse(text));
  if (!parsed.success) throw new UserError('invalid-rule-definition', `${file} is not a valid ${what}`, zodProblems(file, parsed.error.issues));
  return parsed.data;
}

export function loadServiceFacts(serviceFile: string, chartRenderFile: string): ServiceFacts {
  const service = readValidated(serviceFile, serviceSchema, 'service description');
  const chart: ChartRender = readValidated(chartRenderFile, chartRenderSchema, 'chart description');
  return { servingModeVariable: service.servingMode.variable, chart };
}
