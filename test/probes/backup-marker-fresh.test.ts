import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import probe from '../../src/probes/backup-marker-fresh.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { closedPort } from '../helpers/http-server.js';
import { allText, failureIds, render, runWith, unknownIds } from '../helpers/probe-context.js';
import { DEFAULT_BACKUP_MARKER_QUERY } from '../../src/core/config-types.js';

const HOUR = 3_600_000;

describe('backup-marker-fresh probe (real PostgreSQL)', () => {
  let db: TestPostgres;
  beforeAll(async () => {
    // Archiving on (needs a start flag); the command is set with ALTER SYSTEM so a reload can switch
    // it between success and failure (a -c flag would outrank postgresql.auto.conf).
    db = await startPostgres({ backupMarker: true, settings: { archive_mode: 'on' } });
    await db.sql(`ALTER SYSTEM SET archive_command = 'true'`);
    await db.sql('SELECT pg_reload_conf()');
    await db.sql(`INSERT INTO prodready_backup_marker (completed_at) VALUES (now() - interval '30 hours'), (now() - interval '2 hours')`);
    await db.sql(`CREATE TABLE empty_marker (completed_at timestamptz)`);
    await db.sql(`CREATE ROLE probe_nogrants LOGIN PASSWORD 'nogrants-pw'`);
  });
  afterAll(async () => {
    await db?.stop();
  });

  const run = (query = DEFAULT_BACKUP_MARKER_QUERY, params: Record<string, unknown> = {}, extra: { url?: string; now?: () => Date } = {}) =>
    runWith(
      probe,
      { target: { databaseUrl: extra.url ?? db.url, databaseUrlSource: '--database-url-env DATABASE_URL' }, config: { backupMarkerQuery: query }, ...(extra.now ? { now: extra.now } : {}) },
      params,
    );

  it('passes a marker younger than 26 h and reads pg_stat_archiver', async () => {
    const c = await run();
    expect(c.failures).toEqual([]);
    expect(c.unknowns).toEqual([]);
    const ev = c.evidence.join('\n');
    expect(ev).toMatch(/newest backup marker .*, 2(\.\d)? h old \(maximum 26 h\)/);
    expect(ev).toMatch(/WAL archiving is on, nothing archived|WAL archiving ok/);
    expect(ev).toContain('READ ONLY transaction');
    expect(ev).toContain('DSN from --database-url-env DATABASE_URL');
    // The DSN shown is masked.
    expect(allText(probe, c)).not.toContain(db.password);
    expect(ev).toContain('postgres:****@127.0.0.1');
  });

  it('fails a stale marker (clock injected 30 h later)', async () => {
    const later = new Date(Date.now() + 30 * HOUR);
    const c = await run(undefined, {}, { now: () => later });
    expect(failureIds(c)).toEqual(['markerStale']);
    expect(c.failures[0]!.data).toMatchObject({ maxAgeHours: 26 });
    expect(Number(c.failures[0]!.data!.ageHours)).toBeGreaterThan(31);
  });

  it('honours a configured maximum age', async () => {
    const c = await run(undefined, { maxAgeHours: 1 });
    expect(failureIds(c)).toEqual(['markerStale']);
  });

  it('fails when there is no marker at all', async () => {
    const c = await run('SELECT max(completed_at) AS completed_at FROM empty_marker');
    expect(failureIds(c)).toEqual(['markerAbsent']);
  });

  it('is unknown, naming 42P01, when the marker table is missing', async () => {
    const c = await run('SELECT max(completed_at) AS completed_at FROM no_such_marker');
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['markerUnreadable']);
    expect(render(probe, c.unknowns[0]!)).toContain('table or view does not exist (42P01)');
  });

  it('is unknown, naming 42501, for a role without grants', async () => {
    const c = await run(undefined, {}, { url: db.urlFor('probe_nogrants', 'nogrants-pw') });
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toContain('markerUnreadable');
    expect(render(probe, c.unknowns.find((u) => u.messageId === 'markerUnreadable')!)).toContain('permission denied (42501)');
    expect(allText(probe, c)).not.toContain('nogrants-pw');
  });

  it('cannot write: a marker query that inserts is refused by the READ ONLY transaction (25006)', async () => {
    const c = await run(`WITH w AS (INSERT INTO prodready_backup_marker (completed_at) VALUES (now()) RETURNING completed_at) SELECT max(completed_at) AS completed_at FROM w`);
    expect(unknownIds(c)).toEqual(['markerUnreadable']);
    expect(c.unknowns[0]!.data!.reason).toContain('25006');
    const rows = await db.sql('SELECT count(*)::int AS n FROM prodready_backup_marker');
    expect(rows.rows[0].n).toBe(2);
  });

  it('stops a slow query at statement_timeout (57014)', async () => {
    const c = await run(`SELECT now() AS completed_at FROM pg_sleep(3)`, { statementTimeoutMs: 200 });
    expect(unknownIds(c)).toEqual(['markerUnreadable']);
    expect(c.unknowns[0]!.data!.reason).toContain('57014');
  });

  it('fails a marker dated in the future as a clock or data error, not as fresh', async () => {
    await db.sql(`CREATE TABLE future_marker AS SELECT now() + interval '2 days' AS completed_at`);
    const c = await run('SELECT max(completed_at) AS completed_at FROM future_marker');
    expect(failureIds(c)).toEqual(['markerInFuture']);
    expect(c.failures[0]!.data!.code).toBe('PRODREADY_MARKER_IN_FUTURE');
    expect(Number(c.failures[0]!.data!.aheadHours)).toBeGreaterThan(47);
    expect(render(probe, c.failures[0]!)).toMatch(/ahead of this clock .*wrong clock/);
    expect(c.evidence.join('\n')).not.toMatch(/-\d+(\.\d)? h old/);
  });

  it('tolerates ordinary clock skew: a marker a minute ahead is fresh', async () => {
    const c = await run(`SELECT now() + interval '1 minute' AS completed_at`);
    expect(c.failures).toEqual([]);
  });

  it('is unknown when the query has no completed_at column', async () => {
    const c = await run('SELECT now() AS finished');
    expect(unknownIds(c)).toEqual(['markerNoColumn']);
  });

  it('classifies a wrong password by SQLSTATE 28P01 without showing it', async () => {
    const c = await run(undefined, {}, { url: db.urlFor('postgres', 'wrong-secret-pw') });
    expect(failureIds(c)).toEqual(['dbAuthFailed']);
    expect(c.failures[0]!.data!.code).toBe('28P01');
    expect(allText(probe, c)).not.toContain('wrong-secret-pw');
  });

  it('classifies a refused connection by ECONNREFUSED', async () => {
    const port = await closedPort();
    const c = await run(undefined, {}, { url: `postgres://u:topsecret@127.0.0.1:${port}/x?sslmode=disable` });
    expect(failureIds(c)).toEqual(['connectionRefused']);
    expect(c.failures[0]!.location?.target).toBe(`postgres://u:****@127.0.0.1:${port}/x?sslmode=disable`);
    expect(allText(probe, c)).not.toContain('topsecret');
  });

  /** Writes a little WAL and closes the segment, so the archiver has something to do. */
  const nudge = async () => {
    await db.sql('INSERT INTO wal_filler SELECT generate_series(1, 100)');
    await db.sql('SELECT pg_switch_wal()');
  };

  async function waitForArchiver(pred: (row: Record<string, any>) => boolean): Promise<void> {
    const until = Date.now() + 15_000;
    let tick = 0;
    while (Date.now() < until) {
      const r = await db.sql('SELECT * FROM pg_stat_archiver');
      if (pred(r.rows[0])) return;
      // A reload reaches the archiver asynchronously; keep offering it new segments.
      if (++tick % 5 === 0) await nudge();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('archiver did not reach the expected state in 15 s');
  }

  it('reads a successful WAL archive, then fails when a failure is newer than the last success', async () => {
    await db.sql('CREATE TABLE wal_filler AS SELECT generate_series(1, 1000) AS n');
    await nudge();
    await waitForArchiver((row) => row.last_archived_time !== null);
    const ok = await run();
    expect(ok.failures).toEqual([]);
    expect(ok.evidence.join('\n')).toMatch(/WAL archiving ok: last archived \w+ at /);

    await db.sql(`ALTER SYSTEM SET archive_command = 'false'`);
    await db.sql('SELECT pg_reload_conf()');
    await nudge();
    await waitForArchiver((row) => row.last_failed_time !== null && row.last_failed_time > row.last_archived_time);
    const failing = await run();
    expect(failureIds(failing)).toEqual(['archiverFailing']);
    expect(Number(failing.failures[0]!.data!.failedCount)).toBeGreaterThan(0);
    render(probe, failing.failures[0]!);
  });
});
