// Every rule of the built-in pack, run over its pass and fail cases in fixtures/rules/<id>/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PACK_DIR, TEMPLATES } from '../helpers/pack.js';
import { PACK_DATA_FILES } from '../../src/pack/files.js';
import { ruleCases, runRuleCase } from '../helpers/rule-tester.js';

// Static rules only: live probes are tested against real servers in test/probes/.
const ruleIds = readdirSync(BUILTIN_PACK_DIR)
  .filter((n) => n.endsWith('.yaml') && !PACK_DATA_FILES.has(n))
  .filter((n) => /^check:/m.test(readFileSync(join(BUILTIN_PACK_DIR, n), 'utf8')))
  .map((n) => n.slice(0, -5));

for (const id of ruleIds) {
  describe(id, () => {
    const cases = ruleCases(id);
    for (const c of cases) {
      it(`${c.kind}: ${c.description}`, async () => {
        const unit = await runRuleCase(id, c);
        expect(unit.status, JSON.stringify(unit.findings.map((f) => f.message))).toBe(c.expect.status);
        expect(unit.findings.filter((f) => f.status !== 'unknown' || c.expect.status === 'unknown').length).toBeGreaterThanOrEqual(
          c.expect.findings.length,
        );
        for (const want of c.expect.findings) {
          const match = unit.findings.find(
            (f) =>
              f.ruleId === id &&
              f.messageId === want.messageId &&
              (want.file === undefined || f.location?.file === want.file) &&
              (want.line === undefined || f.location?.line === want.line) &&
              (want.contains === undefined || f.message.includes(want.contains)),
          );
          expect(match, `expected ${JSON.stringify(want)} among ${JSON.stringify(unit.findings.map((f) => [f.messageId, f.location, f.message]))}`).toBeDefined();
        }
        if (c.expect.status === 'fail' || c.expect.status === 'warn') {
          expect(unit.findings.filter((f) => f.status === 'fail' || f.status === 'warn')).toHaveLength(c.expect.findings.length);
        }
        if (c.expect.status === 'skip' || c.expect.status === 'unknown') expect(unit.reason).toBeTruthy();
      });
    }
  });
}
