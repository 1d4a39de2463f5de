// Fleet mode: every matched folder is its own deployment, one summary, the worst exit code.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { ROOT as root, run } from '../helpers/cli.js';

function fleet(): string {
  const dir = mkdtempSync(join(tmpdir(), 'prodready-fleet-'));
  for (const [name, src] of [
    ['a-ready', 'fixtures/ready'],
    ['b-broken', 'fixtures/broken'],
  ] as const) {
    mkdirSync(join(dir, name));
    cpSync(join(root, src), join(dir, name), { recursive: true });
  }
  mkdirSync(join(dir, 'c-unreadable'));
  writeFileSync(join(dir, 'c-unreadable', 'values.yaml'), 'api: [\n');
  return dir;
}

describe('check --each', () => {
  it('reports each deployment apart, a summary table, and exits with the worst verdict', () => {
    const dir = fleet();
    const r = run(['check', '--each', join(dir, '*')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`${join(dir, 'a-ready')}\\s+ready\\s+0\\s+0`));
    expect(r.stdout).toMatch(new RegExp(`${join(dir, 'b-broken')}\\s+not-ready`));
    expect(r.stdout).toMatch(/c-unreadable\s+not-ready.*1 unreadable/);
    expect(r.stdout).toMatch(/3 deployments: 1 ready, 2 not ready/);
  });

  it('writes one report per deployment into an --output directory', () => {
    const dir = fleet();
    const out = join(dir, 'reports');
    const r = run(['check', '--each', join(dir, '*-*'), '--format', 'json', '--output', out]);
    expect(r.code).toBe(1);
    const summary = readFileSync(join(out, 'summary.txt'), 'utf8');
    expect(summary).toMatch(/3 deployments/);
    const files = ['a-ready', 'b-broken', 'c-unreadable'].map((n) => join(out, `${join(dir, n).replace(/[^\w.-]+/g, '_').replace(/^_+/, '')}.json`));
    const ready = JSON.parse(readFileSync(files[0]!, 'utf8')) as { summary: { verdict: string } };
    expect(ready.summary.verdict).toBe('ready');
  });

  it('deployments whose paths make the same file name each get a report of their own under --output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-fleet-names-'));
    for (const [name, src] of [
      ['x a', 'fixtures/ready'],
      ['x+a', 'fixtures/broken'],
    ] as const) {
      mkdirSync(join(dir, name));
      cpSync(join(root, src), join(dir, name), { recursive: true });
    }
    const out = join(dir, 'reports');
    const r = run(['check', '--each', join(dir, 'x*'), '--format', 'json', '--output', out]);
    expect(r.code).toBe(1);
    const base = join(dir, 'x a').replace(/[^\w.-]+/g, '_').replace(/^_+/, '');
    const verdicts = [`${base}.json`, `${base}-2.json`].map((f) => (JSON.parse(readFileSync(join(out, f), 'utf8')) as { summary: { verdict: string } }).summary.verdict);
    // Matches are sorted: "x a" before "x+a".
    expect(verdicts).toEqual(['ready', 'not-ready']);
  });

  it('a glob that matches nothing is a usage error', () => {
    const r = run(['check', '--each', '/nonexistent-prodready/*.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[missing-input\]: --each .* matched nothing/);
  });
});

describe('check --each on worker threads', () => {
  it('--jobs 3 gives the same reports, in the same order, as one thread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-fleet-workers-'));
    // 60 deployments (ready, broken, unreadable in turn) make 4 chunks of 16, shared by three workers.
    for (let i = 0; i < 60; i += 1) {
      const name = join(dir, `d${String(i).padStart(3, '0')}`);
      mkdirSync(name);
      if (i % 3 === 2) writeFileSync(join(name, 'values.yaml'), 'api: [\n');
      else cpSync(join(root, i % 3 === 0 ? 'fixtures/ready' : 'fixtures/broken', 'values.yaml'), join(name, 'values.yaml'));
    }
    const strip = (s: string) => s.replace(/"generatedAt":"[^"]*"/g, '');
    const one = run(['check', '--each', join(dir, '*'), '--format', 'json', '--jobs', '1']);
    const three = run(['check', '--each', join(dir, '*'), '--format', 'json', '--jobs', '3']);
    expect(one.code).toBe(1);
    expect(three.code).toBe(one.code);
    expect(three.stderr).toBe('');
    expect(strip(three.stdout)).toBe(strip(one.stdout));
    expect(one.stdout.split('\n').filter(Boolean)).toHaveLength(61);
    const text = run(['check', '--each', join(dir, '*'), '--jobs', '3']);
    expect(text.stdout).toBe(run(['check', '--each', join(dir, '*'), '--jobs', '1']).stdout);
  }, 120_000);

  it('waits for a reader that stops reading, and then writes every report in order, on worker threads and on one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-fleet-slow-reader-'));
    for (let i = 0; i < 40; i += 1) {
      mkdirSync(join(dir, `d${String(i).padStart(2, '0')}`));
      cpSync(join(root, i % 2 === 0 ? 'fixtures/ready/values.yaml' : 'fixtures/broken/values.yaml'), join(dir, `d${String(i).padStart(2, '0')}`, 'values.yaml'));
    }
    // Far more than a pipe holds (about 40 kB a report): the run must stop and wait while nobody reads.
    const slowly = (jobs: string): Promise<{ code: number | null; stdout: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'check', '--each', join(dir, 'd*'), '--format', 'json', '--jobs', jobs], {
          cwd: root,
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        const parts: Buffer[] = [];
        child.stdout.pause();
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        setTimeout(() => child.stdout.on('data', (d: Buffer) => parts.push(d)).resume(), 1500);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout: Buffer.concat(parts).toString('utf8') });
        });
      });
    const strip = (t: string) => t.replace(/"generatedAt":"[^"]*"/g, '');
    const [one, two] = [await slowly('1'), await slowly('2')];
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(one.stdout.split('\n').filter(Boolean)).toHaveLength(41);
    expect(strip(two.stdout)).toBe(strip(one.stdout));
  }, 120_000);

  it('a rule directory that does not load is the same usage error on worker threads as on one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-fleet-badrules-'));
    for (let i = 0; i < 20; i += 1) {
      mkdirSync(join(dir, `d${i}`));
      cpSync(join(root, 'fixtures/ready/values.yaml'), join(dir, `d${i}`, 'values.yaml'));
    }
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'broken.yaml'), 'rules: [\n');
    const one = run(['check', '--each', join(dir, 'd*'), '--rules', rules, '--jobs', '1']);
    const two = run(['check', '--each', join(dir, 'd*'), '--rules', rules, '--jobs', '2']);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/^prodready: error\[invalid-rule-definition\]/);
    expect(two.code).toBe(2);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout).toBe('');
  }, 60_000);

  it('--jobs must be a whole number, and only with --each', () => {
    const dir = fleet();
    for (const bad of ['0', 'two', '1.5', '-3', '65']) {
      const r = run(['check', '--each', join(dir, '*'), '--jobs', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^prodready: error\[invalid-option\]: --jobs must be a whole number from 1 to 64/m);
    }
    const alone = run(['check', '--values', join(root, 'fixtures/ready/values.yaml'), '--jobs', '2']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--jobs needs --each/);
  });
});
