import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../../src/engine/target.js';
import { UserError } from '../../src/core/errors.js';
import { modelWithEnv } from '../helpers/probe-context.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'prodready-target-'));
const SECRET_DSN = 'postgres://app:dsn-secret-123@db:5432/recsys?sslmode=require';

function parse(argv: string[]): TargetOptions {
  const cmd = addTargetOptions(new Command('probe').exitOverride().configureOutput({ writeErr: () => {} }));
  cmd.parse(argv, { from: 'user' });
  return cmd.opts<TargetOptions>();
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('addTargetOptions', () => {
  it('declares the flags with tenant defaulting to demo', () => {
    const o = parse(['--target', 'http://127.0.0.1:8000', '--dev-headers', '--expect-migration', '20240101000000']);
    expect(o).toMatchObject({ target: 'http://127.0.0.1:8000', devHeaders: true, tenant: 'demo', expectMigration: '20240101000000' });
  });
  it('has no flag taking a DSN value', () => {
    expect(() => parse(['--database-url', SECRET_DSN])).toThrow();
  });
});

describe('resolveTarget', () => {
  it('reads the DSN from the named env var and says so without the value', () => {
    const t = resolveTarget(parse(['--database-url-env', 'PROBE_DSN']), { PROBE_DSN: SECRET_DSN });
    expect(t.databaseUrl).toBe(SECRET_DSN);
    expect(t.databaseUrlSource).toBe('--database-url-env PROBE_DSN');
  });

  it('reads the DSN from a file, trimmed', () => {
    const file = path.join(dir, 'dsn');
    writeFileSync(file, `${SECRET_DSN}\n`);
    const t = resolveTarget(parse(['--database-url-file', file]), {});
    expect(t.databaseUrl).toBe(SECRET_DSN);
    expect(t.databaseUrlSource).toBe(`--database-url-file ${file}`);
  });

  it('fails with one clear line for an unset env var, a missing file, both DSN sources', () => {
    const unset = userError(() => resolveTarget(parse(['--database-url-env', 'NOPE']), {}));
    expect(unset.code).toBe('missing-input');
    expect(unset.format()).toBe('prodready: error[missing-input]: environment variable NOPE (named by --database-url-env) is not set or empty');
    const missing = userError(() => resolveTarget(parse(['--database-url-file', path.join(dir, 'absent')]), {}));
    expect(missing.code).toBe('file-not-found');
    const both = userError(() => resolveTarget(parse(['--database-url-env', 'A', '--database-url-file', 'b']), { A: 'x' }));
    expect(both.code).toBe('invalid-option');
  });

  it('never puts a secret in an error message', () => {
    const e = userError(() => resolveTarget(parse(['--bearer-token-env', 'eyJhbGciOi.abc.def']), {}));
    expect(e.code).toBe('invalid-option');
    expect(e.message).not.toContain('eyJhbGciOi');
  });

  it('builds auth headers like the load-test harness: bearer, API key (header from the model), dev headers', () => {
    const env = { TOKEN: 'Bearer tok-123', KEY: 'key-456' };
    const model = modelWithEnv({ API_KEY_HEADER: 'X-Recsys-Key', DEV_AUTH_TENANT_HEADER: 'X-Dev-Tenant' });
    const t = resolveTarget(parse(['--bearer-token-env', 'TOKEN', '--api-key-env', 'KEY', '--dev-headers', '--tenant', 'acme']), env, model);
    expect(t.tenant).toBe('acme');
    expect(t.authHeaders).toEqual({
      Authorization: 'Bearer tok-123',
      'X-Recsys-Key': 'key-456',
      'X-Dev-User-Id': 'prodready-probe',
      'X-Dev-Tenant': 'acme',
    });
    const plain = resolveTarget(parse(['--api-key-env', 'KEY']), env);
    expect(plain.authHeaders).toEqual({ 'X-API-Key': 'key-456' });
  });

  it('falls back to JWT_JWKS_URL and JWT_ISSUER from the model when the flags are absent', () => {
    const model = modelWithEnv({ JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'https://idp.example/' });
    expect(resolveTarget(parse([]), {}, model)).toMatchObject({ jwksUrl: 'https://idp.example/jwks', issuer: 'https://idp.example/' });
    const flagged = resolveTarget(parse(['--jwks-url', 'https://other.example/keys']), {}, model);
    expect(flagged.jwksUrl).toBe('https://other.example/keys');
  });

  it('reads a CA file and rejects one without a certificate', () => {
    const good = path.join(dir, 'ca.pem');
    writeFileSync(good, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(resolveTarget(parse(['--ca-file', good]), {}).caPem).toContain('BEGIN CERTIFICATE');
    const bad = path.join(dir, 'bad.pem');
    writeFileSync(bad, 'not a cert');
    expect(userError(() => resolveTarget(parse(['--ca-file', bad]), {})).code).toBe('invalid-option');
  });

  it('rejects a bad target URL, credentials in it, and a non-numeric migration', () => {
    expect(userError(() => resolveTarget(parse(['--target', 'ftp://x']), {})).code).toBe('invalid-option');
    const creds = userError(() => resolveTarget(parse(['--target', 'https://u:pw-in-url@x']), {}));
    expect(creds.message).not.toContain('pw-in-url');
    expect(userError(() => resolveTarget(parse(['--expect-migration', 'latest']), {})).code).toBe('invalid-option');
  });
});

describe('a value given where a variable name belongs', () => {
  it('is not echoed when it does not look like a variable name', () => {
    const token = 'abcDEF1234567890secretish';
    let message = '';
    try {
      resolveTarget({ bearerTokenEnv: token }, {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('--bearer-token-env');
    expect(message).not.toContain(token);
  });
});
