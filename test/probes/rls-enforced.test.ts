// The service's row-level security guard, run from outside against a real PostgreSQL: one database per
// case, since the guard's query looks at pg_class across every schema.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import probe from '../../src/probes/rls-enforced.js';
import { loadCatalogue } from '../../src/model/catalogue.js';
import { startPostgres, freePort, type TestPostgres } from '../helpers/postgres.js';
import { failureIds, modelWithEnv, render, runWith, unknownIds } from '../helpers/probe-context.js';

const rule = parse(readFileSync(new URL('../../rules/recsys/rls-enforced.yaml', import.meta.url), 'utf8')) as { params: { tables: string[] } };
const TABLES = rule.params.tables;

/** A model from these env values, typed by the pack's catalogue, as the CLI builds it. */
function model(env: Record<string, string>) {
  const m = modelWithEnv(env);
  m.catalogue = loadCatalogue();
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
    for (const env of [{ ENV: 'production' }, { RECSYS_DB_REQUIRE_RLS: 'false' }]) {
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
