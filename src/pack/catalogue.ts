import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { lazy } from '../core/lazy.js';
import { UserError } from '../core/errors.js';
import { cachedPackValue } from './cache.js';
import type { VariableSpec } from '../core/model.js';

// Built on first use: the built-in catalogue comes validated from dist/pack.json.
export const catalogueSchema = lazy(() => {
  const variableSchema = z.strictObject({
    name: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
    type: z.enum(['string', 'bool', 'int', 'float', 'duration', 'csv', 'csv-int16', 'json', 'dsn', 'url', 'path']),
    section: z.number().int().min(0).max(7),
    default: z.string().optional(),
    productionDefault: z.string().optional(),
    defaultTrueWhenSet: z.string().optional(),
    defaultFrom: z.string().optional(),
    secret: z.boolean(),
    lenient: z.boolean().optional(),
    notExpanded: z.boolean().optional(),
    notes: z.string().optional(),
  });
  return z.strictObject({ variables: z.array(variableSchema).min(1) });
});

export type CatalogueEntry = VariableSpec;

export function loadCatalogue(file: string): Map<string, CatalogueEntry> {
  const text = readFileSync(file, 'utf8');
  const cachedValue = cachedPackValue(file, text);
  const parsed = cachedValue !== undefined ? { success: true as const, data: cachedValue as z.infer<ReturnType<typeof catalogueSchema>> } : catalogueSchema().safeParse(parse(text));
  if (!parsed.success) {
    throw new UserError(
      'invalid-rule-definition',
      `${file} is not a valid variable catalogue`,
      parsed.error.issues.map((i) => ({ file, path: i.path.join('.'), message: i.message })),
    );
  }
  const map = new Map<string, CatalogueEntry>();
  for (const v of parsed.data.variables) map.set(v.name, v as CatalogueEntry);
  return map;
}
