import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../../src/engine/target.js';
import { userError } from '../helpers/user-error.js';
import { modelWithEnv } from '../helpers/probe-context.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'prodready-target-'));
const SECRET_DSN = 'postgres://app:dsn-secret-123@db:5432/recsys?sslmode=require';

function parse(argv: string[]): TargetOptions {
  const cmd = addTargetOptions(new Command('probe').exitOverride().configureOutput({ writeErr: () => {} }));
  cmd.parse(argv, { from: 'user' });
  return cmd.opts<TargetOptions>();
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

describe('resolveTarget: the DSN is parsed before anything connects', () => {
  it('takes a key=value DSN', () => {
    const dsn = "host=db.internal port=5432 user=recsys password='kv secret 1' dbname=recsys sslmode=verify-full";
    expect(resolveTarget(parse(['--database-url-env', 'PROBE_DSN']), { PROBE_DSN: dsn }).databaseUrl).toBe(dsn);
  });

  it('refuses an unknown keyword or a malformed DSN in one coded line, without the password', () => {
    for (const [dsn, code] of [
      ['host=db password=kvsecret99 bogus=1', 'dsn-unknown-keyword'],
      ["host=db password='kvsecret99", 'dsn-malformed'],
      ['postgres://u:kvsecret99@db:notaport/x', 'dsn-invalid-value'],
      ['postgres://db/x?password=kvsecret99&sslmode=maybe', 'dsn-invalid-value'],
    ] as const) {
      const e = userError(() => resolveTarget(parse(['--database-url-env', 'PROBE_DSN']), { PROBE_DSN: dsn }));
      expect(e.code).toBe('invalid-option');
      expect(e.format()).toContain(code);
      expect(e.format()).toContain('--database-url-env PROBE_DSN');
      expect(e.format()).not.toContain('kvsecret99');
      expect(e.format().split('\n')).toHaveLength(1);
    }
  });

  it('refuses an sslrootcert, sslcert or sslkey that does not exist (file-not-found), one line', () => {
    const missing = path.join(dir, 'no-such-root.crt');
    for (const keyword of ['sslrootcert', 'sslcert', 'sslkey']) {
      const e = userError(() =>
        resolveTarget(parse(['--database-url-env', 'PROBE_DSN']), { PROBE_DSN: `host=db password=kvsecret99 sslmode=verify-full ${keyword}=${missing}` }),
      );
      expect(e.code).toBe('file-not-found');
      expect(e.format()).toBe(`prodready: error[file-not-found]: ${keyword} ${missing} in the DSN from --database-url-env PROBE_DSN does not exist`);
    }
    // sslrootcert=system names the system's CAs, not a file.
    expect(() => resolveTarget(parse(['--database-url-env', 'PROBE_DSN']), { PROBE_DSN: 'host=db sslmode=verify-full sslrootcert=system' })).not.toThrow();
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

describe('--migrations-dir: the release files as preflight reads a --dir', () => {
  const make = (files: Record<string, string>) => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'prodready-migdir-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(d, name), content);
    return d;
  };
  it('is declared, and reads the up files only, hashed', () => {
    const d = make({ '20240101000000_init.up.sql': 'SELECT 1;\n', '20240101000000_init.down.sql': '', 'README.md': '#' });
    const opts = parse(['--migrations-dir', d]);
    expect(opts.migrationsDir).toBe(d);
    const t = resolveTarget(opts, {});
    expect(t.migrations).toMatchObject({ dir: d, files: [{ version: '20240101000000', name: 'init', file: '20240101000000_init.up.sql' }] });
    expect(t.migrations!.files[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
  it('refuses a missing directory, a file, one with no migration and two files of one migration', () => {
    expect(userError(() => resolveTarget({ migrationsDir: path.join(dir, 'nope') }, {})).code).toBe('file-not-found');
    const f = path.join(dir, 'plain.txt');
    writeFileSync(f, 'x');
    expect(userError(() => resolveTarget({ migrationsDir: f }, {})).code).toBe('invalid-option');
    expect(userError(() => resolveTarget({ migrationsDir: make({ 'a.sql': '' }) }, {})).code).toBe('missing-input');
    const dup = userError(() => resolveTarget({ migrationsDir: make({ '00000001_a.up.sql': '', '0000000001_a.up.sql': '' }) }, {}));
    expect(dup.code).toBe('invalid-option');
    expect(dup.message).toContain('(1:a)');
  });
});
