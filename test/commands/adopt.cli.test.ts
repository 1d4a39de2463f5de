// Adopting the gate on a deployment that is not clean yet, through the built CLI: inline suppressions, the
// findings baseline (single and fleet), --quiet, --max-warnings and the fleet progress line.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ROOT, runAsync } from '../helpers/cli.js';
import { compileSarifSchema, multitoolValidate } from '../helpers/sarif-validate.js';

const FILES = ['--values', 'values.yaml', '--env', 'prod.env', '--manifests', 'rendered.yaml'];
const DOCS = ['--docs-url', 'https://docs.example.com/prodready/rules/'];

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'prodready-adopt-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A fresh copy of fixtures/broken in its own folder (outside any git checkout, so paths start there). */
function brokenCopy(name: string): string {
  const dir = join(base, name);
  cpSync(join(ROOT, 'fixtures/broken'), dir, { recursive: true });
  return dir;
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text, `${file} holds ${from}`).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

function check(dir: string, args: string[], env: Record<string, string> = {}) {
  return runAsync(['check', ...args], { cwd: dir, env: { CI: '', ...env }, timeoutMs: 60_000 });
}

type Json = { results: Array<{ id: string; status: string; findings: Array<{ ruleId: string; status: string; messageId: string; location?: { file?: string; line?: number }; waiver?: Record<string, string> }> }>; summary: any };

function findings(result: Json, ruleId: string) {
  return result.results.flatMap((u) => u.findings).filter((f) => f.ruleId === ruleId);
}

describe('inline suppressions', () => {
  // Inside the default expiry horizon (thresholds.maxExpiryDays, 365 days) whenever the test runs.
  const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  let dir: string;
  beforeAll(() => {
    dir = brokenCopy('suppress');
    // values.yaml: the line above (with a date), on the line, a file directive, one without reason, one expired.
    edit(join(dir, 'values.yaml'), '    DEV_AUTH_ENABLED: yes\n', `    # prodready-ignore dev-auth-disabled: staging mirror until SSO lands, until ${until}\n    DEV_AUTH_ENABLED: yes\n`);
    edit(join(dir, 'values.yaml'), '    PPROF_ENABLED: "true"\n', '    PPROF_ENABLED: "true" # prodready-ignore pprof-disabled\n');
    edit(join(dir, 'values.yaml'), '    tag: latest\n', '    tag: latest  # prodready-ignore image-pinned: tracked in OPS-12 until 2020-01-01\n');
    edit(join(dir, 'values.yaml'), '# A deployment', '# prodready-ignore-file replicas-ha: one replica on purpose in staging\n# A deployment');
    // prod.env: on the line, a rule that does not exist, one that matches nothing on the line below.
    edit(join(dir, 'prod.env'), 'AUTH_REQUIRED=false', 'AUTH_REQUIRED=false # prodready-ignore auth-required: public demo\n# prodready-ignore no-such-rule: typo\n# prodready-ignore jwks-https: nothing fails below');
    // rendered.yaml: the annotation, two entries (the second with an impossible date).
    edit(
      join(dir, 'rendered.yaml'),
      '  name: recsys-migrate\n',
      '  name: recsys-migrate\n  annotations:\n    prodready.io/ignore: "migration-job-present: the app migrates on start; image-pinned: x until 2020-13-01"\n',
    );
  });

  it('waives what they name with their reason, and warns at file:line about those that suppress nothing', async () => {
    const r = await check(dir, [...FILES, '-f', 'json']);
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout) as Json;
    const dev = findings(json, 'dev-auth-disabled');
    expect(dev).toHaveLength(1);
    expect(dev[0]!.status).toBe('waived');
    expect(dev[0]!.waiver).toEqual({ by: 'values.yaml:10', reason: 'staging mirror until SSO lands', until, source: 'inline' });
    expect(findings(json, 'auth-required')[0]!.waiver).toMatchObject({ by: 'prod.env:15', reason: 'public demo', source: 'inline' });
    expect(findings(json, 'replicas-ha')[0]!.waiver).toMatchObject({ by: 'values.yaml:1', reason: 'one replica on purpose in staging' });
    expect(findings(json, 'migration-job-present')[0]!.waiver).toMatchObject({ by: 'rendered.yaml:7', reason: 'the app migrates on start' });
    // No reason: nothing suppressed. Expired: nothing suppressed, and the finding says so.
    expect(findings(json, 'pprof-disabled')[0]!.status).toBe('fail');
    const image = findings(json, 'image-pinned')[0]!;
    expect(image.status).toBe('fail');
    expect((image as any).evidence).toContain('the suppression at values.yaml:7 expired on 2020-01-01');

    const troubles = findings(json, 'inline-suppression').map((f) => [f.messageId, `${f.location?.file}:${f.location?.line}`, f.status]);
    expect(troubles.sort()).toEqual(
      [
        ['badDate', 'rendered.yaml:7', 'warn'],
        ['expired', 'values.yaml:7', 'warn'],
        ['missingReason', 'values.yaml:13', 'warn'],
        ['unknownRule', 'prod.env:16', 'warn'],
        ['unused', 'prod.env:17', 'warn'],
      ].sort(),
    );
    // The suppression warnings do not fail a gate at --fail-on error by themselves; the rest of broken does.
    expect(r.code).toBe(1);
  }, 60_000);

  it('shows the reason in every format, and SARIF marks them inSource in a log GitHub accepts', async () => {
    const out = join(dir, 'out');
    const formats = ['text', 'markdown', 'html', 'junit', 'github'];
    const r = await check(dir, [...FILES, ...DOCS, '-f', 'sarif', '-o', 'out/r.sarif', ...formats.flatMap((f) => ['-f', f, '-o', `out/r.${f}`])]);
    expect(r.code).toBe(1);
    for (const f of formats) expect(readFileSync(join(out, `r.${f}`), 'utf8'), f).toContain('staging mirror until SSO lands');
    expect(readFileSync(join(out, 'r.text'), 'utf8')).toContain(`suppressed at values.yaml:10 until ${until}: staging mirror until SSO lands`);

    const sarifFile = join(out, 'r.sarif');
    expect(multitoolValidate([sarifFile])).toEqual([]);
    const log = JSON.parse(readFileSync(sarifFile, 'utf8'));
    const validate = compileSarifSchema();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = log.runs[0].results as any[];
    const dev = results.find((x) => x.ruleId === 'dev-auth-disabled');
    expect(dev.suppressions).toEqual([
      expect.objectContaining({ kind: 'inSource', status: 'accepted', justification: expect.stringContaining('staging mirror until SSO lands') }),
    ]);
    expect(results.find((x) => x.ruleId === 'migration-job-present').suppressions[0].kind).toBe('inSource');
    const unused = results.filter((x) => x.ruleId === 'inline-suppression');
    expect(unused.map((x) => x.level)).toEqual(['warning', 'warning', 'warning', 'warning', 'warning']);
    expect(log.runs[0].tool.driver.rules.some((x: any) => x.id === 'inline-suppression')).toBe(true);
  }, 120_000);

  it('a config waiver and a suppression of the same finding: the waiver is shown and neither is stale', async () => {
    const d = brokenCopy('suppress-and-waive');
    edit(join(d, 'values.yaml'), '    DEV_AUTH_ENABLED: yes\n', '    DEV_AUTH_ENABLED: yes # prodready-ignore dev-auth-disabled: mirror\n');
    // Config waivers may run at most a year ahead.
    const soon = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    writeFileSync(join(d, '.prodready.yaml'), `waivers:\n  - rule: dev-auth-disabled\n    by: alice\n    reason: pilot\n    until: "${soon}"\n`);
    const r = await check(d, [...FILES, '-f', 'json']);
    const json = JSON.parse(r.stdout) as Json;
    expect(findings(json, 'dev-auth-disabled')[0]!.waiver).toMatchObject({ by: 'alice', reason: 'pilot' });
    expect(findings(json, 'stale-waiver')).toEqual([]);
    expect(findings(json, 'inline-suppression')).toEqual([]);
  }, 60_000);
});

describe('inline suppressions past the expiry horizon (thresholds.maxExpiryDays)', () => {
  /** The ready fixture with AUTH_REQUIRED=false added to prod.env and suppressed on its line. */
  function readyWithSuppression(name: string, suppression: string): string {
    const dir = join(base, name);
    cpSync(join(ROOT, 'fixtures/ready'), dir, { recursive: true });
    writeFileSync(join(dir, 'prod.env'), `${readFileSync(join(dir, 'prod.env'), 'utf8')}AUTH_REQUIRED=false # prodready-ignore auth-required: ${suppression}\n`);
    return dir;
  }
  const line = (dir: string) => readFileSync(join(dir, 'prod.env'), 'utf8').split('\n').length - 1;

  it('until 2099-01-01 suppresses nothing: NOT READY, and the report names the file, line and the limit', async () => {
    const dir = readyWithSuppression('horizon-far', 'public demo tenant until 2099-01-01');
    const r = await check(dir, FILES);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NOT READY /m);
    expect(r.stdout).toContain(`prod.env:${line(dir)}: prodready-ignore auth-required suppresses nothing: until 2099-01-01 is more than 365 days after today (latest `);
    const json = JSON.parse((await check(dir, [...FILES, '-f', 'json'])).stdout) as Json;
    expect(findings(json, 'auth-required').map((f) => f.status)).toEqual(['fail']);
    expect(findings(json, 'inline-suppression').map((f) => [f.messageId, `${f.location?.file}:${f.location?.line}`])).toEqual([['tooFarAhead', `prod.env:${line(dir)}`]]);
  }, 60_000);

  it('within the horizon, or without until, the same suppression holds: READY', async () => {
    const soon = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    for (const [name, text] of [['horizon-near', `public demo tenant until ${soon}`], ['horizon-undated', 'public demo tenant']] as const) {
      const dir = readyWithSuppression(name, text);
      const r = await check(dir, [...FILES, '-f', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as Json;
      expect(json.summary.verdict).toBe('ready');
      expect(findings(json, 'auth-required')[0]!.waiver).toMatchObject({ reason: 'public demo tenant', source: 'inline' });
      expect(findings(json, 'inline-suppression')).toEqual([]);
    }
  }, 60_000);
});

describe('findings baseline', () => {
  it('records the failing findings, then fails only on new ones, keeps matching when lines move, and reports the gone', async () => {
    const dir = brokenCopy('baseline');
    const first = await check(dir, [...FILES, '--write-baseline', 'ci/baseline.json', '-f', 'json']);
    expect(first.code).toBe(1);
    const text = readFileSync(join(dir, 'ci/baseline.json'), 'utf8');
    const file = JSON.parse(text);
    expect(file.version).toBe(1);
    expect(file.tool).toBe('prodready');
    const failing = (JSON.parse(first.stdout) as Json).results.flatMap((u) => u.findings).filter((f) => f.status === 'fail' || f.status === 'warn');
    expect(file.findings).toHaveLength(failing.length);
    for (const e of file.findings) expect(Object.keys(e).sort()).toEqual(['file', 'fingerprint', 'messageId', 'ruleId']);
    const keys = file.findings.map((e: any) => `${e.file}\u0000${e.ruleId}\u0000${e.fingerprint}`);
    expect(keys).toEqual([...keys].sort());

    // Unchanged: everything in the baseline, ready.
    const same = await check(dir, [...FILES, '--baseline-findings', 'ci/baseline.json', '-f', 'json']);
    expect(same.code).toBe(0);
    const sameJson = JSON.parse(same.stdout) as Json;
    expect(sameJson.summary.verdict).toBe('ready');
    const waived = sameJson.results.flatMap((u) => u.findings).filter((f) => f.status === 'waived');
    expect(waived.length).toBe(failing.length);
    expect(waived.every((f) => f.waiver?.reason === 'in baseline' && f.waiver.source === 'baseline')).toBe(true);

    // Lines inserted above everything, one finding fixed, one new finding.
    edit(join(dir, 'values.yaml'), 'api:\n', '# a new comment line\n\napi:\n');
    edit(join(dir, 'values.yaml'), 'DEV_AUTH_ENABLED: yes', 'DEV_AUTH_ENABLED: "false"');
    edit(join(dir, 'prod.env'), 'LOG_LEVEL=info\n', 'LOG_LEVEL=info\nDOCS_ENABLED=true\n');
    const later = await check(dir, [...FILES, '--baseline-findings', 'ci/baseline.json', '-f', 'json']);
    expect(later.code).toBe(1);
    const laterJson = JSON.parse(later.stdout) as Json;
    const failingNow = laterJson.results.flatMap((u) => u.findings).filter((f) => f.status === 'fail');
    expect(failingNow.map((f) => [f.ruleId, f.messageId])).toEqual([['duplicate-key', 'duplicate']]);
    const gone = findings(laterJson, 'baseline-entry-gone');
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.every((f) => f.status === 'warn' && f.location?.file === 'ci/baseline.json' && (f.location.line ?? 0) > 4)).toBe(true);
    expect(gone.map((f) => (f as any).data.rule)).toContain('dev-auth-disabled');

    // Rules that did not run and files that do not parse make no entry "gone": they were not judged again.
    const only = await check(dir, [...FILES, '--baseline-findings', 'ci/baseline.json', '--only', 'duplicate-key', '-f', 'json']);
    expect(findings(JSON.parse(only.stdout) as Json, 'baseline-entry-gone')).toEqual([]);
    writeFileSync(join(dir, 'broken.yaml'), 'a: [unclosed\n');
    const unreadable = await check(dir, [...FILES, '--values', 'broken.yaml', '--baseline-findings', 'ci/baseline.json', '-f', 'json']);
    expect(unreadable.code).toBe(1);
    const unreadableJson = JSON.parse(unreadable.stdout) as Json & { fatal: unknown[] };
    expect(unreadableJson.fatal).toHaveLength(1);
    expect(findings(unreadableJson, 'baseline-entry-gone')).toEqual([]);

    // The baseline's fingerprints are the ones SARIF shows for the same run.
    const sarif = await check(dir, [...FILES, '-f', 'sarif', '-o', 'r.sarif', '--write-baseline', 'now.json']);
    expect(sarif.code).toBe(1);
    const prints = new Set((JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')).runs[0].results as any[]).map((x) => x.partialFingerprints['prodready/v2']));
    const now = JSON.parse(readFileSync(join(dir, 'now.json'), 'utf8'));
    for (const e of now.findings) expect(prints.has(e.fingerprint)).toBe(true);
  }, 120_000);

  it('SARIF of a baselined run is accepted, with external suppressions', async () => {
    const dir = brokenCopy('baseline-sarif');
    await check(dir, [...FILES, '--write-baseline', 'b.json']);
    const r = await check(dir, [...FILES, ...DOCS, '--baseline-findings', 'b.json', '-f', 'sarif', '-o', 'r.sarif']);
    expect(r.code).toBe(0);
    const file = join(dir, 'r.sarif');
    expect(multitoolValidate([file])).toEqual([]);
    const results = JSON.parse(readFileSync(file, 'utf8')).runs[0].results as any[];
    const suppressed = results.filter((x) => x.suppressions);
    expect(suppressed.length).toBeGreaterThan(10);
    expect(suppressed.every((x) => x.suppressions[0].kind === 'external' && x.suppressions[0].justification.startsWith('in baseline'))).toBe(true);
  }, 120_000);

  it('works in fleet mode: one file for every deployment, each matched to its own entries', async () => {
    const fleet = join(base, 'fleet');
    mkdirSync(fleet);
    cpSync(join(ROOT, 'fixtures/broken'), join(fleet, 'releases/eu'), { recursive: true });
    cpSync(join(ROOT, 'fixtures/broken'), join(fleet, 'releases/us'), { recursive: true });
    const write = await runAsync(['check', '--each', 'releases/*', '--write-baseline', 'fleet-baseline.json'], { cwd: fleet, env: { CI: '' } });
    expect(write.code).toBe(1);
    const file = JSON.parse(readFileSync(join(fleet, 'fleet-baseline.json'), 'utf8'));
    const deployments = new Set(file.findings.map((e: any) => e.deployment));
    expect([...deployments].sort()).toEqual(['releases/eu', 'releases/us']);
    // A new problem in one deployment: only that one is not ready.
    edit(join(fleet, 'releases/us/prod.env'), 'LOG_LEVEL=info\n', 'LOG_LEVEL=info\nDOCS_ENABLED=true\n');
    const gate = await runAsync(['check', '--each', 'releases/*', '--baseline-findings', 'fleet-baseline.json'], { cwd: fleet, env: { CI: '' } });
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/releases\/eu\s+ready/);
    expect(gate.stdout).toMatch(/releases\/us\s+not-ready/);
    expect(gate.stdout).toContain('FAIL duplicate-key: DOCS_ENABLED is set twice');
    // The progress line is for a terminal only: piped stderr stays empty.
    expect(gate.stderr).toBe('');
  }, 120_000);

  it('refuses a baseline that is missing or not one, and --baseline without load results (exit 2, one line)', async () => {
    const dir = brokenCopy('baseline-errors');
    writeFileSync(join(dir, 'bad.json'), '{"version": 2, "tool": "prodready", "findings": []}');
    writeFileSync(join(dir, 'notjson.json'), 'nope');
    const cases: Array<[string[], RegExp]> = [
      [['--baseline-findings', 'missing.json'], /^prodready: error\[file-not-found\]: missing\.json/],
      [['--baseline-findings', 'bad.json'], /^prodready: error\[invalid-baseline\]: bad\.json is not a prodready findings baseline/],
      [['--baseline-findings', 'notjson.json'], /^prodready: error\[invalid-baseline\]: notjson\.json is not JSON/],
      [['--baseline', 'last.json'], /^prodready: error\[invalid-option\]: --baseline compares imported load results and needs --load-results/],
      [['--max-regression', '10%'], /^prodready: error\[invalid-option\]: --max-regression needs --baseline/],
      [['--max-warnings', 'many'], /^prodready: error\[invalid-option\]: --max-warnings must be a whole number/],
    ];
    for (const [flags, message] of cases) {
      const r = await check(dir, [...FILES, ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
    // In fleet mode too.
    const fleet = await runAsync(['check', '--each', 'values.yaml', '--baseline', 'last.json'], { cwd: dir });
    expect(fleet.code).toBe(2);
  }, 120_000);
});

describe('fleet progress line', () => {
  // util-linux `script` gives the command a terminal; stdout goes to a file, so what it records is stderr alone.
  const hasScript = existsSync('/usr/bin/script');
  it.skipIf(!hasScript)('shows [n/total] on a terminal\'s stderr, and nothing with CI=true', () => {
    const fleet = join(base, 'progress');
    cpSync(join(ROOT, 'fixtures/broken'), join(fleet, 'releases/eu'), { recursive: true });
    cpSync(join(ROOT, 'fixtures/ready'), join(fleet, 'releases/us'), { recursive: true });
    const cmd = `'${process.execPath}' '${join(ROOT, 'dist/cli.js')}' check --each 'releases/*' > out.txt`;
    const onTerminal = (env: Record<string, string | undefined>) =>
      spawnSync('/usr/bin/script', ['-qec', cmd, '/dev/null'], { cwd: fleet, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env } });
    const tty = onTerminal({ CI: '' });
    expect(tty.stdout).toContain('[1/2] releases/eu');
    expect(tty.stdout).toContain('[2/2] releases/us');
    expect(readFileSync(join(fleet, 'out.txt'), 'utf8')).not.toContain('[1/2]');
    expect(onTerminal({ CI: 'true' }).stdout).not.toContain('[1/2]');
  }, 120_000);
});

describe('--quiet and --max-warnings', () => {
  it('--quiet shows only what fails the gate and the verdict, in text and Markdown', async () => {
    const dir = brokenCopy('quiet');
    const full = await check(dir, [...FILES]);
    const quiet = await check(dir, [...FILES, '--quiet']);
    expect(quiet.code).toBe(full.code);
    expect(full.stdout).toMatch(/^ {2}WARN /m);
    expect(quiet.stdout).not.toMatch(/^ {2}(WARN|PASS|SKIP|TODO|WAIV) /m);
    expect(quiet.stdout).toMatch(/^ {2}FAIL {2}dev-auth-disabled/m);
    expect(quiet.stdout.trimEnd().split('\n').at(-1)).toMatch(/^NOT READY/);
    // With --fail-on warn the warnings shut the gate, so they are shown.
    const warnGate = await check(dir, [...FILES, '-q', '--fail-on', 'warn']);
    expect(warnGate.stdout).toMatch(/^ {2}WARN /m);

    const md = await check(dir, [...FILES, '-q', '-f', 'markdown']);
    expect(md.stdout).toContain('## prodready: ❌ NOT READY');
    expect(md.stdout).toContain('dev-auth-disabled');
    expect(md.stdout).not.toContain('⚠️ warn |');
    expect(md.stdout).not.toContain('### Waivers');
    expect(md.stdout).not.toContain('Evidence');
  }, 60_000);

  it('--max-warnings shuts the gate when the warnings are more than allowed, and says so', async () => {
    const dir = brokenCopy('max-warnings');
    // Only warn-severity rules: no failure, so the warnings alone decide.
    const warnOnly = ['--only', 'cors-restricted,tracing-configured,audit-log-enabled'];
    const base0 = await check(dir, [...FILES, ...warnOnly, '-f', 'json']);
    expect(base0.code).toBe(0);
    const count = (JSON.parse(base0.stdout) as Json).results.flatMap((u) => u.findings).filter((f) => f.status === 'warn').length;
    expect(count).toBeGreaterThan(1);
    const atLimit = await check(dir, [...FILES, ...warnOnly, '--max-warnings', String(count)]);
    expect(atLimit.code).toBe(0);
    const over = await check(dir, [...FILES, ...warnOnly, '--max-warnings', String(count - 1)]);
    expect(over.code).toBe(1);
    expect(over.stdout).toContain(`not ready: ${count} warnings, more than --max-warnings ${count - 1}`);
    expect(over.stderr).toBe(`prodready: ${count} warnings, more than --max-warnings ${count - 1}\n`);
    const json = await check(dir, [...FILES, ...warnOnly, '--max-warnings', '0', '-f', 'json']);
    expect(JSON.parse(json.stdout).summary).toMatchObject({ verdict: 'not-ready', tooManyWarnings: { max: 0, count } });
  }, 60_000);
});

describe('secrets', () => {
  const SECRET = 'CANARYsupprQ7w6E5r4T3y2U1i0OpLk';
  const SALT = 'CANARYsaltZ9x8C7v6B5n4M3';
  it('a suppression beside a secret never makes it print, in any format', async () => {
    const dir = join(base, 'canary');
    cpSync(join(ROOT, 'fixtures/canary'), dir, { recursive: true });
    const values = readFileSync(join(dir, 'values.yaml'), 'utf8');
    const secretsAt = values.indexOf('  secrets:\n');
    expect(secretsAt).toBeGreaterThan(0);
    writeFileSync(
      join(dir, 'values.yaml'),
      `${values.slice(0, secretsAt)}  secrets:\n    # prodready-ignore api-key-hash-secret\n    API_KEY_HASH_SECRET: "${SECRET}" # prodready-ignore secret-in-configmap, placeholder-secret: no such problem here\n${values.slice(secretsAt + '  secrets:\n'.length).replace(/^ {4}API_KEY_HASH_SECRET:.*\n/m, '')}`,
    );
    writeFileSync(join(dir, 'prod.env'), `${readFileSync(join(dir, 'prod.env'), 'utf8')}\nEXPOSURE_HASH_SALT="${SALT}" # prodready-ignore exposure-hash-salt until 2999-01-01\n# prodready-ignore-file value-parses: ${'x'.repeat(5)}\n`);
    const formats = ['json', 'sarif', 'junit', 'markdown', 'html', 'github'];
    const r = await check(dir, ['--values', 'values.yaml', '--env', 'prod.env', '--manifests', 'rendered.yaml', '-v', ...formats.flatMap((f) => ['-f', f, '-o', `out/r.${f}`]), '-f', 'text', '-o', 'out/r.text', '--write-baseline', 'out/b.json']);
    expect([0, 1], r.stderr).toContain(r.code);
    const texts = [r.stdout, r.stderr, ...readdirSync(join(dir, 'out')).map((f) => readFileSync(join(dir, 'out', f), 'utf8'))];
    for (const secret of [SECRET, SALT]) {
      for (const t of texts) for (let i = 0; i + 8 <= secret.length; i++) expect(t).not.toContain(secret.slice(i, i + 8));
    }
    // The directives were read: the misplaced file directive and the reasonless one are reported.
    const text = readFileSync(join(dir, 'out/r.text'), 'utf8');
    expect(text).toContain('prodready-ignore api-key-hash-secret suppresses nothing');
    expect(text).toContain('prodready-ignore-file must be among the comments at the top of the file');
  }, 60_000);
});
