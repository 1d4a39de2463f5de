// A rule's `checklist` field and the checklist's `decidedBy` lists must name each other, both ways.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadRuleDirs } from '../../src/engine/load-rules.js';
import { BUILTIN_PACK_DIR } from '../../src/model/catalogue.js';

describe('checklist map', async () => {
  const rules = await loadRuleDirs([BUILTIN_PACK_DIR]);
  const items = (parse(readFileSync(`${BUILTIN_PACK_DIR}checklist.yaml`, 'utf8')) as { items: Array<{ id: string; kind: string; decidedBy?: string[] }> }).items;

  it('every rule names the checklist items that list it, and only those', () => {
    for (const lr of rules) {
      const listing = items.filter((i) => i.decidedBy?.includes(lr.rule.id)).map((i) => i.id).sort();
      expect([...lr.rule.checklist].sort(), lr.rule.id).toEqual(listing);
    }
  });

  it('every rule a rule-kind item is decided by exists', () => {
    const ids = new Set(rules.map((r) => r.rule.id));
    for (const item of items.filter((i) => i.kind === 'rule')) {
      for (const id of item.decidedBy ?? []) expect(ids.has(id), `${item.id} → ${id}`).toBe(true);
    }
  });
});
