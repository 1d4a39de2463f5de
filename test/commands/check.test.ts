// check with a config file, waivers and attestations, through the built CLI: exit codes and what the report says.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadChecklist } from '../../src/pack/checklist.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');

function run(args: string[], cwd = root): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface JsonUnit {
  id: string;
  kind: string;
  status: string;
  reason?: string;
  evidence: string[];
  findings: Array<{ status: string; message: string; evidence: string[]; waiver?: unknown; attestation?: { by: string }; location?: { file?: string; path?: string } }>;
}
interface JsonResult {
  results: JsonUnit[];
  inputs: Array<{ kind: string; file: string }>;
  summary: { verdict: string };
}

const fixture = (f: string): string => join(root, 'fixtures', f);
const READY = ['--values', fixture('ready/values.yaml'), '--env', fixture('ready/prod.env'), '--manifests', fixture('ready/rendered.yaml')];
const BROKEN = ['--values', fixture('broken/values.yaml'), '--env', fixture('broken/prod.env'), '--manifests', fixture('broken/rendered.yaml'), '--environment', 'production'];

/** A fresh folder with the given files: a project directory to run check from. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'prodready-gov-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function json(r: { stdout: string }): JsonResult {
  return JSON.parse(r.stdout) as JsonResult;
}
const unit = (res: JsonResult, id: string): JsonUnit | undefined => res.results.find((u) => u.id === id);

const today = new Date().toISOString().slice(0, 10);
const shift = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('check --config', () => {
  it('an invalid config exits 2 naming the file, the path and what was expected', () => {
    const dir = project({ '.prodready.yaml': 'thresholds:\n  replicasMin: "two"\n' });
    const r = run(['check', ...READY], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('prodready: error[invalid-config]: config file .prodready.yaml is not valid (1 problem)');
    expect(r.stderr).toContain('  .prodready.yaml: thresholds.replicasMin: expected number, received string');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a severity or params for an id the pack does not have exits 2 with a suggestion', () => {
    const dir = project({ 'c.yaml': 'severities:\n  dev-auth-disable: off\n' });
    const r = run(['check', ...READY, '--config', 'c.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('c.yaml: severities.dev-auth-disable: no rule, probe or attestable item "dev-auth-disable"; did you mean "dev-auth-disabled"?');
  });

  it('params the rule template rejects exit 2 at their path', () => {
    const dir = project({ 'c.yaml': 'params:\n  production-env:\n    allowed: production\n' });
    const r = run(['check', ...READY, '--config', 'c.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/c\.yaml: params\.production-env\.allowed: expected array/);
  });

  // A static check takes a probe rule's meta and params from the build's pack cache; the config changing its params
  // loads the probe's own schema, which must still judge them.
  it("params for a probe rule are checked by the probe's own schema", () => {
    const bad = run(['check', ...READY, '--config', 'c.yaml'], project({ 'c.yaml': 'params:\n  load-burst-p95:\n    p95MaxMs: -5\n' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/c\.yaml: params\.load-burst-p95\.p95MaxMs: .*>0/);
    expect(bad.stderr).not.toMatch(/internal error|\n\s+at /);
    const good = run(['check', ...READY, '--config', 'c.yaml', '--only', 'load-burst-p95', '-f', 'json'], project({ 'c.yaml': 'params:\n  load-burst-p95:\n    p95MaxMs: 400\n' }));
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(unit(json(good), 'load-burst-p95')?.status).toBe('skip');
  });

  it('params change what a rule accepts', () => {
    const dir = project({ 'c.yaml': 'params:\n  production-env:\n    allowed: [prod]\n' });
    const r = run(['check', ...READY, '--config', 'c.yaml', '--only', 'production-env', '-f', 'json'], dir);
    expect(unit(json(r), 'production-env')?.status).toBe('fail');
    expect(r.code).toBe(1);
  });

  it('severities: off removes a rule; a lowered severity turns its failure into a warning', () => {
    const dir = project({ '.prodready.yaml': 'severities:\n  pprof-disabled: off\n  dev-auth-disabled: warn\n' });
    const r = run(['check', ...BROKEN, '-f', 'json'], dir);
    const res = json(r);
    expect(unit(res, 'pprof-disabled')).toBeUndefined();
    expect(unit(res, 'dev-auth-disabled')?.status).toBe('warn');
    expect(res.inputs).toContainEqual({ kind: 'config', file: '.prodready.yaml' });
    const without = json(run(['check', ...BROKEN, '-f', 'json']));
    expect(unit(without, 'pprof-disabled')?.status).toBe('fail');
    expect(unit(without, 'dev-auth-disabled')?.status).toBe('fail');
  });

  it('thresholds change a verdict: a longer minimum makes the ready API key secret too short', () => {
    const dir = project({ '.prodready.yaml': 'thresholds:\n  secretMinLength: { hash: 200 }\n' });
    const before = run(['check', ...READY, '--only', 'api-key-hash-secret', '-f', 'json'], project({}));
    expect(before.code).toBe(0);
    expect(unit(json(before), 'api-key-hash-secret')?.status).toBe('pass');
    const after = run(['check', ...READY, '--only', 'api-key-hash-secret', '-f', 'json'], dir);
    expect(after.code).toBe(1);
    expect(unit(json(after), 'api-key-hash-secret')?.status).toBe('fail');
  });

  it('is discovered from a parent directory, and its rule directories resolve against it', () => {
    const dir = project({
      '.prodready.yaml': 'rules: [team-rules]\nseverities:\n  team-env-set: warn\n',
      'team-rules/team-env-set.yaml': [
        'id: team-env-set',
        'section: 5',
        'severity: error',
        'title: OTEL_SERVICE_NAME is the team name',
        'description: Our dashboards key on the service name.',
        'check: allowed-value',
        'params:',
        '  variable: OTEL_SERVICE_NAME',
        '  allowed: [recsys-team-a]',
        '  why: dashboards key on it',
        'remediation: Set OTEL_SERVICE_NAME to recsys-team-a.',
        '',
      ].join('\n'),
      'deploy/eu/.keep': '',
    });
    const r = run(['check', ...READY, '-f', 'json'], join(dir, 'deploy', 'eu'));
    const res = json(r);
    expect(res.inputs).toContainEqual({ kind: 'config', file: '../../.prodready.yaml' });
    expect(unit(res, 'team-env-set')?.status).toBe('warn');
  });
});

describe('check with waivers', () => {
  it('a waived failure is reported as waived with who, why and until, and no longer fails the run', () => {
    const dir = project({
      '.prodready.yaml': ['waivers:', '  - rule: dev-auth-disabled', '    location: { file: values.yaml, line: 9 }', '    by: Alice Martin', '    reason: load-test mirror (SEC-142)', `    until: ${shift(30)}`, ''].join('\n'),
    });
    const r = run(['check', ...BROKEN, '--only', 'dev-auth-disabled', '-f', 'json'], dir);
    const u = unit(json(r), 'dev-auth-disabled')!;
    expect(u.status).toBe('waived');
    expect(u.findings[0]!.waiver).toEqual({ by: 'Alice Martin', reason: 'load-test mirror (SEC-142)', until: shift(30) });
    expect(r.code).toBe(0);
    const text = run(['check', ...BROKEN, '--only', 'dev-auth-disabled'], dir);
    expect(text.stdout).toMatch(/WAIV {2}dev-auth-disabled/);
    expect(text.stdout).toContain(`waived by Alice Martin until ${shift(30)}: load-test mirror (SEC-142)`);
  });

  it('an expired waiver stops applying and the finding says so', () => {
    const dir = project({
      '.prodready.yaml': ['waivers:', '  - rule: dev-auth-disabled', '    by: Alice Martin', '    reason: was fine', `    until: ${shift(-1)}`, ''].join('\n'),
    });
    const r = run(['check', ...BROKEN, '--only', 'dev-auth-disabled', '-f', 'json'], dir);
    expect(r.code).toBe(1);
    const u = unit(json(r), 'dev-auth-disabled')!;
    expect(u.status).toBe('fail');
    expect(u.findings[0]!.evidence).toContain(`waiver by Alice Martin expired on ${shift(-1)}`);
  });

  it('a waiver that matches nothing is a stale-waiver warning naming its place in the config file', () => {
    const dir = project({
      '.prodready.yaml': ['waivers:', '  - rule: pprof-disabled', '    by: Bob', '    reason: old', `    until: ${shift(10)}`, ''].join('\n'),
    });
    const r = run(['check', ...READY, '-f', 'json'], dir);
    expect(r.code).toBe(0);
    const stale = unit(json(r), 'stale-waiver')!;
    expect(stale.status).toBe('warn');
    expect(stale.findings[0]!.location).toEqual({ file: '.prodready.yaml', line: 2, path: 'waivers[0]' });
    expect(stale.findings[0]!.message).toMatch(/^\.prodready\.yaml:2: waivers\[0\] \(rule pprof-disabled, by Bob, until /);
    expect(run(['check', ...READY, '--fail-on', 'warn'], dir).code).toBe(1);
    // A waiver for a rule left out by --skip is not stale.
    expect(unit(json(run(['check', ...READY, '--skip', 'pprof-disabled', '-f', 'json'], dir)), 'stale-waiver')).toBeUndefined();
  });
});

describe('check with attestations', () => {
  const items = loadChecklist().filter((i) => i.kind === 'attestation');
  const entry = (item: string, date: string, expires: string): string =>
    [`  - item: ${item}`, '    statement: Restored a backup into staging', '    by: Dana Ops', `    date: "${date}"`, '    evidence: https://wiki.example.com/restore', `    expires: "${expires}"`].join('\n');

  it('without a file every attestable item is manual and the run can still be ready', () => {
    const r = run(['check', ...READY, '-f', 'json'], project({}));
    expect(r.code).toBe(0);
    const res = json(r);
    const manual = res.results.filter((u) => u.kind === 'attestation');
    expect(manual.map((u) => u.id).sort()).toEqual(items.map((i) => i.id).sort());
    expect(manual.every((u) => u.status === 'manual')).toBe(true);
    expect(manual[0]!.reason).toMatch(/^needs an attestation: add an entry for item .* to prodready\.attestations\.yaml \(prodready attest --template\)$/);
  });

  it('prodready.attestations.yaml in the working directory: valid passes, expired and future-dated fail', () => {
    const dir = project({
      'prodready.attestations.yaml': [
        'attestations:',
        entry('4.restore-tested', shift(-10), shift(100)),
        entry('5.runbooks', shift(-200), shift(-1)),
        entry('5.dashboards', shift(3), shift(100)),
      ].join('\n'),
    });
    const r = run(['check', ...READY, '-f', 'json'], dir);
    expect(r.code).toBe(1);
    const res = json(r);
    expect(unit(res, '4.restore-tested')?.status).toBe('pass');
    expect(unit(res, '4.restore-tested')?.evidence[0]).toBe(`attested by Dana Ops on ${shift(-10)}, until ${shift(100)}: https://wiki.example.com/restore`);
    expect(unit(res, '5.runbooks')?.status).toBe('fail');
    expect(unit(res, '5.runbooks')?.findings[0]!.message).toContain(`expired on ${shift(-1)}`);
    expect(unit(res, '5.dashboards')?.status).toBe('fail');
    expect(unit(res, '5.dashboards')?.findings[0]!.message).toContain(`after today (${today})`);
    expect(res.inputs).toContainEqual({ kind: 'attestations', file: 'prodready.attestations.yaml' });
  });

  it('an expired attestation can be waived like any failure', () => {
    const dir = project({
      'att.yaml': ['attestations:', entry('5.runbooks', shift(-200), shift(-1))].join('\n'),
      '.prodready.yaml': ['waivers:', '  - rule: 5.runbooks', '    by: Carol', '    reason: game day next week', `    until: ${shift(7)}`, ''].join('\n'),
    });
    const r = run(['check', ...READY, '--attestations', 'att.yaml', '-f', 'json'], dir);
    expect(unit(json(r), '5.runbooks')?.status).toBe('waived');
    expect(r.code).toBe(0);
  });

  it('an unknown item exits 2 naming the file, the path and the known ids', () => {
    const dir = project({ 'att.yaml': ['attestations:', entry('4.restore-test', shift(-1), shift(10))].join('\n') });
    const r = run(['check', ...READY, '--attestations', 'att.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('att.yaml: attestations[0].item: unknown item "4.restore-test"; did you mean "4.restore-tested"?');
    for (const i of items) expect(r.stderr).toContain(i.id);
  });

  it('--attestations naming a missing file exits 2', () => {
    const r = run(['check', ...READY, '--attestations', 'nope.yaml'], project({}));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('prodready: error[file-not-found]: attestations file nope.yaml: no such file');
  });

  it('--only of rules leaves the attestable items out', () => {
    const r = run(['check', ...READY, '--only', 'pprof-disabled', '-f', 'json'], project({}));
    expect(json(r).results.map((u) => u.id)).toEqual(['pprof-disabled']);
  });
});
