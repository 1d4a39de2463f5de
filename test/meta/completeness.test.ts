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
        expect(existsSync(test), `${kind}/${id} has no test of its own (test/${kind}/${id}.test.ts)`).toBe(true);
        const usedByRules = (await loadRuleDirs([BUILTIN_PACK_DIR], TEMPLATES)).some((r) => (kind === 'checks' ? r.rule.check : r.rule.probe) === id);
        expect(usedByRules, `${id} is used by no rule of the pack: dead code`).toBe(true);
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

/**
 * Message ids no fixture case expects and no test names yet. Each is a message a user can get that nothing proves
 * is produced correctly; the list may only shrink (an id that gets covered must leave it, or this test fails).
 */
const UNPRODUCED = new Set<string>([
  'probes/backup-marker-fresh:archiverUnreadable',
  'probes/backup-marker-fresh:markerUnparseable',
  'probes/backup-marker-fresh:networkError',
  'probes/backup-marker-fresh:tlsFailed',
  'probes/jwks-reachable:discoveryNoJwksUri',
  'probes/jwks-reachable:emptyKeySet',
  'probes/jwks-reachable:invalidUrl',
  'probes/jwks-reachable:jwksStatus',
  'probes/jwks-reachable:networkError',
  'probes/jwks-reachable:notAKeySet',
  'probes/jwks-reachable:tlsFailed',
  'probes/load-burst-p95:networkError',
  'probes/load-burst-p95:tlsFailed',
  'probes/migrations-applied:invalidExpected',
  'probes/migrations-applied:moreDrift',
  'probes/migrations-applied:moreFailed',
  'probes/migrations-applied:networkError',
  'probes/migrations-applied:tlsFailed',
  'probes/readyz:networkError',
  'probes/readyz:tlsFailed',
  'probes/response-versions:networkError',
  'probes/response-versions:tlsFailed',
  'probes/rls-enforced:networkError',
  'probes/rls-enforced:tlsFailed',
]);

describe('every declared message is produced by a fixture or a test', async () => {
  const rules = await loadRuleDirs([BUILTIN_PACK_DIR], TEMPLATES);
  const expectedByFixtures = new Set<string>();
  for (const lr of rules) {
    for (const c of ruleCases(lr.rule.id)) for (const f of c.expect.findings) expectedByFixtures.add(`checks/${lr.rule.check}:${f.messageId}`);
  }
  // Tests that name a message id by its word: a probe's own test, the fault tests, the classifier's tests.
  const testTexts = (function walk(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.ts') && e.name !== 'completeness.test.ts' ? [readFileSync(join(dir, e.name), 'utf8')] : [],
    );
  })(join(root, 'test')).join('\n');
  for (const [kind, registry] of [
    ['checks', CHECKS],
    ['probes', PROBES],
  ] as const) {
    for (const id of Object.keys(registry)) {
      it(`${kind}/${id}`, async () => {
        const unit = (await registry[id]!()).default;
        const missing = Object.keys(unit.meta.messages).map((m) => `${kind}/${id}:${m}`).filter((key) => {
          const m = key.slice(key.indexOf(':') + 1);
          const named = new RegExp(`\\b${m}\\b`);
          const produced = expectedByFixtures.has(key) || named.test(testTexts);
          return produced === UNPRODUCED.has(key);
        });
        expect(missing, 'produced by nothing (add a fixture or a test) or covered now (remove it from UNPRODUCED)').toEqual([]);
      });
    }
  }
});
