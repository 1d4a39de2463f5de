// Known secret values go in; no report format, finding, message or piece of evidence may carry them out.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');

const SECRETS = {
  apiKeyHash: 'changeme',
  exposureSalt: 'Zx81-exposure-salt-QwPl',
  experimentSalt: 'Kq7short',
  dbPassword: 'Pg-s3cret-Vn48XwLq',
  s3Secret: 'S3key-Hb29Rt77Mz',
  s3SecretNumber: '73519046285',
  envFileSalt: 'EnvFile-Salt-9fJ2kQ',
};

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('secrets never leave the tool', () => {
  let args: string[];
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-secrets-'));
    writeFileSync(
      join(dir, 'values.yaml'),
      [
        'api:',
        '  env:',
        '    ENV: "production"',
        '    API_KEY_ENABLED: "true"',
        '    EXPOSURE_LOG_ENABLED: "true"',
        `    EXPOSURE_HASH_SALT: "${SECRETS.exposureSalt}"`,
        `    DATABASE_URL: "postgres://recsys:${SECRETS.dbPassword}@db.internal:5432/recsys?sslmode=disable"`,
        `    RECSYS_ARTIFACT_S3_SECRET_KEY: ${SECRETS.s3SecretNumber}`,
        '  secrets:',
        `    API_KEY_HASH_SECRET: "${SECRETS.apiKeyHash}"`,
        `    EXPERIMENT_ASSIGNMENT_SALT: "${SECRETS.experimentSalt}"`,
        `    RECSYS_ARTIFACT_S3_ACCESS_KEY: "${SECRETS.s3Secret}"`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'prod.env'), `EXPOSURE_HASH_SALT=${SECRETS.envFileSalt}\nEXPOSURE_HASH_SALT=${SECRETS.envFileSalt}x\n`);
    args = ['check', '--values', join(dir, 'values.yaml'), '--env', join(dir, 'prod.env')];
  });

  it('the deployment fails the secret rules, so the secrets were really judged', () => {
    const r = run([...args, '--format', 'json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { results: Array<{ id: string; status: string; findings: Array<{ messageId: string }> }> };
    const status = Object.fromEntries(result.results.map((x) => [x.id, x.status]));
    expect(status['api-key-hash-secret']).toBe('fail');
    expect(status['placeholder-secret']).toBe('fail');
    expect(status['experiment-salt']).toBe('fail');
    expect(status['secret-in-configmap']).toBe('fail');
    expect(status['database-tls']).toBe('warn');
    expect(status['unquoted-helm-value']).toBe('warn');
    expect(status['duplicate-key']).toBe('fail');
  });

  for (const format of ['text', 'json']) {
    it(`no secret value appears in the ${format} report, evidence included`, () => {
      const r = run([...args, '--format', format, '--verbose']);
      expect(r.stderr).toBe('');
      expect(r.stdout.length).toBeGreaterThan(500);
      for (const [name, value] of Object.entries(SECRETS)) {
        expect(r.stdout.includes(value), `${name} leaked in ${format}`).toBe(false);
      }
      // The DSN is still shown, its password masked as every report masks it.
      expect(r.stdout).toContain('postgres://recsys:****@db.internal:5432/recsys?sslmode=disable');
    });
  }
});

describe('a secret expanded into another value by the service', () => {
  it('is not shown where that value is: the variable reading it is a non-secret one that rules quote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-secrets-expanded-'));
    // An 8-character salt: short enough that its bare text is not masked in free text, only where it is quoted.
    const salt = 'Qv7short';
    writeFileSync(
      join(dir, 'prod.env'),
      ['ENV=production', `EXPOSURE_HASH_SALT=${salt}`, 'CORS_MAX_AGE=${EXPOSURE_HASH_SALT}', 'LOG_LEVEL=debug-${EXPOSURE_HASH_SALT}', ''].join('\n'),
    );
    for (const format of ['text', 'json', 'sarif', 'markdown', 'junit']) {
      const r = run(['check', '--env', join(dir, 'prod.env'), '--format', format, '--verbose']);
      expect(r.stderr).toBe('');
      expect(r.stdout.length).toBeGreaterThan(500);
      expect(r.stdout.includes(salt), `the salt leaked in ${format}`).toBe(false);
    }
    // It was judged as the service reads it: CORS_MAX_AGE expands to the salt, which is no int.
    const json = JSON.parse(run(['check', '--env', join(dir, 'prod.env'), '--format', 'json']).stdout) as { results: Array<{ id: string; status: string }> };
    expect(json.results.find((u) => u.id === 'value-parses')!.status).toBe('fail');
  });
});
