import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import probe from '../../src/probes/backup-marker-fresh.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { closedPort } from '../helpers/http-server.js';
import { notTlsServer, resettingServer, silentServer, tlsServer, servedPerTest } from '../helpers/pg-loopback.js';
import { makePki } from '../helpers/tls.js';
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
    expect(c.unknowns[0]!.data!.reason).toBe('statement_timeout reached (57014)');
    expect(c.unknowns[0]!.data!.fix).toBe('raise statementTimeoutMs or index the marker table');
  });

  it('tells a query canceled by someone else (57014 too) from one that hit its timeout', async () => {
    const probing = run(`SELECT now() AS completed_at FROM pg_sleep(5) AS canceled_marker`, { statementTimeoutMs: 20_000 });
    // Cancel the probe's query from another session once it runs (bounded: 50 tries, 100 ms apart). Only once it
    // sleeps: the statement's text shows from its Parse message on, and a cancel that arrives before Execute, while
    // the backend waits for the client, is ignored by the server, so the query would then run to its end.
    let canceled = false;
    for (let i = 0; i < 50 && !canceled; i += 1) {
      const r = await db.sql(
        `SELECT pg_cancel_backend(pid) AS ok FROM pg_stat_activity WHERE query LIKE '%canceled_marker%' AND state = 'active' AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()`,
      );
      canceled = r.rows.some((row: { ok: boolean }) => row.ok);
      if (!canceled) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(canceled).toBe(true);
    const c = await probing;
    expect(unknownIds(c)).toEqual(['markerUnreadable']);
    expect(c.unknowns[0]!.data!.reason).toBe('the statement was canceled by a cancel request, not by its timeout (57014)');
    expect(c.unknowns[0]!.data!.fix).toMatch(/run the probe again/);
  }, 30_000);

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

  // Each way the database step can fail, against the real server or a loopback endpoint that fails as
  // a broken one does: every one is a coded finding on the masked DSN (or unknown), never a stack.
  describe('connection and reading failures', () => {
    const serve = servedPerTest();
    beforeAll(async () => {
      // 53300 for this role at every connection attempt.
      await db.sql(`CREATE ROLE probe_limited LOGIN PASSWORD 'limited-pw' CONNECTION LIMIT 0`);
      // 55000 for every role, the superuser too.
      await db.sql('CREATE DATABASE closed_db');
      await db.sql('ALTER DATABASE closed_db ALLOW_CONNECTIONS false');
      await db.sql(`CREATE ROLE probe_noarchiver LOGIN PASSWORD 'noarchiver-pw'`);
    });
    const url = (change: (u: string) => string) => change(db.url);

    it('a wrong database name: dbNotFound (3D000)', async () => {
      const c = await run(undefined, {}, { url: url((u) => u.replace('/postgres?', '/no_such_db?')) });
      expect(failureIds(c)).toEqual(['dbNotFound']);
      expect(c.failures[0]!.data!.code).toBe('3D000');
      expect(allText(probe, c)).not.toContain(db.password);
    });

    it('a role over its connection limit: dbUnavailable (53300)', async () => {
      const c = await run(undefined, {}, { url: db.urlFor('probe_limited', 'limited-pw') });
      expect(failureIds(c)).toEqual(['dbUnavailable']);
      expect(c.failures[0]!.data!.code).toBe('53300');
    });

    it('a database that allows no connections: dbError (55000)', async () => {
      const c = await run(undefined, {}, { url: url((u) => u.replace('/postgres?', '/closed_db?')) });
      expect(failureIds(c)).toEqual(['dbError']);
      expect(c.failures[0]!.data!.code).toBe('55000');
    });

    it('no password in the DSN when the server asks for one: dbNoPassword', async () => {
      const c = await run(undefined, {}, { url: `postgres://${db.user}@127.0.0.1:${db.port}/postgres?sslmode=disable` });
      expect(failureIds(c)).toEqual(['dbNoPassword']);
      expect(c.failures[0]!.data!.code).toBe('PRODREADY_DB_NO_PASSWORD');
    });

    it('sslmode=require against a server without TLS: dbTlsRefused, no plain fallback', async () => {
      const c = await run(undefined, {}, { url: url((u) => u.replace('sslmode=disable', 'sslmode=require')) });
      expect(failureIds(c)).toEqual(['dbTlsRefused']);
      expect(c.failures[0]!.data!.code).toBe('PRODREADY_DB_TLS_REFUSED');
    });

    it('an sslrootcert file that does not exist: dbSslFile naming the keyword', async () => {
      const missing = path.join(os.tmpdir(), 'prodready-no-such-dir', 'root.crt');
      const c = await run(undefined, {}, { url: url((u) => u.replace('sslmode=disable', `sslmode=verify-full&sslrootcert=${encodeURIComponent(missing)}`)) });
      expect(failureIds(c)).toEqual(['dbSslFile']);
      expect(c.failures[0]!.data).toMatchObject({ code: 'PRODREADY_DB_SSL_FILE', keyword: 'sslrootcert', reason: 'ENOENT' });
    });

    it('a DSN with an unknown keyword: dsnInvalid, nothing sent, no password shown', async () => {
      const c = await run(undefined, {}, { url: `host=127.0.0.1 port=${db.port} password=kv-secret-pw bogus_key=1` });
      expect(failureIds(c)).toEqual(['dsnInvalid']);
      expect(c.failures[0]!.data!.code).toBe('dsn-unknown-keyword');
      expect(allText(probe, c)).not.toContain('kv-secret-pw');
    });

    it('no DSN at all: missingInput, unknown', async () => {
      const c = await runWith(probe, { target: {} });
      expect(c.failures).toEqual([]);
      expect(unknownIds(c)).toEqual(['missingInput']);
    });

    it('a completed_at that is not a time: markerUnparseable, unknown rather than fresh or stale', async () => {
      const c = await run(`SELECT 'last tuesday'::text AS completed_at`, { checkArchiver: false });
      expect(c.failures).toEqual([]);
      expect(unknownIds(c)).toEqual(['markerUnparseable']);
      expect(c.unknowns[0]!.data!.value).toBe('last tuesday');
    });

    it('a role that may not read pg_stat_archiver: archiverUnreadable (42501), the marker still judged', async () => {
      await db.sql('REVOKE SELECT ON pg_catalog.pg_stat_archiver FROM PUBLIC');
      try {
        const c = await run(`SELECT now() AS completed_at`, {}, { url: db.urlFor('probe_noarchiver', 'noarchiver-pw') });
        expect(c.failures).toEqual([]);
        expect(unknownIds(c)).toEqual(['archiverUnreadable']);
        expect(render(probe, c.unknowns[0]!)).toContain('permission denied (42501)');
        expect(render(probe, c.unknowns[0]!)).toContain('grant pg_monitor');
        expect(c.evidence.join('\n')).toMatch(/newest backup marker .*, 0 h old/);
      } finally {
        await db.sql('GRANT SELECT ON pg_catalog.pg_stat_archiver TO PUBLIC');
      }
    });

    it('an endpoint that accepts and never answers: connectTimeout', async () => {
      const port = await serve(silentServer());
      const c = await run(undefined, { statementTimeoutMs: 200 }, { url: `postgres://u:pw-silent@127.0.0.1:${port}/db?sslmode=disable` });
      expect(failureIds(c)).toEqual(['connectTimeout']);
      expect(c.failures[0]!.data!.code).toBe('PRODREADY_DB_CONNECT_TIMEOUT');
    });

    it('an endpoint that resets the connection: connectionReset', async () => {
      const port = await serve(resettingServer());
      const c = await run(undefined, {}, { url: `postgres://u:pw@127.0.0.1:${port}/db?sslmode=disable` });
      expect(failureIds(c)).toEqual(['connectionReset']);
      expect(['ECONNRESET', 'PRODREADY_DB_CONNECTION_LOST']).toContain(c.failures[0]!.data!.code);
    });

    it('an endpoint that agrees to TLS and then sends no TLS: tlsFailed', async () => {
      const port = await serve(notTlsServer());
      const c = await run(undefined, {}, { url: `postgres://u:pw@127.0.0.1:${port}/db?sslmode=require` });
      expect(failureIds(c)).toEqual(['tlsFailed']);
      expect(String(c.failures[0]!.data!.code)).toMatch(/^(EPROTO|ERR_SSL_)/);
    });

    it('a certificate from a CA nobody named, with sslmode=verify-full: certificateInvalid', async () => {
      const pki = await makePki();
      const port = await serve(tlsServer(pki.serverCert, pki.serverKey));
      const c = await run(undefined, {}, { url: `postgres://u:pw@127.0.0.1:${port}/db?sslmode=verify-full` });
      expect(failureIds(c)).toEqual(['certificateInvalid']);
      expect(render(probe, c.failures[0]!)).toContain('--ca-file');
    });

    it('an endpoint still silent at the probe deadline (8 s, before the 20 s connect bound): deadlineExceeded', async () => {
      const port = await serve(silentServer());
      const c = await run(undefined, { statementTimeoutMs: 20_000 }, { url: `postgres://u:pw@127.0.0.1:${port}/db?sslmode=disable` });
      expect(failureIds(c)).toEqual(['deadlineExceeded']);
      expect(c.failures[0]!.data!.code).toBe('PRODREADY_DEADLINE');
    }, 20_000);
  });
});
