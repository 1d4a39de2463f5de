import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import probe from '../../src/probes/migrations-applied.js';
import { readMigrationsDir } from '../../src/engine/target.js';
import { packData } from '../helpers/pack.js';
import { migrationChecksum } from '../../src/probes/lib/migrations.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { notTlsServer, silentServer, servedPerTest } from '../helpers/pg-loopback.js';
import { failureIds, modelWithEnv, render, runWith, unknownIds } from '../helpers/probe-context.js';

describe('migrations-applied probe (real PostgreSQL)', () => {
  let db: TestPostgres;
  beforeAll(async () => {
    db = await startPostgres({ schemaMigrations: true });
    await db.sql(`INSERT INTO schema_migrations (version, name, checksum, success) VALUES
      (20240101000000, 'init', 'c1', true),
      (20240201000000, 'add_items', 'c2', true),
      (20240301000000, 'add_rules', 'c3', true)`);
    // A second database-like namespace with a failed row, and an empty one.
    await db.sql(`CREATE SCHEMA broken; CREATE TABLE broken.schema_migrations (LIKE public.schema_migrations INCLUDING ALL)`);
    await db.sql(`INSERT INTO broken.schema_migrations (version, name, checksum, success) VALUES
      (20240101000000, 'init', 'c1', true), (20240401000000, 'add_exposures', 'c4', false)`);
    await db.sql(`CREATE SCHEMA empty; CREATE TABLE empty.schema_migrations (LIKE public.schema_migrations INCLUDING ALL)`);
    await db.sql(`CREATE ROLE mig_nogrants LOGIN PASSWORD 'mig-pw'`);
  });
  afterAll(async () => {
    await db?.stop();
  });

  const run = (params: Record<string, unknown> = {}, expectMigration?: string, url = db.url) =>
    runWith(probe, { target: { databaseUrl: url, ...(expectMigration ? { expectMigration } : {}) } }, params);

  it('passes when every row succeeded, with the newest version as evidence', async () => {
    const c = await run();
    expect(c.failures).toEqual([]);
    expect(c.evidence.join('\n')).toContain('3 migration row(s), 0 failed; newest applied 20240301000000 (add_rules)');
  });

  it('passes when the expected version is reached', async () => {
    const c = await run({}, '20240201000000');
    expect(c.failures).toEqual([]);
    expect(c.evidence.join('\n')).toContain('expected migration 20240201000000 is applied');
    const between = await run({}, '20240215000000');
    expect(between.failures).toEqual([]);
    expect(between.evidence.join('\n')).toContain('expected migration 20240215000000 is passed by a newer one');
  });

  it('fails when the expected version is not reached', async () => {
    const c = await run({}, '20250101000000');
    expect(failureIds(c)).toEqual(['expectedNotReached']);
    expect(c.failures[0]!.data).toEqual({ latest: '20240301000000', expected: '20250101000000' });
  });

  it('fails a failed row, naming it, and does not count it towards the expected version', async () => {
    const c = await run({ table: 'broken.schema_migrations' }, '20240401000000');
    expect(failureIds(c)).toEqual(['expectedNotReached', 'failedMigration']);
    const failed = c.failures.find((f) => f.messageId === 'failedMigration')!;
    expect(render(probe, failed)).toBe('migration 20240401000000 (add_exposures) is recorded as failed: the schema is half-applied; migrate preflight fails ("database contains failed migrations")');
  });

  it('fails an empty table and a missing table', async () => {
    expect(failureIds(await run({ table: 'empty.schema_migrations' }))).toEqual(['noMigrations']);
    expect(failureIds(await run({ table: 'nowhere.schema_migrations' }))).toEqual(['tableMissing']);
  });

  it('is unknown when the role may not read the table (42501)', async () => {
    const c = await run({}, undefined, db.urlFor('mig_nogrants', 'mig-pw'));
    expect(unknownIds(c)).toEqual(['unreadable']);
    expect(c.unknowns[0]!.data!.reason).toBe('permission denied (42501)');
  });

  it('rejects a table param that is not an identifier before connecting', async () => {
    await expect(run({ table: 'x; DROP TABLE y' })).rejects.toMatchObject({ code: 'invalid-check-params' });
  });

  it('lists failed rows up to maxListed and counts the rest: moreFailed', async () => {
    await db.sql(`CREATE SCHEMA manyfailed; CREATE TABLE manyfailed.schema_migrations (LIKE public.schema_migrations INCLUDING ALL)`);
    await db.sql(`INSERT INTO manyfailed.schema_migrations (version, name, checksum, success) VALUES
      (20240101000000, 'init', 'c1', false), (20240201000000, 'add_items', 'c2', false), (20240301000000, 'add_rules', 'c3', false)`);
    const c = await run({ table: 'manyfailed.schema_migrations', maxListed: 1 });
    expect(failureIds(c)).toEqual(['failedMigration', 'moreFailed']);
    expect(c.failures.find((f) => f.messageId === 'failedMigration')!.data).toMatchObject({ version: '20240101000000' });
    expect(render(probe, c.failures.find((f) => f.messageId === 'moreFailed')!)).toBe('2 more failed migration(s) not listed');
  });

  it('an expected migration that is not a version number: invalidExpected, unknown, nothing connected', async () => {
    const c = await run({}, '2024-01-01');
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['invalidExpected']);
    expect(c.unknowns[0]!.data).toEqual({ expected: '2024-01-01' });
    expect(c.evidence.some((e) => e.startsWith('connected to'))).toBe(false);
  });

  it('no DSN at all: missingInput, unknown', async () => {
    const c = await runWith(probe, { target: {} });
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['missingInput']);
  });

  describe('answers of the server before any query', () => {
    beforeAll(async () => {
      await db.sql(`CREATE ROLE mig_limited LOGIN PASSWORD 'mig-limited-pw' CONNECTION LIMIT 0`);
      await db.sql('CREATE DATABASE mig_closed');
      await db.sql('ALTER DATABASE mig_closed ALLOW_CONNECTIONS false');
    });

    it('a database that does not exist: dbNotFound (3D000)', async () => {
      const c = await run({}, undefined, db.url.replace('/postgres?', '/no_such_db?'));
      expect(failureIds(c)).toEqual(['dbNotFound']);
      expect(c.failures[0]!.data!.code).toBe('3D000');
    });

    it('a role over its connection limit: dbUnavailable (53300)', async () => {
      const c = await run({}, undefined, db.urlFor('mig_limited', 'mig-limited-pw'));
      expect(failureIds(c)).toEqual(['dbUnavailable']);
      expect(c.failures[0]!.data!.code).toBe('53300');
    });

    it('a database that allows no connections: dbError (55000)', async () => {
      const c = await run({}, undefined, db.url.replace('/postgres?', '/mig_closed?'));
      expect(failureIds(c)).toEqual(['dbError']);
      expect(c.failures[0]!.data!.code).toBe('55000');
    });
  });

  describe('endpoints that are not a working PostgreSQL', () => {
    const serve = servedPerTest();

    it('agrees to TLS, then sends no TLS: tlsFailed', async () => {
      const port = await serve(notTlsServer());
      const c = await run({}, undefined, `postgres://u:pw@127.0.0.1:${port}/db?sslmode=require`);
      expect(failureIds(c)).toEqual(['tlsFailed']);
      expect(String(c.failures[0]!.data!.code)).toMatch(/^(EPROTO|ERR_SSL_)/);
    });

    it('still silent at the probe deadline (8 s, before the 20 s connect bound): deadlineExceeded', async () => {
      const port = await serve(silentServer());
      const c = await run({ statementTimeoutMs: 20_000 }, undefined, `postgres://u:pw@127.0.0.1:${port}/db?sslmode=disable`);
      expect(failureIds(c)).toEqual(['deadlineExceeded']);
      expect(c.failures[0]!.data!.code).toBe('PRODREADY_DEADLINE');
    }, 20_000);
  });
});

// The release's files as the CLI reads them (--migrations-dir), against rows the migrator would have written.
describe('migrations-applied as migrate preflight, with the release files (real PostgreSQL)', () => {
  const rule = parse(readFileSync(new URL('../../rules/recsys/migrations-applied.yaml', import.meta.url), 'utf8')) as { params: Record<string, unknown> };
  const FILES: Array<[string, string]> = [
    ['20240101000000_init.up.sql', '\n-- init\nCREATE TABLE a (id int);\n\n'],
    ['20240101000000_init.down.sql', 'DROP TABLE a;'],
    ['20240201000000_add_items.up.sql', 'CREATE TABLE items (id int);\n'],
    ['20240301000000_add_rules.up.sql', '\ufeffCREATE TABLE rules (id int);'],
    ['notes.txt', 'not a migration'],
  ];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodready-migrations-'));
  for (const [name, content] of FILES) writeFileSync(path.join(dir, name), content);
  const release = readMigrationsDir(dir);
  const sum = (name: string) => migrationChecksum(Buffer.from(FILES.find(([n]) => n === name)![1]));
  const INIT = sum('20240101000000_init.up.sql');
  const ITEMS = sum('20240201000000_add_items.up.sql');
  const RULES = sum('20240301000000_add_rules.up.sql');

  let db: TestPostgres;
  beforeAll(async () => {
    db = await startPostgres();
    const table = async (schema: string, rows: Array<[string, string, string, boolean]>) => {
      await db.sql(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.schema_migrations (
        version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
        exec_ms integer NOT NULL DEFAULT 1, success boolean NOT NULL)`);
      for (const r of rows) await db.sql(`INSERT INTO ${schema}.schema_migrations (version, name, checksum, success) VALUES ($1, $2, $3, $4)`, r);
    };
    await table('clean', [['20240101000000', 'init', INIT, true], ['20240201000000', 'add_items', ITEMS, true], ['20240301000000', 'add_rules', RULES, true]]);
    await table('behind', [['20240101000000', 'init', INIT, true]]);
    await table('drifted', [
      ['20240101000000', 'init', INIT, true],
      ['20240201000000', 'add_items', 'f'.repeat(64), true],
      ['20240301000000', 'add_rules', RULES, true],
      ['20240401000000', 'add_exposures', 'a'.repeat(64), true],
    ]);
    await table('failed', [['20240101000000', 'init', INIT, true], ['20240201000000', 'add_items', ITEMS, false]]);
  }, 60_000);
  afterAll(async () => {
    await db?.stop();
  });

  const model = (env: Record<string, string>) => Object.assign(modelWithEnv(env), { catalogue: packData().catalogue });
  const run = (schema: string, env?: Record<string, string>, withFiles = true) =>
    runWith(
      probe,
      { target: { databaseUrl: db.url, ...(withFiles ? { migrations: release } : {}) }, ...(env ? { model: model(env) } : {}) },
      { ...rule.params, table: `${schema}.schema_migrations` },
    );

  it('reads only the up files, hashing the content as Go trims it (a BOM stays)', () => {
    expect(release.files.map((f) => f.file)).toEqual(['20240101000000_init.up.sql', '20240201000000_add_items.up.sql', '20240301000000_add_rules.up.sql']);
    expect(release.files[2]!.checksum).not.toBe(migrationChecksum(Buffer.from('CREATE TABLE rules (id int);')));
  });

  it('passes a clean state: every applied row has its file and checksum, none pending', async () => {
    const c = await run('clean');
    expect(c.failures).toEqual([]);
    expect(c.unknowns).toEqual([]);
    expect(c.evidence.join('\n')).toContain('ok: applied=3 pending=0');
  });

  it('warns about pending files, which preflight allows, unless the pod applies them at start-up', async () => {
    const c = await run('behind', { MIGRATE_ON_START: 'false' });
    expect(failureIds(c)).toEqual(['pending']);
    expect(c.failures[0]!.severity).toBe('warn');
    expect(render(probe, c.failures[0]!)).toContain('2 migration(s) of the release are not applied: 20240201000000 (add_items), 20240301000000 (add_rules)');
    const onStart = await run('behind', { MIGRATE_ON_START: 'true' });
    expect(onStart.failures).toEqual([]);
    expect(onStart.evidence.join('\n')).toContain('are applied by the pod at start-up');
  });

  it('fails drift: a checksum that differs and an applied migration whose file is missing', async () => {
    const c = await run('drifted');
    expect(failureIds(c)).toEqual(['checksumChanged', 'missingFile']);
    const changed = c.failures.find((f) => f.messageId === 'checksumChanged')!;
    expect(changed.data).toMatchObject({ version: '20240201000000', recorded: 'ffffffffffff', actual: ITEMS.slice(0, 12) });
    expect(render(probe, c.failures.find((f) => f.messageId === 'missingFile')!)).toContain('applied migration 20240401000000 (add_exposures) has no file in the release');
    expect(c.evidence.join('\n')).toContain('fails (0 failed, 1 missing file(s), 1 checksum mismatch(es))');
  });

  it('lists drift up to maxListed and counts the rest: moreDrift', async () => {
    const c = await runWith(probe, { target: { databaseUrl: db.url, migrations: release } }, { ...rule.params, table: 'drifted.schema_migrations', maxListed: 1 });
    expect(failureIds(c)).toEqual(['missingFile', 'moreDrift']);
    expect(render(probe, c.failures.find((f) => f.messageId === 'moreDrift')!)).toBe('1 more drifted migration(s) not listed');
    expect(c.evidence.join('\n')).toContain('fails (0 failed, 1 missing file(s), 1 checksum mismatch(es))');
  });

  it('with MIGRATE_ON_START=true, a checksum mismatch is a database-step stopper (a missing file is not)', async () => {
    const c = await run('drifted', { MIGRATE_ON_START: 'true' });
    expect(failureIds(c)).toEqual(['checksumChanged', 'migrateOnStartDrift', 'missingFile']);
    const stop = c.failures.find((f) => f.messageId === 'migrateOnStartDrift')!;
    expect(stop.data).toMatchObject({ step: 'database', list: '20240201000000 (add_items)' });
    expect(stop.location).toMatchObject({ file: 'test.env', line: 1 });
    expect(render(probe, stop)).toContain('toolkit: migrator/migrator.go:254-281');
  });

  it('fails a failed row; with MIGRATE_ON_START=true it warns that the pod reruns it and exits if it fails again', async () => {
    const c = await run('failed', { MIGRATE_ON_START: 'true' });
    expect(failureIds(c)).toEqual(['failedMigration', 'migrateOnStartFailed']);
    const rerun = c.failures.find((f) => f.messageId === 'migrateOnStartFailed')!;
    expect(rerun.severity).toBe('warn');
    expect(render(probe, rerun)).toContain('20240201000000 (add_items) are recorded as failed');
    // The file with no row is applied by the same start-up run: evidence, not a warning.
    expect(c.evidence.join('\n')).toContain('applied by the pod at start-up (MIGRATE_ON_START=true): 20240301000000 (add_rules)');
  });

  it('without the release files, says drift and pending are undecided instead of failing', async () => {
    const c = await run('drifted', undefined, false);
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['driftUndecided']);
    expect(render(probe, c.unknowns[0]!)).toContain('give --migrations-dir');
  });
});
