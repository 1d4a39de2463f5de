// The shared rule tester: each case file under fixtures/rules/<rule-id>/ is a small deployment plus what the rule must say.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/engine/config.js';
import { CONFIG_FILE_NAME } from '../../src/engine/config-schema.js';
import type { RunConfig } from '../../src/core/config-types.js';
import { loadRunPack } from '../../src/engine/run.js';
import { BUILTIN_PACK_DIR, judgeFiles, PACK_DATA_FILES } from './pack.js';
import type { UnitResult } from '../../src/core/types.js';

export const RULE_FIXTURES = join(import.meta.dirname, '../../fixtures/rules');

const caseSchema = z.strictObject({
  description: z.string().min(1),
  environment: z.string().optional(),
  chartDefaults: z.boolean().default(true),
  files: z.record(z.string().regex(/^[\w.-]+\.(ya?ml|env)$/), z.string()),
  expect: z.strictObject({
    status: z.enum(['pass', 'fail', 'warn', 'skip', 'unknown']),
    findings: z
      .array(
        z.strictObject({
          messageId: z.string(),
          file: z.string().optional(),
          line: z.number().int().positive().optional(),
          contains: z.string().optional(),
        }),
      )
      .default([]),
    /** Text each of which some line of the unit's evidence contains (what a pass rests on). */
    evidence: z.array(z.string().min(1)).default([]),
  }),
});

export type RuleCase = z.infer<typeof caseSchema> & { name: string; kind: 'pass' | 'fail' };

export function ruleCases(ruleId: string): RuleCase[] {
  const dir = join(RULE_FIXTURES, ruleId);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort();
  } catch {
    return [];
  }
  const seen = new Set<string>();
  return names.map((name) => {
    const parsed = caseSchema.parse(parse(readFileSync(join(dir, name), 'utf8')));
    const kind = name.startsWith('pass') ? 'pass' : 'fail';
    if (!name.startsWith('pass') && !name.startsWith('fail')) throw new Error(`${dir}/${name}: case files start with pass or fail`);
    if (seen.has(parsed.description)) throw new Error(`${dir}/${name}: duplicate case description`);
    seen.add(parsed.description);
    // An unknown is not a failure: a pass-named case may name the unknown findings that say what would decide it.
    if (kind === 'pass' && parsed.expect.findings.length > 0 && parsed.expect.status !== 'unknown') {
      throw new Error(`${dir}/${name}: a pass case expects no findings (unless its status is unknown)`);
    }
    if (kind === 'fail' && parsed.expect.findings.length === 0) throw new Error(`${dir}/${name}: a fail case names its findings`);
    return { ...parsed, name, kind };
  });
}

/** Run one rule over a case's files (written to a temp folder) and return its result. */
export async function runRuleCase(ruleId: string, c: RuleCase): Promise<UnitResult> {
  const dir = mkdtempSync(join(tmpdir(), `prodready-${ruleId}-`));
  try {
    const env: string[] = [];
    const values: string[] = [];
    const manifests: string[] = [];
    let config: RunConfig | undefined;
    for (const [name, text] of Object.entries(c.files)) {
      const path = join(dir, name);
      writeFileSync(path, text);
      // A case may carry the user's config file: its params and severities apply as in a real run.
      if (name === CONFIG_FILE_NAME) config = parseConfig(text, name, dir);
      else if (name.endsWith('.env')) env.push(path);
      else if (name.startsWith('values')) values.push(path);
      else manifests.push(path);
    }
    // A case's own config applies its params and severities to the pack, as loadRunPack does in a real run.
    const { result } = await judgeFiles(
      {
        env,
        values,
        manifests,
        only: [ruleId],
        chartDefaults: c.chartDefaults,
        ...(c.environment ? { environment: c.environment } : {}),
        ...(config ? { config } : {}),
      },
      config ? await loadRunPack(config) : undefined,
    );
    const unit = result.results.find((r) => r.id === ruleId);
    if (!unit) throw new Error(`rule ${ruleId} produced no result`);
    // Locations in findings name the temp path; cases name the file alone.
    for (const f of unit.findings) if (f.location?.file) f.location.file = basename(f.location.file);
    return unit;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The suite of one check template: every rule of the built-in pack that uses it, run over each of its pass and fail
 * cases in fixtures/rules/<rule-id>/, asserting the status, the rule id, the message id, the file and the line.
 */
export function describeTemplate(templateId: string): void {
  const ruleIds = readdirSync(BUILTIN_PACK_DIR)
    .filter((n) => n.endsWith('.yaml') && !PACK_DATA_FILES.has(n))
    .filter((n) => new RegExp(`^check:\\s*${templateId}\\s*$`, 'm').test(readFileSync(join(BUILTIN_PACK_DIR, n), 'utf8')))
    .map((n) => n.slice(0, -5))
    .sort();
  it(`is used by a rule of the pack`, () => {
    expect(ruleIds.length).toBeGreaterThan(0);
  });
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
          for (const want of c.expect.evidence) {
            expect(unit.evidence.some((e) => e.includes(want)), `expected evidence containing ${JSON.stringify(want)} among ${JSON.stringify(unit.evidence)}`).toBe(true);
          }
        });
      }
    });
  }
}
