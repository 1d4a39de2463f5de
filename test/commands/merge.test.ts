// Sharding a fleet through the built CLI: three shards merged give what one unsharded run gives, in every format
// the merge writes; a new deployment moves no other between shards; a merge of part of a fleet is refused.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT as root, run } from '../helpers/cli.js';
import { compileSarifSchema, multitoolValidate } from '../helpers/sarif-validate.js';

/** Ready, broken and unreadable deployments in turn. */
function fleet(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'prodready-shard-'));
  for (let i = 0; i < n; i += 1) addDeployment(dir, `d${String(i).padStart(2, '0')}`, i);
  return dir;
}

function addDeployment(dir: string, name: string, i: number): void {
  mkdirSync(join(dir, name));
  if (i % 3 === 2) writeFileSync(join(dir, name, 'values.yaml'), 'api: [\n');
  else cpSync(join(root, i % 3 === 0 ? 'fixtures/ready' : 'fixtures/broken', 'values.yaml'), join(dir, name, 'values.yaml'));
}

const noTime = (s: string) => s.replace(/"generatedAt":"[^"]*"/g, '').replace(/timestamp="[^"]*"/g, '');

interface Summary {
  summary: Array<{ deployment: string; verdict: string }>;
  shard?: { index: number; total: number };
}

function summaryOf(jsonl: string): Summary {
  const lines = jsonl.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Summary;
}

function shards(dir: string, total: number): string[] {
  return Array.from({ length: total }, (_, k) => {
    const r = run(['check', '--each', join(dir, '*'), '--shard', `${k + 1}/${total}`, '--format', 'json']);
    expect(r.stderr).toBe('');
    const file = join(dir, `..${dir.slice(dir.lastIndexOf('/'))}-shard-${k + 1}.jsonl`);
    writeFileSync(file, r.stdout);
    return file;
  });
}

describe('check --each --shard and merge', () => {
  it('three shards merged equal the unsharded run: the same records, summary, text and exit code', () => {
    const dir = fleet(15);
    const whole = run(['check', '--each', join(dir, '*'), '--format', 'json']);
    expect(whole.code).toBe(1);
    const files = shards(dir, 3);
    const parts = files.map((f) => summaryOf(readFileSync(f, 'utf8')));
    // Each deployment in exactly one shard, each shard named on its summary line.
    expect(parts.map((p) => p.shard)).toEqual([1, 2, 3].map((index) => ({ index, total: 3 })));
    expect(parts.flatMap((p) => p.summary.map((r) => r.deployment)).sort()).toEqual(summaryOf(whole.stdout).summary.map((r) => r.deployment));
    expect(parts.filter((p) => p.summary.length > 0).length).toBeGreaterThan(1);

    const merged = run(['merge', ...files, '--format', 'json']);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(whole.code);
    expect(noTime(merged.stdout)).toBe(noTime(whole.stdout));
    // Every deployment's findings, rule by rule, as the unsharded run found them.
    const records = merged.stdout.trim().split('\n').slice(0, -1).map((l) => JSON.parse(l) as { deployment: string; results: Array<{ id: string; findings: unknown[] }> });
    expect(records).toHaveLength(15);

    const text = run(['merge', ...files]);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe(run(['check', '--each', join(dir, '*')]).stdout);
  }, 120_000);

  it('writes one SARIF log with one run for the fleet (GitHub takes at most 20 runs a file), one JUnit file and a Markdown summary', () => {
    const dir = fleet(6);
    const files = shards(dir, 3);
    const out = mkdtempSync(join(tmpdir(), 'prodready-merged-'));
    const r = run(['merge', ...files, '--sarif-category', 'fleet', '--docs-url', 'https://docs.example.com/prodready/rules/', '-f', 'sarif', '-o', join(out, 'f.sarif'), '-f', 'junit', '-o', join(out, 'f.xml'), '-f', 'markdown', '-o', join(out, 'f.md')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(join(out, 'f.sarif'), 'utf8')) as {
      runs: Array<{ automationDetails: { id: string }; results: Array<{ ruleId: string; ruleIndex: number; properties: { deployment: string } }>; tool: { driver: { rules: Array<{ id: string }> } } }>;
    };
    const validate = compileSarifSchema();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(multitoolValidate([join(out, 'f.sarif')])).toEqual([]);
    expect(log.runs.map((x) => x.automationDetails.id)).toEqual(['fleet/']);
    const [one] = log.runs;
    // Every deployment's results are in the one run, each pointing at its rule in the run's single rule list.
    expect([...new Set(one!.results.map((x) => x.properties.deployment))].sort()).toEqual(['d00', 'd01', 'd02', 'd03', 'd04', 'd05'].map((d) => join(dir, d)));
    for (const x of one!.results) expect(one!.tool.driver.rules[x.ruleIndex]!.id).toBe(x.ruleId);
    expect(new Set(one!.tool.driver.rules.map((x) => x.id)).size).toBe(one!.tool.driver.rules.length);
    const xml = readFileSync(join(out, 'f.xml'), 'utf8');
    expect(xml.match(/<testsuites /g)).toHaveLength(1);
    expect(xml).toContain(`<testsuite name="${join(dir, 'd01')}: 1 Tenancy and authentication"`);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
    const md = readFileSync(join(out, 'f.md'), 'utf8');
    expect(md).toMatch(/\*\*6 deployments: 0 ready, 6 not ready\*\*/);
  }, 120_000);

  it('a new deployment moves no other between shards', () => {
    const dir = fleet(12);
    const before = shards(dir, 3).map((f) => summaryOf(readFileSync(f, 'utf8')).summary.map((r) => r.deployment));
    addDeployment(dir, 'a-new', 0);
    addDeployment(dir, 'zz-new', 1);
    const after = shards(dir, 3).map((f) => summaryOf(readFileSync(f, 'utf8')).summary.map((r) => r.deployment));
    for (let k = 0; k < 3; k += 1) {
      expect(after[k]!.filter((d) => !d.endsWith('-new'))).toEqual(before[k]);
    }
    expect(after.flat().filter((d) => d.endsWith('-new'))).toHaveLength(2);
  }, 120_000);

  it('keeps the worst exit code: a deployment that could not be judged in one shard makes the merge exit 2', () => {
    const dir = fleet(4);
    mkdirSync(join(dir, 'empty')); // No inputs: a usage error for that deployment alone.
    const files = shards(dir, 2);
    const r = run(['merge', ...files]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/empty\s+error\s+prodready: error\[missing-input\]/);
  }, 120_000);

  it('refuses a merge of part of a fleet, a shard twice, a shard cut short, and --shard without --each', () => {
    const dir = fleet(6);
    const files = shards(dir, 3);
    const missing = run(['merge', files[0]!, files[1]!]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^prodready: error\[invalid-merge-input\]: shard 3 of 3 missing/);
    expect(missing.stdout).toBe('');
    const twice = run(['merge', files[0]!, files[0]!, files[1]!, files[2]!]);
    expect(twice.stderr).toMatch(/are both shard 1\/3/);
    const cut = join(dir, 'cut.jsonl');
    const lines = readFileSync(files[1]!, 'utf8').trim().split('\n');
    writeFileSync(cut, `${lines.slice(0, -1).join('\n')}\n`);
    const r = run(['merge', files[0]!, cut, files[2]!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no summary line: the shard did not finish/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const notJson = join(dir, 'text.jsonl');
    writeFileSync(notJson, 'd00  READY\n');
    expect(run(['merge', notJson]).stderr).toMatch(/text\.jsonl:1: not JSON/);
    expect(run(['check', '--values', 'x.yaml', '--shard', '1/2']).stderr).toMatch(/error\[invalid-option\]: --shard needs --each/);
    expect(run(['merge', ...files, '-f', 'html']).stderr).toMatch(/merge writes text, json, sarif, junit, markdown, not html/);
  }, 120_000);
});
