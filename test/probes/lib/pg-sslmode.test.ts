// Every sslmode as libpq honours it, against a real PostgreSQL serving TLS with a CA made here,
// and one serving none. What the server itself reports for the probe's session (pg_stat_ssl) is
// the proof of encryption; a wrong host name is tested with hostaddr, so nothing is resolved.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import probe from '../../../src/probes/migrations-applied.js';
import { closedPort } from '../../helpers/http-server.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { makePki, type TestPki } from '../../helpers/tls.js';
import { allText, failureIds, runWith } from '../../helpers/probe-context.js';

let pki: TestPki;
let otherPki: TestPki;
let tlsDb: TestPostgres;
let plainDb: TestPostgres;
let dir: string;
let caFile: string;
let otherCaFile: string;

beforeAll(async () => {
  [pki, otherPki] = await Promise.all([makePki(), makePki()]);
  tlsDb = await startPostgres({ schemaMigrations: true, tls: { cert: pki.serverCert, key: pki.serverKey } });
  plainDb = await startPostgres({ schemaMigrations: true });
  for (const db of [tlsDb, plainDb]) await db.sql(`INSERT INTO schema_migrations (version, name, checksum) VALUES (1, 'init', 'c')`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'prodready-sslmode-'));
  caFile = path.join(dir, 'root.crt');
  otherCaFile = path.join(dir, 'other-root.crt');
  await writeFile(caFile, pki.caCert);
  await writeFile(otherCaFile, otherPki.caCert);
}, 120_000);

afterAll(async () => {
  await tlsDb?.stop();
  await plainDb?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A key=value DSN for the TLS server; `host` is the name verified, `hostaddr` where it connects. */
function kv(db: TestPostgres, extra: string): string {
  return `hostaddr=127.0.0.1 port=${db.port} user=${db.user} password='${db.password}' dbname=postgres ${extra}`;
}

async function probeDsn(databaseUrl: string, caPem?: string) {
  const c = await runWith(probe, { target: { databaseUrl, ...(caPem ? { caPem } : {}) } });
  expect(allText(probe, c)).not.toContain(tlsDb.password);
  return c;
}

const connected = (c: Awaited<ReturnType<typeof probeDsn>>) => c.evidence.find((e) => e.startsWith('connected to')) ?? '';

describe('sslmode against a PostgreSQL serving TLS', () => {
  it('verify-full refuses a certificate for another name (ERR_TLS_CERT_ALTNAME_INVALID)', async () => {
    const c = await probeDsn(kv(tlsDb, `host=db.example.test sslmode=verify-full sslrootcert=${caFile}`));
    expect(failureIds(c)).toEqual(['certificateInvalid']);
    expect(c.failures[0]!.data!.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('verify-ca accepts the same certificate: the chain is verified, not the name', async () => {
    const c = await probeDsn(kv(tlsDb, `host=db.example.test sslmode=verify-ca sslrootcert=${caFile}`));
    expect(c.failures).toEqual([]);
    expect(connected(c)).toContain('certificate chain verified (sslmode=verify-ca)');
    expect(connected(c)).toMatch(/pg_stat_ssl: encrypted, TLSv1\.[23]/);
  });

  it('verify-full accepts the right name, in URL form too', async () => {
    const url = `postgresql://${tlsDb.user}:${encodeURIComponent(tlsDb.password)}@127.0.0.1:${tlsDb.port}/postgres?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`;
    const c = await probeDsn(url);
    expect(c.failures).toEqual([]);
    expect(connected(c)).toContain('host name 127.0.0.1 verified (sslmode=verify-full)');
    expect(connected(c)).toMatch(/pg_stat_ssl: encrypted/);
  });

  it('verify-ca refuses a chain from another CA', async () => {
    const c = await probeDsn(kv(tlsDb, `host=db.example.test sslmode=verify-ca sslrootcert=${otherCaFile}`));
    expect(failureIds(c)).toEqual(['certificateInvalid']);
  });

  it('require encrypts without verifying (the server reports TLS for the session)', async () => {
    const c = await probeDsn(kv(tlsDb, 'host=db.example.test sslmode=require'));
    expect(c.failures).toEqual([]);
    expect(connected(c)).toContain('certificate not verified (sslmode=require)');
    expect(connected(c)).toMatch(/pg_stat_ssl: encrypted, TLSv1\.[23]/);
  });

  it('require with sslrootcert behaves as verify-ca, as in libpq: another CA is refused', async () => {
    const c = await probeDsn(kv(tlsDb, `host=db.example.test sslmode=require sslrootcert=${otherCaFile}`));
    expect(failureIds(c)).toEqual(['certificateInvalid']);
    const ok = await probeDsn(kv(tlsDb, `host=db.example.test sslmode=require sslrootcert=${caFile}`));
    expect(ok.failures).toEqual([]);
    expect(connected(ok)).toContain('certificate chain verified (a root certificate was given) (sslmode=require)');
  });

  it('disable does not encrypt (the server reports no TLS)', async () => {
    const c = await probeDsn(kv(tlsDb, 'sslmode=disable'));
    expect(c.failures).toEqual([]);
    expect(connected(c)).toContain('no TLS (sslmode=disable)');
    expect(connected(c)).toContain('pg_stat_ssl: not encrypted');
  });

  it('prefer (the default) encrypts when the server offers TLS', async () => {
    const c = await probeDsn(kv(tlsDb, ''));
    expect(c.failures).toEqual([]);
    expect(connected(c)).toContain('sslmode=prefer, libpq default');
    expect(connected(c)).toMatch(/pg_stat_ssl: encrypted/);
  });

  it('allow starts plain and stays plain when the server accepts it', async () => {
    const c = await probeDsn(kv(tlsDb, 'sslmode=allow'));
    expect(c.failures).toEqual([]);
    expect(connected(c)).toContain('pg_stat_ssl: not encrypted');
  });

  it('--ca-file plays the part of a root certificate: verify-full passes with it', async () => {
    const c = await probeDsn(kv(tlsDb, 'host=127.0.0.1 sslmode=verify-full'), pki.caCert);
    expect(c.failures).toEqual([]);
  });
});

describe('sslmode against a PostgreSQL without TLS', () => {
  it('prefer falls back to plain only because the server offers no TLS, and says so', async () => {
    const c = await probeDsn(kv(plainDb, 'sslmode=prefer'));
    expect(c.failures).toEqual([]);
    expect(connected(c)).toContain('no TLS (sslmode=prefer: the server does not offer TLS)');
    expect(connected(c)).toContain('pg_stat_ssl: not encrypted');
  });

  it('require and verify-full never fall back: a coded finding', async () => {
    for (const mode of ['require', 'verify-full']) {
      const c = await probeDsn(kv(plainDb, `host=127.0.0.1 sslmode=${mode}`), pki.caCert);
      expect(failureIds(c), mode).toEqual(['dbTlsRefused']);
      expect(c.failures[0]!.data!.code).toBe('PRODREADY_DB_TLS_REFUSED');
    }
  });
});

describe('hosts, sockets and files', () => {
  it('tries the hosts of a list in order: an unreachable first host, then the next', async () => {
    const closed = await closedPort();
    const c = await probeDsn(`host=127.0.0.1,127.0.0.1 port=${closed},${plainDb.port} user=${plainDb.user} password='${plainDb.password}' dbname=postgres sslmode=disable`);
    expect(c.failures).toEqual([]);
    expect(connected(c)).toContain(`127.0.0.1:${plainDb.port}, after 1 unreachable host(s)`);
  });

  it('a socket directory that does not exist: a coded finding (ENOENT), no stack', async () => {
    const c = await probeDsn('host=/nonexistent/prodready-dir user=app password=sock-secret-pw dbname=x');
    expect(failureIds(c)).toEqual(['socketMissing']);
    expect(c.failures[0]!.data!.code).toBe('ENOENT');
    expect(allText(probe, c)).not.toContain('sock-secret-pw');
  });

  it('an sslrootcert that does not exist: a coded finding naming the keyword', async () => {
    const c = await probeDsn(kv(tlsDb, `host=127.0.0.1 sslmode=verify-full sslrootcert=${path.join(dir, 'missing.crt')}`));
    expect(failureIds(c)).toEqual(['dbSslFile']);
    expect(c.failures[0]!.data).toMatchObject({ code: 'PRODREADY_DB_SSL_FILE', keyword: 'sslrootcert', reason: 'ENOENT' });
  });

  it('no password in the DSN when the server asks for one: coded, and nothing read from PGPASSWORD', async () => {
    const c = await probeDsn(`hostaddr=127.0.0.1 port=${plainDb.port} user=${plainDb.user} dbname=postgres sslmode=disable`);
    expect(failureIds(c)).toEqual(['dbNoPassword']);
  });

  it('a DSN that does not parse reaches no server: a coded finding without its password', async () => {
    const c = await probeDsn(`host=127.0.0.1 password=kv-secret-pw bogus_key=1`);
    expect(failureIds(c)).toEqual(['dsnInvalid']);
    expect(c.failures[0]!.data!.code).toBe('dsn-unknown-keyword');
    expect(allText(probe, c)).not.toContain('kv-secret-pw');
  });
});
