import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import probe from '../../src/probes/migrations-applied.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { failureIds, render, runWith, unknownIds } from '../helpers/probe-context.js';

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
    expect(render(probe, failed)).toBe('migration 20240401000000 (add_exposures) is recorded as failed: the schema is half-applied');
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
});
