// --ca-file reaches the database too: a Postgres serving TLS with a private CA is refused
// (classified by the certificate code) without it and verified with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import probe from '../../src/probes/migrations-applied.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { makePki, type TestPki } from '../helpers/tls.js';
import { failureIds, runWith } from '../helpers/probe-context.js';

describe('database TLS with a private CA', () => {
  let pki: TestPki;
  let db: TestPostgres;
  beforeAll(async () => {
    pki = await makePki();
    db = await startPostgres({ schemaMigrations: true, tls: { cert: pki.serverCert, key: pki.serverKey } });
    await db.sql(`INSERT INTO schema_migrations (version, name, checksum) VALUES (1, 'init', 'c')`);
  });
  afterAll(async () => {
    await db?.stop();
  });

  const dsn = () => db.url.replace('sslmode=disable', 'sslmode=verify-full');

  it('refuses the untrusted certificate without the CA, classified by code', async () => {
    const c = await runWith(probe, { target: { databaseUrl: dsn() } });
    expect(failureIds(c)).toEqual(['certificateInvalid']);
    expect(c.failures[0]!.data!.code).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/);
  });

  it('verifies the server with the CA from --ca-file', async () => {
    const c = await runWith(probe, { target: { databaseUrl: dsn(), caPem: pki.caCert } });
    expect(c.failures).toEqual([]);
    expect(c.evidence.join('\n')).toContain('1 migration row(s), 0 failed');
  });

  it('a DSN with sslmode=disable stays plain even with a CA given', async () => {
    const c = await runWith(probe, { target: { databaseUrl: db.url, caPem: pki.caCert } });
    expect(c.failures).toEqual([]);
  });
});
