// The built CLI, end to end: stdout, stderr and the exit code, as a user or CI sees them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT as root, run } from '../helpers/cli.js';

const READY = ['--values', 'fixtures/ready/values.yaml', '--env', 'fixtures/ready/prod.env', '--manifests', 'fixtures/ready/rendered.yaml'];
const BROKEN = ['--values', 'fixtures/broken/values.yaml', '--env', 'fixtures/broken/prod.env', '--manifests', 'fixtures/broken/rendered.yaml', '--environment', 'production'];

describe('prodready check', () => {
  it('passes the ready fixture with exit 0 and a sectioned report', () => {
    const r = run(['check', ...READY]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1\) Tenancy and authentication/m);
    expect(r.stdout).toMatch(/^READY /m);
    expect(r.stdout).not.toMatch(/FAIL/);
  });

  it('fails the broken fixture: exactly the rules it breaks, each at its file and line', () => {
    const r = run(['check', ...BROKEN, '--format', 'json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { results: Array<{ id: string; status: string; findings: Array<{ location?: { file?: string; line?: number } }> }> };
    const failing = Object.fromEntries(
      result.results.filter((x) => x.status === 'fail' || x.status === 'warn').map((x) => [x.id, x.findings.map((f) => `${f.location?.file ?? ''}:${f.location?.line ?? ''}`)]),
    );
    expect(failing).toEqual({
      'algo-version-set': ['fixtures/broken/values.yaml:2'],
      'api-key-hash-secret': ['fixtures/broken/values.yaml:18'],
      'artifact-manifest-template': ['fixtures/broken/values.yaml:2'],
      'artifact-s3-tls': ['fixtures/broken/prod.env:17'],
      'audit-log-enabled': ['fixtures/broken/values.yaml:2'],
      'auth-required': ['fixtures/broken/prod.env:15'],
      'backpressure-configured': ['fixtures/broken/values.yaml:2', 'fixtures/broken/values.yaml:15'],
      'bundled-dev-dependencies-off': ['fixtures/broken/values.yaml:24'],
      'cors-restricted': ['fixtures/broken/values.yaml:2'],
      'database-tls': ['fixtures/broken/values.yaml:24'],
      'database-url-from-secret': ['fixtures/broken/values.yaml:24'],
      'db-row-level-security': ['fixtures/broken/values.yaml:2'],
      'dev-auth-disabled': ['fixtures/broken/values.yaml:9'],
      'docs-disabled': ['fixtures/broken/prod.env:11'],
      'duplicate-key': ['fixtures/broken/prod.env:3'],
      'experiment-config-valid': ['fixtures/broken/prod.env:12'],
      'experiment-salt': ['fixtures/broken/values.yaml:2'],
      'explain-requires-admin': ['fixtures/broken/prod.env:9'],
      'exposure-hash-salt': ['fixtures/broken/values.yaml:14'],
      'exposure-retention-set': ['fixtures/broken/values.yaml:2'],
      'health-probes-wired': ['fixtures/broken/prod.env:14', 'fixtures/broken/prod.env:14'],
      'image-pinned': ['fixtures/broken/values.yaml:6'],
      'insecure-jwks-disabled': ['fixtures/broken/values.yaml:10'],
      'jwks-host-allowlisted': ['fixtures/broken/values.yaml:2'],
      'jwks-https': ['fixtures/broken/prod.env:4'],
      'jwt-config-complete': ['fixtures/broken/values.yaml:2', 'fixtures/broken/values.yaml:2'],
      'jwt-dev-bypasses-disabled': ['fixtures/broken/prod.env:5'],
      'manifest-ttl-bounded': ['fixtures/broken/prod.env:10'],
      'metrics-scraped': ['fixtures/broken/values.yaml:2'],
      'migrate-on-start-disabled': ['fixtures/broken/values.yaml:2'],
      'migration-job-present': ['fixtures/broken/rendered.yaml:11'],
      'pipelines-scheduled': ['fixtures/broken/values.yaml:2'],
      'placeholder-secret': ['fixtures/broken/values.yaml:18', 'fixtures/broken/values.yaml:24'],
      'pprof-disabled': ['fixtures/broken/values.yaml:11'],
      'production-env': ['fixtures/broken/values.yaml:8'],
      'rate-limit-no-bypass': ['fixtures/broken/prod.env:2', 'fixtures/broken/prod.env:8'],
      'rbac-roles-distinct': ['fixtures/broken/prod.env:7'],
      'replicas-ha': ['fixtures/broken/values.yaml:3'],
      'resources-set': ['fixtures/broken/values.yaml:2'],
      'runs-as-numeric-user': ['fixtures/broken/values.yaml:2'],
      'secret-in-configmap': ['fixtures/broken/values.yaml:14', 'fixtures/broken/values.yaml:24'],
      'service-starts': [
        'fixtures/broken/prod.env:2',
        'fixtures/broken/prod.env:12',
        'fixtures/broken/prod.env:14',
        'fixtures/broken/values.yaml:2',
        'fixtures/broken/values.yaml:2',
        'fixtures/broken/values.yaml:9',
        'fixtures/broken/values.yaml:15',
      ],
      'serving-mode-explicit': ['fixtures/broken/values.yaml:2'],
      'tenant-claim-required': ['fixtures/broken/prod.env:6'],
      'tracing-configured': ['fixtures/broken/values.yaml:2'],
      'unknown-variable': ['fixtures/broken/values.yaml:16'],
      'unquoted-helm-value': ['fixtures/broken/values.yaml:9', 'fixtures/broken/values.yaml:15'],
      'value-parses': ['fixtures/broken/prod.env:2', 'fixtures/broken/values.yaml:15'],
      'writable-log-paths': ['fixtures/broken/prod.env:13'],
    });
  });

  it('reads manifests from stdin', () => {
    const r = run(['check', '--manifests', '-', '--only', 'migration-job-present'], readFileSync(join(root, 'fixtures/ready/rendered.yaml'), 'utf8'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS {2}migration-job-present/);
  });

  it('writes json to a file with --output and the text stays off stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-out-'));
    const out = join(dir, 'report.json');
    const r = run(['check', '--values', 'fixtures/ready/values.yaml', '--values', 'fixtures/broken/values.yaml', '--format', 'json', '--output', out]);
    expect(r.stdout).toBe('');
    const report = JSON.parse(readFileSync(out, 'utf8')) as { schemaVersion: string; inputs: unknown[] };
    expect(report.schemaVersion).toBe('1.0');
    expect(report.inputs).toHaveLength(2);
    expect(r.code).toBe(1);
  });

  it('a missing file is one line with a stable code and exit 2', () => {
    const r = run(['check', '--values', 'missing.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('prodready: error[file-not-found]: missing.yaml: no such file');
  });

  it('an unknown option is exit 2 with a suggestion, no stack', () => {
    const r = run(['check', '--valuse', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--valuse'/);
    expect(r.stderr).toMatch(/--values/);
    expect(r.stderr).not.toMatch(/ at /);
  });

  it('an invalid rule file exits 2 naming the file and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-rules-'));
    writeFileSync(
      join(dir, 'my-rule.yaml'),
      'id: my-rule\nsection: 1\nsevrity: error\ntitle: t\ndescription: d\ncheck: forbidden-value\nparams: {variable: LOG_LEVEL, forbidden: [debug], why: noisy}\nremediation: Set LOG_LEVEL to info.\n',
    );
    const r = run(['check', '--values', 'fixtures/ready/values.yaml', '--rules', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[invalid-rule-definition\]/);
    expect(r.stderr).toMatch(/my-rule\.yaml: \(root\): Unrecognized key: "sevrity"|my-rule\.yaml: .*sevrity/);
    expect(r.stderr).toMatch(/severity/);
  });

  it('a YAML syntax error in a values file is a fatal finding with its line, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-bad-'));
    const file = join(dir, 'values.yaml');
    writeFileSync(file, 'api:\n  env:\n    ENV: "production\n    LOG_LEVEL: info\n');
    const r = run(['check', '--values', file, '--format', 'json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { fatal: Array<{ location: { file: string; line: number }; fatal: boolean }> };
    expect(result.fatal).toHaveLength(1);
    expect(result.fatal[0]!.location.file).toBe(file);
    expect(result.fatal[0]!.location.line).toBeGreaterThanOrEqual(3);
  });

  it('a user rule pack adds a rule with no code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-rules-'));
    writeFileSync(
      join(dir, 'acme-no-debug.yaml'),
      'id: acme-no-debug\nsection: 2\nseverity: warn\ntitle: No debug logs\ndescription: Debug logs carry request bodies.\ncheck: forbidden-value\nparams: {variable: LOG_LEVEL, forbidden: [debug], why: debug logs carry request bodies}\nremediation: Set LOG_LEVEL to info in api.env.\n',
    );
    const env = join(dir, 'x.env');
    writeFileSync(env, 'LOG_LEVEL=DEBUG\n');
    const r = run(['check', '--env', env, '--rules', dir, '--only', 'acme-no-debug', '--fail-on', 'warn']);
    expect(r.stdout).toMatch(/WARN {2}acme-no-debug/);
    expect(r.code).toBe(1);
  });
});

describe('prodready rules and explain', () => {
  it('lists every rule with section and severity', () => {
    const r = run(['rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dev-auth-disabled\s+1\s+error\s+Dev header auth is off$/m);
  });
  it('explains a rule', () => {
    const r = run(['explain', 'dev-auth-disabled']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Fix: Set DEV_AUTH_ENABLED/);
  });
  it('suggests the nearest rule id', () => {
    const r = run(['explain', 'dev-auth-disable']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did you mean "dev-auth-disabled"/);
  });
});
