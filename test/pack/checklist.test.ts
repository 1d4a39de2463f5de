// The checklist map is accurate: every item is decided by units that exist in the pack (or by an attestation), and
// every rule's `checklist` field agrees with checklist.yaml. Nothing is tolerated: a missing unit fails here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checklistHelpUrl, loadChecklist } from '../../src/pack/checklist.js';
import { loadRuleDirs } from '../../src/pack/load-rules.js';
import { BUILTIN_PACK_DIR, TEMPLATES } from '../helpers/pack.js';

describe('checklist map', async () => {
  const items = loadChecklist();
  const rules = await loadRuleDirs([BUILTIN_PACK_DIR], TEMPLATES);
  const byId = new Map(rules.map((r) => [r.rule.id, r]));

  it('each item has the anchor its results link to in docs/checklist.md', () => {
    const page = readFileSync(join(import.meta.dirname, '../../docs/checklist.md'), 'utf8');
    for (const item of items) expect(page).toContain(`<a id="${checklistHelpUrl(item.id).split('#')[1]}"></a>\`${item.id}\``);
  });

  it('every rule and probe has its generated page (npm run docs)', () => {
    const missing = rules.map((r) => r.rule.id).filter((id) => !existsSync(join(import.meta.dirname, '../../docs/rules', `${id}.md`)));
    expect(missing.join(', ')).toBe('');
  });

  it('covers every section of the checklist', () => {
    expect([...new Set(items.map((i) => i.section))].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  for (const item of items) {
    it(`${item.id} (${item.kind}) is decided by units that exist`, () => {
      if (item.kind === 'attestation') {
        expect(item.decidedBy).toBeUndefined();
        return;
      }
      const decidedBy = item.decidedBy ?? [];
      expect(decidedBy.length, `${item.id} names no unit`).toBeGreaterThan(0);
      const missing = decidedBy.filter((id) => !byId.has(id));
      expect(missing.join(', '), `${item.id}: decided by units not in the pack`).toBe('');
      const wrongKind = decidedBy.filter((id) => (item.kind === 'probe') !== (byId.get(id)!.probe !== undefined));
      expect(wrongKind.join(', '), `${item.id}: decided by ${item.kind}s, but these are not`).toBe('');
      const silent = decidedBy.filter((id) => !byId.get(id)!.rule.checklist.includes(item.id));
      expect(silent.join(', '), `${item.id}: these units do not name the item in their checklist field`).toBe('');
    });
  }

  for (const lr of rules) {
    if (lr.rule.checklist.length === 0) continue;
    it(`${lr.rule.id}: its checklist items exist and list it back`, () => {
      for (const id of lr.rule.checklist) {
        const item = items.find((i) => i.id === id);
        expect(item, `${lr.file}: unknown checklist item ${id}`).toBeDefined();
        expect(item!.decidedBy ?? [], `${id} does not list ${lr.rule.id} in decidedBy`).toContain(lr.rule.id);
      }
    });
  }
});
