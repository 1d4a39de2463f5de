// Walks the registries so a new rule, check or probe is covered without anyone remembering to add it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.js';
import { PROBES } from '../../src/probes/index.js';
import { loadRuleDirs } from '../../src/pack/load-rules.js';
import { PACK_DATA_FILES } from '../../src/pack/files.js';
import { BUILTIN_PACK_DIR, TEMPLATES } from '../helpers/pack.js';
import { ruleCases } from '../helpers/rule-tester.js';

const root = join(import.meta.dirname, '../..');

describe('rule pack completeness', async () => {
  const rules = await loadRuleDirs([BUILTIN_PACK_DIR], TEMPLATES);

  it('has rules', () => {
    expect(rules.length).toBeGreaterThan(10);
  });

  for (const lr of rules) {
    describe(lr.rule.id, () => {
      it('is named after its file', () => {
        expect(lr.file.endsWith(`${lr.rule.id}.yaml`)).toBe(true);
      });
      it('has a remediation sentence naming what to change', () => {
        expect(lr.rule.remediation).toMatch(/^[A-Z].*\.$/s);
      });
      it('has a checklist section', () => {
        expect(lr.rule.section).toBeGreaterThanOrEqual(0);
        expect(lr.rule.section).toBeLessThanOrEqual(7);
      });
      if (lr.check) {
        it('has passing and failing cases', () => {
          const cases = ruleCases(lr.rule.id);
          expect(cases.filter((c) => c.kind === 'pass').length).toBeGreaterThan(0);
          expect(cases.filter((c) => c.kind === 'fail').length).toBeGreaterThan(0);
        });
      }
    });
  }

  it('every fixture folder belongs to a rule', () => {
    const ids = new Set(rules.map((r) => r.rule.id));
    for (const dir of readdirSync(join(root, 'fixtures/rules'))) expect(ids.has(dir), dir).toBe(true);
  });

  it('every rule file in the pack is a rule or declared pack data', () => {
    const files = readdirSync(BUILTIN_PACK_DIR).filter((n) => n.endsWith('.yaml'));
    expect(files.filter((n) => !PACK_DATA_FILES.has(n))).toHaveLength(rules.length);
  });
});

describe('check and probe registries', () => {
  for (const [kind, registry] of [
    ['checks', CHECKS],
    ['probes', PROBES],
  ] as const) {
    for (const id of Object.keys(registry)) {
      it(`${kind}/${id}: id equals file name, has messages and a test`, async () => {
        const unit = (await registry[id]!()).default;
        expect(unit.meta.id).toBe(id);
        expect(Object.keys(unit.meta.messages).length).toBeGreaterThan(0);
        for (const key of Object.keys(unit.meta.messages)) expect(key).toMatch(/^[a-z][A-Za-z0-9]*$/);
        const test = join(root, 'test', kind, `${id}.test.ts`);
        const usedByRules = (await loadRuleDirs([BUILTIN_PACK_DIR], TEMPLATES)).some((r) => (kind === 'checks' ? r.rule.check : r.rule.probe) === id);
        // A check is tested through its rules' cases or a test file of its own; an unused check is dead code.
        expect(usedByRules || existsSync(test), `${id} is used by no rule and has no test`).toBe(true);
      });
    }
  }

  it('the generated indexes are up to date', () => {
    for (const kind of ['checks', 'probes']) {
      const files = readdirSync(join(root, 'src', kind))
        .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'))
        .map((f) => f.slice(0, -3))
        .sort();
      const index = readFileSync(join(root, 'src', kind, 'index.ts'), 'utf8');
      for (const id of files) expect(index, `${kind}/index.ts lacks ${id}: run npm run generate`).toContain(`'${id}'`);
    }
  });
});
