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
