import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { cachedPackValue } from './cache.js';
import type { VariableSpec } from '../core/model.js';

/** The built-in rule pack's folder, beside dist/ in the repo and in the installed package. */
export const BUILTIN_PACK_DIR = fileURLToPath(new URL('../../rules/recsys/', import.meta.url));

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
  notes: z.string().optional(),
});

export const catalogueSchema = z.strictObject({ variables: z.array(variableSchema).min(1) });

export type CatalogueEntry = VariableSpec;

let cached: Map<string, CatalogueEntry> | undefined;

export function loadCatalogue(file = `${BUILTIN_PACK_DIR}variables.yaml`): Map<string, CatalogueEntry> {
  if (cached && file === `${BUILTIN_PACK_DIR}variables.yaml`) return cached;
  const text = readFileSync(file, 'utf8');
  const cachedValue = cachedPackValue(file, text);
  const parsed = cachedValue !== undefined ? { success: true as const, data: cachedValue as z.infer<typeof catalogueSchema> } : catalogueSchema.safeParse(parse(text));
  if (!parsed.success) {
    throw new UserError(
      'invalid-rule-definition',
      `${file} is not a valid variable catalogue`,
      parsed.error.issues.map((i) => ({ file, path: i.path.join('.'), message: i.message })),
    );
  }
  const map = new Map<string, CatalogueEntry>();
  for (const v of parsed.data.variables) map.set(v.name, v as CatalogueEntry);
  if (file === `${BUILTIN_PACK_DIR}variables.yaml`) cached = map;
  return map;
}
