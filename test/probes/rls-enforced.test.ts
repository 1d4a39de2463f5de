// The service's row-level security guard, run from outside against a real PostgreSQL: one database per
// case, since the guard's query looks at pg_class across every schema.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import probe from '../../src/probes/rls-enforced.js';
import { packData } from '../helpers/pack.js';
import { startPostgres, freePort, type TestPostgres } from '../helpers/postgres.js';
import { notTlsServer, resettingServer, silentServer, tlsServer, servedPerTest } from '../helpers/pg-loopback.js';
import { makePki } from '../helpers/tls.js';
import { allText, failureIds, modelWithEnv, render, runWith, unknownIds } from '../helpers/probe-context.js';

const rule = parse(readFileSync(new URL('../../rules/recsys/rls-enforced.yaml', import.meta.url), 'utf8')) as { params: { tables: string[] } };
const TABLES = rule.params.tables;

/** A model from these env values, typed by the pack's catalogue, as the CLI builds it. */
function model(env: Record<string, string>) {
  const m = modelWithEnv(env);
  m.catalogue = packData().catalogue;
  return m;
}

let db: TestPostgres;
const urlOf = (database: string) => db.url.replace('/postgres?', `/${database}?`);

async function inDatabase(database: string, statements: string[]): Promise<void> {
  await db.sql(`CREATE DATABASE ${database}`);
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: urlOf(database) });
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}

const create = (t: string, rls: boolean) => [`CREATE TABLE ${t} (tenant_id text NOT NULL, v int)`, ...(rls ? [`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`] : [])];

beforeAll(async () => {
  db = await startPostgres();
  await inDatabase('rls_all', TABLES.flatMap((t) => create(t, true)));
  // audit_log and exposure_events without RLS, item_tags_current never created.
  await inDatabase(
    'rls_partial',
    TABLES.filter((t) => t !== 'item_tags_current').flatMap((t) => create(t, t !== 'audit_log' && t !== 'exposure_events')),
  );
  // item_covisit_daily lives only in another schema, with RLS: the service's query counts it (no schema filter).
  await inDatabase('rls_elsewhere', [
    ...TABLES.filter((t) => t !== 'item_covisit_daily').flatMap((t) => create(t, true)),
    'CREATE SCHEMA analytics',
    ...create('analytics.item_covisit_daily', true),
  ]);
  // A database whose catalogue the probing role may not read: the guard's query is refused (42501).
  await db.sql(`CREATE ROLE rls_reader LOGIN PASSWORD 'reader-pw'`);
  await inDatabase('rls_revoked', ['REVOKE SELECT ON pg_catalog.pg_class FROM PUBLIC']);
  await db.sql(`CREATE ROLE rls_limited LOGIN PASSWORD 'limited-pw' CONNECTION LIMIT 0`);
}, 60_000);
afterAll(async () => {
  await db?.stop();
});

const run = (database: string, env?: Record<string, string>, url = urlOf(database)) =>
  runWith(probe, { target: { databaseUrl: url }, ...(env ? { model: model(env) } : {}) }, rule.params);

describe('rls-enforced probe (real PostgreSQL)', () => {
  it('passes when every tenant table has row-level security and the pod requires it', async () => {
    const c = await run('rls_all', { RECSYS_DB_REQUIRE_RLS: 'true' });
    expect(c.failures).toEqual([]);
    expect(c.unknowns).toEqual([]);
    expect(c.evidence.join('\n')).toContain(`row-level security is enabled on all ${TABLES.length} tenant table(s)`);
    // The probing role owns the tables and RLS is not forced: said as evidence, never as a verdict.
    expect(c.evidence.join('\n')).toContain('not forced on');
  });

  it('fails with RECSYS_DB_REQUIRE_RLS=true, naming every table the service would name, as a database-step stopper', async () => {
    const c = await run('rls_partial', { RECSYS_DB_REQUIRE_RLS: 'true' });
    expect(failureIds(c)).toEqual(['rlsMissingRequired']);
    const f = c.failures[0]!;
    expect(f.data).toMatchObject({ tables: 'audit_log, exposure_events, item_tags_current', count: 3, step: 'database' });
    expect(f.severity).toBeUndefined();
    expect(f.location).toMatchObject({ file: 'test.env', line: 1 });
    const text = render(probe, f);
    expect(text).toContain('api/cmd/recsys-service/main.go:72-77');
    expect(text).toContain('api/internal/store/tenant_guard.go:43-52');
    expect(text).toContain('the pod exits at start-up');
    expect(c.evidence.join('\n')).toContain('item_tags_current: no such relation');
    expect(c.evidence.join('\n')).toContain('audit_log: public.audit_log (relkind r) row-level security off');
  });

  it('warns which tables lack it when the pod does not require it (default false, or false)', async () => {
    const envs: Array<Record<string, string>> = [{ ENV: 'production' }, { RECSYS_DB_REQUIRE_RLS: 'false' }];
    for (const env of envs) {
      const c = await run('rls_partial', env);
      expect(failureIds(c)).toEqual(['rlsMissing']);
      expect(c.failures[0]!.severity).toBe('warn');
      expect(render(probe, c.failures[0]!)).toContain('audit_log, exposure_events, item_tags_current (3 tenant table(s)); RECSYS_DB_REQUIRE_RLS is not true');
    }
  });

  it('warns, without claiming an exit, when no deployment files say whether the pod requires it', async () => {
    const c = await run('rls_partial');
    expect(failureIds(c)).toEqual(['rlsMissingUndecided']);
    expect(c.failures[0]!.severity).toBe('warn');
    expect(render(probe, c.failures[0]!)).toContain('whether the pod requires it is not known');
  });

  it('follows the service where its query has no schema filter: a same-name table in another schema counts', async () => {
    const c = await run('rls_elsewhere', { RECSYS_DB_REQUIRE_RLS: 'true' });
    expect(c.failures).toEqual([]);
    expect(c.unknowns).toEqual([]);
  });

  it('is unknown, saying the network is not the pod’s, when the database cannot be reached from here', async () => {
    const port = await freePort();
    const c = await run('x', { RECSYS_DB_REQUIRE_RLS: 'true' }, `postgres://u:p@127.0.0.1:${port}/x?sslmode=disable`);
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['databaseUnreachable']);
    const text = render(probe, c.unknowns[0]!);
    expect(text).toContain('refused the connection (ECONNREFUSED)');
    expect(text).toContain("the probe's network is not the pod's");
    expect(text).toContain('within 3 s (api/cmd/recsys-service/main.go:64');
    expect(text).not.toContain(':p@');
  });

  it('fails when the server itself refuses the DSN (wrong password): the pod gets the same answer', async () => {
    const c = await run('rls_all', { RECSYS_DB_REQUIRE_RLS: 'true' }, db.urlFor(db.user, 'wrong-password'));
    expect(failureIds(c)).toEqual(['databaseRefused']);
    const text = render(probe, c.failures[0]!);
    expect(text).toContain('refused the credentials (SQLSTATE 28P01)');
    expect(text).toContain("the probe's network is not the pod's");
    expect(text).not.toContain('wrong-password');
  });

  it('fails when the database the DSN names does not exist: an answer of the server', async () => {
    const c = await run('no_such_db', { RECSYS_DB_REQUIRE_RLS: 'true' });
    expect(failureIds(c)).toEqual(['databaseRefused']);
    expect(render(probe, c.failures[0]!)).toContain('SQLSTATE 3D000');
  });
});

describe('rls-enforced when the guard cannot be run', () => {
  it('a role that may not read pg_class: unreadable (42501), unknown, not a missing-RLS verdict', async () => {
    const c = await run('rls_revoked', { RECSYS_DB_REQUIRE_RLS: 'true' }, db.urlFor('rls_reader', 'reader-pw').replace('/postgres?', '/rls_revoked?'));
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['unreadable']);
    expect(render(probe, c.unknowns[0]!)).toBe('cannot run the row-level security guard query: permission denied (42501)');
    expect(c.unknowns[0]!.location).toMatchObject({ target: expect.stringContaining('rls_reader:****@') });
  });

  it('a DSN with an unknown keyword: dsnInvalid as it is, nothing sent, no password shown', async () => {
    const c = await run('x', { RECSYS_DB_REQUIRE_RLS: 'true' }, `host=127.0.0.1 port=${db.port} password=kv-secret-pw bogus_key=1`);
    expect(failureIds(c)).toEqual(['dsnInvalid']);
    expect(c.failures[0]!.data!.code).toBe('dsn-unknown-keyword');
    expect(allText(probe, c)).not.toContain('kv-secret-pw');
  });

  it('no DSN at all: missingInput, unknown', async () => {
    const c = await runWith(probe, { target: {}, model: model({ RECSYS_DB_REQUIRE_RLS: 'true' }) }, rule.params);
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['missingInput']);
  });
});

// The probe frames every connection failure as the database step: a finding only when the server itself
// answered (the pod gets the same answer), unknown when it may be this machine's network, files or clock.
describe('rls-enforced framing of connection failures', () => {
  const serve = servedPerTest();
  const env = { RECSYS_DB_REQUIRE_RLS: 'true' };

  it('a server without TLS under sslmode=require: refused by the server, a finding', async () => {
    const c = await run('rls_all', env, urlOf('rls_all').replace('sslmode=disable', 'sslmode=require'));
    expect(failureIds(c)).toEqual(['databaseRefused']);
    expect(c.failures[0]!.data!.failure).toContain('does not offer TLS');
  });

  it("a role over its connection limit (53300): unknown, saying it is the server's state now, not the network", async () => {
    const c = await runWith(probe, { target: { databaseUrl: db.urlFor('rls_limited', 'limited-pw') }, model: model(env) }, { ...rule.params, statementTimeoutMs: 500 });
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['databaseBusy']);
    expect(String(c.unknowns[0]!.data!.failure)).toMatch(/does not accept connections now \(SQLSTATE 53300\)/);
    const text = render(probe, c.unknowns[0]!);
    expect(text).toContain("the server's state at this moment, not this machine's network");
    expect(text).not.toContain("the probe's network is not the pod's");
    expect(text).not.toContain('limited-pw');
  });

  const undecided: Array<[string, () => Promise<string>, RegExp]> = [
    ['no password in the DSN', async () => `postgres://${db.user}@127.0.0.1:${db.port}/rls_all?sslmode=disable`, /asks for a password and the DSN gives none/],
    [
      'an sslrootcert file that does not exist',
      async () => urlOf('rls_all').replace('sslmode=disable', `sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(os.tmpdir(), 'prodready-no-such-dir', 'root.crt'))}`),
      /sslrootcert file named by the DSN cannot be read \(ENOENT\)/,
    ],
    ['a socket directory that does not exist', async () => 'host=/nonexistent/prodready-dir user=app password=sock-pw dbname=x', /no database socket at that path/],
    ['an endpoint that never answers', async () => `postgres://u:pw@127.0.0.1:${await serve(silentServer())}/x?sslmode=disable`, /no connection within the connect timeout/],
    ['an endpoint that resets the connection', async () => `postgres://u:pw@127.0.0.1:${await serve(resettingServer())}/x?sslmode=disable`, /the connection was closed mid-request/],
    ['an endpoint that sends no TLS after agreeing to it', async () => `postgres://u:pw@127.0.0.1:${await serve(notTlsServer())}/x?sslmode=require`, /the TLS handshake failed/],
    [
      'a certificate from a CA nobody named (verify-full)',
      async () => {
        const pki = await makePki();
        return `postgres://u:pw@127.0.0.1:${await serve(tlsServer(pki.serverCert, pki.serverKey))}/x?sslmode=verify-full`;
      },
      /the TLS certificate is not trusted/,
    ],
  ];
  for (const [what, dsn, failure] of undecided) {
    it(`${what}: unknown, saying the probe's network is not the pod's`, async () => {
      const c = await runWith(probe, { target: { databaseUrl: await dsn() }, model: model(env) }, { ...rule.params, statementTimeoutMs: 500 });
      expect(c.failures).toEqual([]);
      expect(unknownIds(c)).toEqual(['databaseUnreachable']);
      expect(String(c.unknowns[0]!.data!.failure)).toMatch(failure);
      expect(render(probe, c.unknowns[0]!)).toContain("the probe's network is not the pod's");
    });
  }
});
