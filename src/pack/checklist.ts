// The pack's checklist (rules/recsys/checklist.yaml): every item and what decides it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { lazy } from '../core/lazy.js';
import { cachedPackValue } from './cache.js';
import { BUILTIN_PACK_DIR } from './files.js';
import { UserError } from '../core/errors.js';
import type { Section } from '../core/types.js';
import { zodProblems } from '../core/zod-problems.js';

const itemSchema = () =>
  z
    .strictObject({
      id: z.string().regex(/^[0-7]\.[a-z0-9]+(-[a-z0-9]+)*$/, 'a section digit, a dot and kebab-case, e.g. 4.restore-tested'),
      section: z.number().int().min(0).max(7),
      text: z.string().min(1),
      kind: z.enum(['rule', 'probe', 'attestation']),
      decidedBy: z.array(z.string().min(1)).optional(),
    })
    .refine((i) => (i.kind === 'attestation') === (i.decidedBy === undefined), {
      message: 'rule and probe items list decidedBy; attestation items do not',
      path: ['decidedBy'],
    })
    .refine((i) => i.id.startsWith(`${i.section}.`), { message: 'the id starts with its section', path: ['id'] });

// Built on first use: the built-in checklist comes validated from dist/pack.json.
export const checklistSchema = lazy(() => z.strictObject({ items: z.array(itemSchema()).min(1) }));

export type ChecklistItem = z.infer<ReturnType<typeof itemSchema>> & { section: Section };

export const CHECKLIST_FILE = join(BUILTIN_PACK_DIR, 'checklist.yaml');

const loaded = new Map<string, ChecklistItem[]>();

/** The checklist of a pack, read and validated once per process. */
export function loadChecklist(file = CHECKLIST_FILE): ChecklistItem[] {
  const cached = loaded.get(file);
  if (cached) return cached;
  const items = readChecklist(file);
  loaded.set(file, items);
  return items;
}

function readChecklist(file: string): ChecklistItem[] {
  const text = readFileSync(file, 'utf8');
  // The built-in checklist, unchanged since the build, was validated then (dist/pack.json): no YAML parse at start.
  const cached = cachedPackValue(file, text) as z.output<ReturnType<typeof checklistSchema>> | undefined;
  const parsed = cached !== undefined ? { success: true as const, data: cached } : checklistSchema().safeParse(parse(text));
  if (!parsed.success) throw new UserError('invalid-rule-definition', `${file} is not a valid checklist`, zodProblems(file, parsed.error.issues));
  const seen = new Set<string>();
  for (const [i, item] of parsed.data.items.entries()) {
    if (seen.has(item.id)) throw new UserError('invalid-rule-definition', `${file} lists item ${item.id} twice`, [{ file, path: `items[${i}].id`, message: 'duplicate id' }]);
    seen.add(item.id);
  }
  return parsed.data.items as ChecklistItem[];
}

/** Items no machine can decide: each needs a person's attestation. */
export function attestableItems(items: ChecklistItem[]): ChecklistItem[] {
  return items.filter((i) => i.kind === 'attestation');
}

/** Where an item is explained: its row in the generated checklist map. */
export function checklistHelpUrl(id: string): string {
  return `docs/checklist.md#${id.toLowerCase().replace(/[^a-z0-9-]/g, '')}`;
}
