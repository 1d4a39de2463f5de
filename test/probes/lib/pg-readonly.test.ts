// A query from the config file cannot leave the read-only session: payloads that COMMIT, ROLLBACK,
// SET or write are run through the backup probe against a real PostgreSQL, and the catalogue is
// the same afterwards. Each ends as a coded finding, never a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import probe from '../../../src/probes/backup-marker-fresh.js';
import { parseDsn } from '../../../src/io/dsn.js';
import { QUERY_REFUSED, TRANSACTION_ENDED, firstKeyword, withReadOnly } from '../../../src/probes/lib/pg.js';
import { createProbeIO } from '../../../src/engine/probe-runner.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { render, runWith, unknownIds } from '../../helpers/probe-context.js';

let db: TestPostgres;

beforeAll(async () => {
  db = await startPostgres({ backupMarker: true });
  await db.sql(`INSERT INTO prodready_backup_marker (completed_at) VALUES (now() - interval '1 hour')`);
  await db.sql('CREATE TABLE victim (id int)');
  await db.sql('INSERT INTO victim VALUES (1), (2)');
}, 120_000);

afterAll(async () => {
  await db?.stop();
});

/** Everything that could change: relations in the catalogue, and the victim's rows. */
async function snapshot(): Promise<string> {
  const rels = await db.sql(`SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1`);
  const rows = await db.sql('SELECT count(*)::int AS n FROM victim');
  return JSON.stringify({ rels: rels.rows, victim: rows.rows[0].n });
}

const PAYLOADS: Array<[string, string]> = [
  ['COMMIT; CREATE TABLE pwn_commit (x int); SELECT now() AS completed_at', QUERY_REFUSED],
  ['ROLLBACK; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; DROP TABLE victim', QUERY_REFUSED],
  ['SET LOCAL statement_timeout = 0', QUERY_REFUSED],
  ['SET default_transaction_read_only = off', QUERY_REFUSED],
  ['CREATE TABLE pwn_single (x int)', QUERY_REFUSED],
  ['DROP TABLE victim', QUERY_REFUSED],
  ['/* hidden */ -- comment\n COMMIT', QUERY_REFUSED],
  // Starts as a read, so it is sent: the extended protocol refuses a second statement (42601).
  ['SELECT now() AS completed_at; CREATE TABLE pwn_multi (x int)', '42601'],
  ['SELECT now() AS completed_at; COMMIT; DROP TABLE victim', '42601'],
  // One statement that writes through a CTE: the READ ONLY transaction refuses it (25006).
  ['WITH d AS (DELETE FROM victim RETURNING id) SELECT now() AS completed_at FROM d', '25006'],
  ['SELECT now() AS completed_at FROM victim FOR UPDATE', '25006'],
];

describe('backupMarkerQuery cannot write or leave the read-only session', () => {
  it.each(PAYLOADS)('%s → %s, catalogue unchanged', async (query, code) => {
    const before = await snapshot();
    const c = await runWith(probe, { target: { databaseUrl: db.url }, config: { backupMarkerQuery: query } }, { checkArchiver: false });
    expect(await snapshot()).toBe(before);
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['markerUnreadable']);
    expect(render(probe, c.unknowns[0]!)).toContain(code);
  });
});

describe('the session itself', () => {
  async function session<T>(dsn: string, fn: Parameters<typeof withReadOnly<T>>[3]): Promise<T> {
    const io = createProbeIO({ timeoutMs: 5000 });
    const parsed = parseDsn(dsn);
    if (!parsed.ok) throw new Error(parsed.message);
    try {
      return await withReadOnly({ pg: io.pg, signal: AbortSignal.timeout(10_000) }, parsed.dsn, { statementTimeoutMs: 1500 }, fn);
    } finally {
      await io.close();
    }
  }

  it('is read-only and bounded from its start, even when the DSN options say otherwise', async () => {
    const dsn = `${db.url}&options=${encodeURIComponent('-c default_transaction_read_only=off -c statement_timeout=0')}`;
    const settings = await session(dsn, async (s) => {
      const r = await s.read<{ ro: string; st: string; tro: string }>(
        `SELECT current_setting('default_transaction_read_only') AS ro, current_setting('statement_timeout') AS st, current_setting('transaction_read_only') AS tro`,
      );
      if (!r.ok) throw new Error(r.sqlstate);
      return r.result.rows[0];
    });
    expect(settings).toEqual({ ro: 'on', st: '1500ms', tro: 'on' });
  });

  it('what a SELECT sets with set_config is rolled back with its savepoint', async () => {
    const after = await session(db.url, async (s) => {
      const set = await s.read(`SELECT set_config('statement_timeout', '0', false) AS a, set_config('default_transaction_read_only', 'off', false) AS b`);
      expect(set.ok).toBe(true);
      const r = await s.read<{ ro: string; st: string }>(`SELECT current_setting('default_transaction_read_only') AS ro, current_setting('statement_timeout') AS st`);
      if (!r.ok) throw new Error(r.sqlstate);
      return r.result.rows[0];
    });
    expect(after).toEqual({ ro: 'on', st: '1500ms' });
  });

  it('a changed transaction mode is refused inside the read-only transaction (25001 or refused unsent)', async () => {
    const codes = await session(db.url, async (s) => {
      const a = await s.read(`SELECT set_config('transaction_read_only', 'off', true) AS x`);
      const b = await s.read('SET TRANSACTION READ WRITE');
      return [a.ok ? 'ok' : a.sqlstate, b.ok ? 'ok' : b.sqlstate];
    });
    expect(codes[0]).toMatch(/^25/);
    expect(codes[1]).toBe(QUERY_REFUSED);
  });

  it('names its own codes, distinct from SQLSTATEs', () => {
    expect(QUERY_REFUSED).not.toMatch(/^[0-9A-Z]{5}$/);
    expect(TRANSACTION_ENDED).not.toMatch(/^[0-9A-Z]{5}$/);
    expect(firstKeyword('  /* a /* nested */ comment */ -- x\n ( WITH q AS (SELECT 1) SELECT * FROM q)')).toBe('with');
    expect(firstKeyword('-- only a comment')).toBeUndefined();
  });
});
