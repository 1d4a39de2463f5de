// Fleet worker threads are started from the built dist/ (a worker loads its module by URL), so they are tested
// through the built CLI: each thread must set zod's jitless option, as the program does (src/commands/zod-jitless.ts),
// before any schema is built.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, run } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'prodready-fleet-workers-jitless-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fleet worker threads', () => {
  it('build no zod parser with new Function, like the main thread (jitless set before any schema)', () => {
    // 40 deployments: three chunks of 16, for two workers. A rule directory of the user's own makes every worker
    // build and parse zod object schemas (the rule files are validated in each thread).
    for (let i = 0; i < 40; i += 1) {
      mkdirSync(join(dir, `d${String(i).padStart(2, '0')}`));
      cpSync(join(ROOT, 'fixtures/ready/values.yaml'), join(dir, `d${String(i).padStart(2, '0')}`, 'values.yaml'));
    }
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'team-docs-off.yaml'), readFileSync(join(ROOT, 'rules/recsys/docs-disabled.yaml'), 'utf8').replace(/^id: docs-disabled$/m, 'id: team-docs-off'));
    const trace = join(dir, 'codegen.log');
    writeFileSync(trace, '');
    const preload = pathToFileURL(join(ROOT, 'test/helpers/trace-code-generation.mjs')).href;
    const r = run(['check', '--each', join(dir, 'd*'), '--rules', rules, '--format', 'json', '--jobs', '2'], undefined, {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${preload}`.trim(),
      TRACE_CODEGEN_OUT: trace,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const reports = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { results?: Array<{ id: string }> });
    // Every deployment was judged with the user's rule.
    expect(reports.filter((j) => j.results?.some((u) => u.id === 'team-docs-off'))).toHaveLength(40);
    const lines = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    expect(lines.filter((l) => l.startsWith('start worker'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('compile '))).toEqual([]);
  }, 120_000);
});

/** YAML that costs the YAML library far more heap than its size: small flow collections, one per line. */
function flowHeavyValues(bytes: number): string {
  const line = '  - {a: 1, b: [x, y], c: z}\n';
  return `extra:\n${line.repeat(Math.ceil(bytes / line.length))}`;
}

type HeapLimits = { maxYoungGenerationSizeMb: number; maxOldGenerationSizeMb: number };

/** Judges the named deployments (a folder each) with the built judgeInParallel on one worker: rows and JSON records. */
async function judgeWithHeaps(fleet: string, values: Record<string, string>, worker: HeapLimits, alone: HeapLimits) {
  for (const [n, text] of Object.entries(values)) {
    mkdirSync(join(fleet, n));
    writeFileSync(join(fleet, n, 'values.yaml'), text);
  }
  const matches = Object.keys(values).map((n) => join(fleet, n));
  // The built module: a worker loads its module by URL, so workers run from dist/ only.
  const { judgeInParallel } = (await import(pathToFileURL(join(ROOT, 'dist/commands/fleet-workers.js')).href)) as typeof import('../../src/commands/fleet-workers.js');
  const { defaultConfig } = await import('../../src/core/config-types.js');
  const opts = { each: join(fleet, '*'), env: [], values: [], manifests: [], format: ['json'], output: [], failOn: 'error', rules: [], chartDefaults: true };
  const rows: Array<{ deployment: string; verdict: string; error?: string }> = [];
  const records: string[] = [];
  await judgeInParallel(
    matches,
    { opts, config: defaultConfig(), formats: ['json'], outDir: undefined, colorLevel: 0, now: Date.now() },
    1,
    async (judged, out) => {
      for (const j of judged) rows.push(j.row);
      records.push(...Buffer.from(out).toString('utf8').split('\n').filter(Boolean));
    },
    { worker, alone },
  );
  return { matches, rows, records: records.map((l) => (JSON.parse(l) as { deployment: string }).deployment) };
}

describe('a deployment that outgrows a worker heap', () => {
  const ready = readFileSync(join(ROOT, 'fixtures/ready/values.yaml'), 'utf8');
  // A worker heap the medium deployment outgrows, and a larger one that holds it but not the huge one.
  const small = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 48 };
  const larger = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

  it('is judged again alone on a larger heap, and one that outgrows that too is its own error row, not the fleet’s', async () => {
    const fleet = mkdtempSync(join(tmpdir(), 'prodready-fleet-oom-'));
    try {
      const values = { a: ready, b: ready, 'c-medium': flowHeavyValues(160 * 1024), d: ready, 'e-huge': flowHeavyValues(2 * 1024 * 1024), f: ready };
      const { matches, rows, records } = await judgeWithHeaps(fleet, values, small, larger);
      // Every deployment has its row, in match order, as on one thread.
      expect(rows.map((r) => r.deployment)).toEqual(matches);
      const huge = rows.find((r) => r.deployment.endsWith('e-huge'))!;
      expect(huge.verdict).toBe('error');
      expect(huge.error).toMatch(/^prodready: error\[input-too-complex\]: .*e-huge: judging this deployment needed more than 256 MB of memory/);
      for (const r of rows.filter((x) => x !== huge)) expect(r.verdict).toMatch(/^(ready|not-ready)$/);
      // One JSON record for each deployment judged, in order; none for the one that could not be.
      expect(records).toEqual(matches.filter((m) => !m.endsWith('e-huge')));
    } finally {
      rmSync(fleet, { recursive: true, force: true });
    }
  }, 180_000);

  it('(the medium deployment does outgrow the small heap: with no larger one to go to, it is an error row too)', async () => {
    const fleet = mkdtempSync(join(tmpdir(), 'prodready-fleet-oom-'));
    try {
      const { rows } = await judgeWithHeaps(fleet, { a: ready, 'c-medium': flowHeavyValues(160 * 1024) }, small, small);
      expect(rows.map((r) => r.verdict)).toEqual([expect.stringMatching(/^(ready|not-ready)$/), 'error']);
      expect(rows[1]!.error).toMatch(/error\[input-too-complex\].*more than 48 MB/);
    } finally {
      rmSync(fleet, { recursive: true, force: true });
    }
  }, 180_000);
});
