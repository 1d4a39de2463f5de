// Read-only database access for probes: one connection from the injected factory, one
// READ ONLY transaction with a statement_timeout, ended by the probe's deadline.
import { performance } from 'node:perf_hooks';
import type { Client, ClientConfig, QueryResult } from 'pg';
import { ProbeIoError, classifyError } from '../../io/errors.js';
import { maskDsn } from '../../io/mask.js';

export interface PgIo {
  pg: (config: ClientConfig) => Client;
  signal: AbortSignal;
}

/**
 * Ends a client without waiting on a peer that never closes: pg's end() waits for the socket to
 * close, which a silent server never does; after a short grace the socket is destroyed.
 */
export async function endBounded(client: Client, graceMs = 300): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace'>((resolve) => {
    timer = setTimeout(() => resolve('grace'), graceMs);
  });
  const outcome = await Promise.race([client.end().then(() => 'ended' as const, () => 'ended' as const), graceOver]);
  clearTimeout(timer);
  if (outcome === 'grace') {
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}

export interface ReadOnlySession {
  /**
   * Runs one query inside a savepoint, so a failing query (missing table, no permission) leaves
   * the transaction usable for the next. Returns the error's SQLSTATE instead of throwing when
   * the database refused the query; connection-level failures still throw.
   */
  read<R extends Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ ok: true; result: QueryResult<R> } | { ok: false; sqlstate: string; ms: number }>;
  /** How long connecting took, ms. */
  connectMs: number;
  serverVersion?: string;
}

const SAFE_SQLSTATE_CLASSES = ['42', '22', '0A', '25', '57014'];

function isQueryLevel(code: string): boolean {
  // Errors about this query (syntax, privileges, missing objects, bad data, timeouts)
  // as opposed to the connection or the server being unusable.
  return SAFE_SQLSTATE_CLASSES.some((c) => code.startsWith(c));
}

/**
 * Connects, opens `BEGIN READ ONLY`, sets a local statement_timeout, runs `fn`, rolls back.
 * On the probe's deadline the connection is ended and the deadline reason is thrown.
 */
export async function withReadOnly<T>(
  io: PgIo,
  connectionString: string,
  statementTimeoutMs: number,
  fn: (session: ReadOnlySession) => Promise<T>,
): Promise<T> {
  if (io.signal.aborted) throw io.signal.reason;
  // No pg connect/query timeouts: pg raises those without a code. The connect timeout below and
  // the probe's deadline raise coded errors instead; statement_timeout bounds work on the server.
  const client = io.pg({
    connectionString,
    application_name: 'prodready-probe',
    statement_timeout: statementTimeoutMs,
  });
  // A connection that ends without us ending it was lost (server restart, network): pg says so only
  // in words, so the state is tracked here and turned into a coded error.
  let endedByUs = false;
  let lost = false;
  client.on('error', () => {
    lost = !endedByUs;
  });
  client.on('end', () => {
    lost = lost || !endedByUs;
  });
  const endClient = () => {
    endedByUs = true;
    return endBounded(client);
  };

  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      void endClient();
      reject(io.signal.reason);
    };
    io.signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});

  const work = async () => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const connectTimeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void endClient();
        reject(new ProbeIoError('PRODREADY_DB_CONNECT_TIMEOUT', 'no database connection within the connect timeout'));
      }, statementTimeoutMs);
    });
    try {
      await Promise.race([client.connect(), connectTimeout]);
    } finally {
      clearTimeout(timer);
    }
    const connectMs = Math.round((performance.now() - started) * 10) / 10;
    await client.query('BEGIN READ ONLY');
    // SET does not take parameters; the value is a validated integer.
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(statementTimeoutMs))}`);
    const versionRow = await client.query<{ server_version: string }>('SHOW server_version');
    let n = 0;
    const session: ReadOnlySession = {
      connectMs,
      serverVersion: versionRow.rows[0]?.server_version,
      read: async <R extends Record<string, unknown>>(text: string, values?: unknown[]) => {
        const sp = `prodready_sp_${++n}`;
        await client.query(`SAVEPOINT ${sp}`);
        const queryStarted = performance.now();
        try {
          const result = await client.query<R>(text, values);
          await client.query(`RELEASE SAVEPOINT ${sp}`);
          return { ok: true as const, result };
        } catch (err) {
          const c = classifyError(err);
          if (c && isQueryLevel(c.code)) {
            await client.query(`ROLLBACK TO SAVEPOINT ${sp}`);
            return { ok: false as const, sqlstate: c.code, ms: Math.round((performance.now() - queryStarted) * 10) / 10 };
          }
          throw err;
        }
      },
    };
    try {
      return await fn(session);
    } finally {
      await client.query('ROLLBACK').catch(() => {});
    }
  };

  try {
    return await Promise.race([work(), aborted]);
  } catch (err) {
    if (lost && classifyError(err) === undefined) {
      throw new ProbeIoError('PRODREADY_DB_CONNECTION_LOST', 'the database connection was lost', {}, [], err);
    }
    throw err;
  } finally {
    if (onAbort) io.signal.removeEventListener('abort', onAbort);
    await endClient();
  }
}

/** Words for a SQLSTATE a probe could not read past. */
export function describeSqlState(code: string): string {
  switch (code) {
    case '42501':
      return 'permission denied (42501)';
    case '42P01':
      return 'table or view does not exist (42P01)';
    case '42703':
      return 'column does not exist (42703)';
    case '42601':
      return 'syntax error in the query (42601)';
    case '57014':
      return 'statement_timeout reached (57014)';
    case '25006':
      return 'the query tried to write in a read-only transaction (25006)';
    default:
      return `SQLSTATE ${code}`;
  }
}

export interface DatabaseProbeContext extends PgIo {
  target: { databaseUrl?: string; databaseUrlSource?: string };
  report: (r: import('../../core/define.js').Report) => void;
  evidence: (fact: string) => void;
}

/**
 * The common frame of a database probe: connect read-only to the target's DSN, note how and
 * how fast, and turn a connection failure (refused, auth, unknown database, deadline) into a
 * finding on the masked DSN. Returns undefined when it could not connect.
 */
export async function withTargetDatabase<T>(
  ctx: DatabaseProbeContext,
  statementTimeoutMs: number,
  fn: (session: ReadOnlySession, shown: string) => Promise<T>,
): Promise<T | undefined> {
  const dsn = ctx.target.databaseUrl!;
  const shown = maskDsn(dsn);
  const started = performance.now();
  try {
    return await withReadOnly(ctx, dsn, statementTimeoutMs, async (session) => {
      const via = ctx.target.databaseUrlSource ? ` (DSN from ${ctx.target.databaseUrlSource})` : '';
      ctx.evidence(
        `connected to ${shown} in ${session.connectMs} ms, READ ONLY transaction, statement_timeout ${statementTimeoutMs} ms, PostgreSQL ${session.serverVersion ?? 'unknown'}${via}`,
      );
      return fn(session, shown);
    });
  } catch (err) {
    const c = classifyError(err);
    if (!c) throw err;
    ctx.report({
      messageId: c.messageId,
      data: { target: shown, code: c.code, ...c.data },
      location: { target: shown },
      evidence: [`${shown}: ${c.code} after ${Math.round((performance.now() - started) * 10) / 10} ms`],
    });
    return undefined;
  }
}
