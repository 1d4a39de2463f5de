import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadChecklist } from '../../src/pack/checklist.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');

function run(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const attestable = loadChecklist().filter((i) => i.kind === 'attestation');
const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function fill(template: string): string {
  return template
    .replace(/"<what was checked or done, and how>"/g, '"Walked through it with the on-call team."')
    .replace(/"<name and email, or team>"/g, '"Platform team <platform@example.com>"')
    .replace(/"<link or path to the proof>"/g, '"https://wiki.example.com/readiness/2026-11"')
    .replace(/date: "YYYY-MM-DD"/g, `date: "${day(-1)}"`)
    .replace(/expires: "YYYY-MM-DD"/g, `expires: "${day(180)}"`);
}

describe('prodready attest', () => {
  it('--template prints an entry per attestable item, its text as a comment, placeholders to fill', () => {
    const r = run(['attest', '--template'], root);
    expect(r.code).toBe(0);
    const doc = parse(r.stdout) as { attestations: Array<Record<string, string>> };
    expect(doc.attestations.map((a) => a.item)).toEqual(attestable.map((i) => i.id));
    for (const a of doc.attestations) expect(Object.keys(a)).toEqual(['item', 'statement', 'by', 'date', 'evidence', 'expires']);
    for (const i of attestable) expect(r.stdout).toContain(`  # ${i.text}\n  - item: ${i.id}\n`);
  });

  it('the template as printed is refused (placeholders), and once filled every item passes in check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-attest-'));
    const template = run(['attest', '--template'], root).stdout;
    writeFileSync(join(dir, 'prodready.attestations.yaml'), template);
    const unfilled = run(['attest'], dir);
    expect(unfilled.code).toBe(2);
    expect(unfilled.stderr).toContain('attestations[0].by: still a placeholder: fill in who attests');

    writeFileSync(join(dir, 'prodready.attestations.yaml'), fill(template));
    const status = run(['attest'], dir);
    expect(status.code).toBe(0);
    expect(status.stdout.trim().split('\n')).toHaveLength(attestable.length);
    expect(status.stdout).not.toMatch(/manual|fail/);

    const r = run(
      ['check', '--values', join(root, 'fixtures/ready/values.yaml'), '--env', join(root, 'fixtures/ready/prod.env'), '--manifests', join(root, 'fixtures/ready/rendered.yaml'), '-f', 'json'],
      dir,
    );
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { results: Array<{ kind: string; status: string }>; summary: { counts: { manual: number } } };
    const attested = result.results.filter((u) => u.kind === 'attestation');
    expect(attested).toHaveLength(attestable.length);
    expect(attested.every((u) => u.status === 'pass')).toBe(true);
    expect(result.summary.counts.manual).toBe(0);
  });

  it('without a file, lists every item as manual and exits 0; an expired entry exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-attest-'));
    const none = run(['attest'], dir);
    expect(none.code).toBe(0);
    expect(none.stdout.match(/ manual /g)).toHaveLength(attestable.length);
    writeFileSync(
      join(dir, 'a.yaml'),
      ['attestations:', `  - item: ${attestable[0]!.id}`, '    statement: done', '    by: Ann', `    date: "${day(-30)}"`, '    evidence: docs/x.md', `    expires: "${day(-2)}"`].join('\n'),
    );
    const expired = run(['attest', '--attestations', 'a.yaml'], dir);
    expect(expired.code).toBe(1);
    expect(expired.stdout).toContain(`expired on ${day(-2)}`);
  });
});
