// Read-only database access for probes: the target's DSN parsed as libpq parses it (dsn.ts) and
// turned into an explicit pg config (never a connection string), TLS as its sslmode says, a
// session read-only and time-bounded from its startup packet, one READ ONLY transaction, and
// every query run as one statement on the extended protocol inside a savepoint that is rolled
// back, so nothing a query sets or changes outlives it.
import { readFile, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { Client, ClientConfig, QueryResult } from 'pg';
import { ProbeIoError, cancelCause, classifyError, type CancelCause } from '../../io/errors.js';
import { describeHost, parseDsn, type DsnHost, type ParsedDsn } from '../../io/dsn.js';
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

// ---------------------------------------------------------------------------------------------
// TLS as libpq's sslmode says

/** PEM files the DSN names, read once per connection attempt (bounded). */
export interface TlsFiles {
  rootcert?: string;
  cert?: string;
  key?: string;
}

const MAX_PEM_BYTES = 1024 * 1024;

async function readPem(keyword: string, file: string): Promise<string> {
  try {
    const st = await stat(file);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    if (st.size > MAX_PEM_BYTES) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
    return await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ProbeIoError('PRODREADY_DB_SSL_FILE', `the ${keyword} file cannot be read`, { keyword, reason });
  }
}

/** Reads sslrootcert (unless `system`), sslcert and sslkey. */
export async function readTlsFiles(dsn: ParsedDsn): Promise<TlsFiles> {
  const files: TlsFiles = {};
  if (dsn.sslrootcert !== undefined && dsn.sslrootcert !== 'system') files.rootcert = await readPem('sslrootcert', dsn.sslrootcert);
  if (dsn.sslcert !== undefined) files.cert = await readPem('sslcert', dsn.sslcert);
  if (dsn.sslkey !== undefined) files.key = await readPem('sslkey', dsn.sslkey);
  return files;
}

/** One way of connecting to one host: plain, or TLS with these options. */
export interface TlsAttempt {
  ssl: false | tls.ConnectionOptions;
  /** For evidence: `TLS, chain and host name verified`, `no TLS (sslmode=disable)`. */
  label: string;
  /** Which failure of this attempt lets the next one (sslmode allow/prefer) be tried. */
  fallbackOn?: 'tls-refused' | 'server-error';
}

/**
 * The attempts libpq would make for this host and sslmode:
 * - Unix-domain socket: no TLS, whatever the mode (libpq never uses TLS over a socket).
 * - disable: plain. allow: plain, then TLS if the server turns the plain session down.
 * - prefer: TLS, then plain only if the server does not offer TLS at all. Unlike libpq, a TLS
 *   handshake that fails (a certificate that does not verify against a root certificate) is
 *   not retried in plain: a failed verification never turns into a silent downgrade.
 * - require: TLS without verification; with a root certificate (sslrootcert, or --ca-file,
 *   which plays the part of libpq's ~/.postgresql/root.crt) the chain is verified, as libpq
 *   verifies it when a root certificate file exists (verify-ca).
 * - verify-ca: chain verified, not the name. verify-full: chain and the `host` name (not
 *   `hostaddr`). Never downgraded. Without sslrootcert the system CAs (plus --ca-file) are used
 *   where libpq would require ~/.postgresql/root.crt.
 */
export function tlsAttempts(dsn: ParsedDsn, host: DsnHost, files: TlsFiles, extraCaPem?: string): TlsAttempt[] {
  const mode = dsn.sslmode;
  if (host.socket) return [{ ssl: false, label: `no TLS (Unix-domain socket; sslmode=${mode} applies to TCP only, as in libpq)` }];
  if (mode === 'disable') return [{ ssl: false, label: 'no TLS (sslmode=disable)' }];

  const haveRoot = files.rootcert !== undefined || dsn.sslrootcert === 'system' || extraCaPem !== undefined;
  const ca =
    files.rootcert !== undefined
      ? [files.rootcert]
      : extraCaPem !== undefined && dsn.sslrootcert !== 'system'
        ? [...tls.rootCertificates, extraCaPem]
        : undefined; // Node's default: the system's CAs
  const nameToVerify = host.host ?? host.hostaddr ?? 'localhost';
  const common: tls.ConnectionOptions = {
    ...(files.cert !== undefined ? { cert: files.cert } : {}),
    ...(files.key !== undefined ? { key: files.key } : {}),
    ...(dsn.sslpassword !== undefined ? { passphrase: dsn.sslpassword } : {}),
    ...(dsn.sslMinProtocol ? { minVersion: dsn.sslMinProtocol } : { minVersion: 'TLSv1.2' as const }),
    ...(dsn.sslMaxProtocol ? { maxVersion: dsn.sslMaxProtocol } : {}),
    // SNI carries the name (never an IP address, RFC 6066), also when connecting to hostaddr.
    ...(dsn.sslsni && host.host !== undefined && net.isIP(host.host) === 0 ? { servername: host.host } : {}),
  };
  const unverified: tls.ConnectionOptions = { ...common, rejectUnauthorized: false };
  const chainOnly: tls.ConnectionOptions = { ...common, ...(ca ? { ca } : {}), rejectUnauthorized: true, checkServerIdentity: () => undefined };
  const full: tls.ConnectionOptions = {
    ...common,
    ...(ca ? { ca } : {}),
    rejectUnauthorized: true,
    checkServerIdentity: (_servername, cert) => tls.checkServerIdentity(nameToVerify, cert),
  };
  const weak = haveRoot ? chainOnly : unverified;
  const weakLabel = haveRoot ? 'TLS, certificate chain verified (a root certificate was given)' : 'TLS, certificate not verified';
  switch (mode) {
    case 'allow':
      return [
        { ssl: false, label: 'no TLS (sslmode=allow: plain first)', fallbackOn: 'server-error' },
        { ssl: weak, label: `${weakLabel} (sslmode=allow: the server refused a plain session)` },
      ];
    case 'prefer':
      return [
        { ssl: weak, label: `${weakLabel} (sslmode=${dsn.sslmodeGiven ? 'prefer' : 'prefer, libpq default'})`, fallbackOn: 'tls-refused' },
        { ssl: false, label: 'no TLS (sslmode=prefer: the server does not offer TLS)' },
      ];
    case 'require':
      return [{ ssl: weak, label: `${weakLabel} (sslmode=require)` }];
    case 'verify-ca':
      return [{ ssl: chainOnly, label: 'TLS, certificate chain verified (sslmode=verify-ca)' }];
    case 'verify-full':
      return [{ ssl: full, label: `TLS, certificate chain and host name ${nameToVerify} verified (sslmode=verify-full)` }];
  }
}

// ---------------------------------------------------------------------------------------------
// The pg config, read-only from the startup packet

/**
 * Server options that make the session read-only and bounded before any query runs. They come
 * after the DSN's own `options`, and the server applies `-c` switches in order, so the last word
 * is ours; a query cannot undo them for the transaction it runs in (see read()).
 */
export function startupOptions(statementTimeoutMs: number): string {
  const ms = Math.max(1, Math.floor(statementTimeoutMs));
  return [
    '-c default_transaction_read_only=on',
    `-c statement_timeout=${ms}`,
    `-c lock_timeout=${ms}`,
    `-c idle_in_transaction_session_timeout=${Math.max(ms * 4, 10_000)}`,
  ].join(' ');
}

/**
 * The explicit config for pg: every field set, so pg reads nothing from PG* environment
 * variables or ~/.pgpass (a probe never reads the environment).
 */
export function clientConfig(dsn: ParsedDsn, host: DsnHost, ssl: false | tls.ConnectionOptions, statementTimeoutMs: number): ClientConfig {
  const user = dsn.user ?? os.userInfo().username;
  const password = dsn.password;
  return {
    host: host.socket ? host.host! : (host.hostaddr ?? host.host ?? 'localhost'),
    port: host.port,
    user,
    database: dsn.dbname ?? user,
    // A function, not '' or undefined (which pg would fill from PGPASSWORD or ~/.pgpass).
    password:
      password !== undefined && password !== ''
        ? password
        : () => {
            throw new ProbeIoError('PRODREADY_DB_NO_PASSWORD', 'the server asks for a password and the DSN has none');
          },
    application_name: dsn.applicationName ?? 'prodready-probe',
    options: [dsn.options, startupOptions(statementTimeoutMs)].filter(Boolean).join(' '),
    statement_timeout: Math.max(1, Math.floor(statementTimeoutMs)),
    client_encoding: 'UTF8',
    sslnegotiation: 'postgres',
    ssl,
  };
}

// ---------------------------------------------------------------------------------------------
// One statement, read only

const READ_STATEMENTS = new Set(['select', 'with', 'values', 'table']);

/**
 * The first keyword of a statement, past whitespace, comments (`--`, nested `/* *\/`) and opening
 * parentheses; lowercase. Undefined when there is none.
 */
export function firstKeyword(sql: string): string | undefined {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c) || c === '(') {
      i++;
    } else if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      }
    } else break;
  }
  const m = /^[A-Za-z_]+/.exec(sql.slice(i));
  return m ? m[0].toLowerCase() : undefined;
}

/** Codes read() gives for queries it refused or could not contain; not SQLSTATEs. */
export const QUERY_REFUSED = 'PRODREADY_QUERY_NOT_A_READ';
export const TRANSACTION_ENDED = 'PRODREADY_QUERY_ENDED_TRANSACTION';

export interface ReadOnlySession {
  /**
   * Runs one statement (SELECT, WITH, VALUES or TABLE; anything else is refused unsent) on the
   * extended protocol, which refuses several statements in one, inside a savepoint that is rolled
   * back afterwards: whatever the query set (SET, set_config) is undone. Returns the SQLSTATE (or
   * one of the codes above) instead of throwing when the query was refused; connection-level
   * failures still throw.
   */
  read<R extends Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ ok: true; result: QueryResult<R> } | ReadRefused>;
  /** How long connecting took, ms. */
  connectMs: number;
  serverVersion?: string;
  /** Which host answered and how: `127.0.0.1:5432, TLS, …; server: TLSv1.3`. */
  connection: string;
}

/** Why a 57014 was raised, told from the server's message: the same distinction at connection level (io/errors.ts). */
export { cancelCause, type CancelCause };

/** A query the session did not run to the end: its SQLSTATE (or one of the codes above), and why, for 57014. */
export interface ReadRefused {
  ok: false;
  sqlstate: string;
  ms: number;
  cancelCause?: CancelCause;
}

const SAFE_SQLSTATE_CLASSES = ['42', '22', '0A', '25', '57014', '55P03', '3B'];

function isQueryLevel(code: string): boolean {
  // Errors about this query (syntax, privileges, missing objects, bad data, timeouts, lock
  // timeouts, savepoints) as opposed to the connection or the server being unusable.
  return SAFE_SQLSTATE_CLASSES.some((c) => code.startsWith(c));
}

// ---------------------------------------------------------------------------------------------
// Connecting

interface Connected {
  client: Client;
  end: () => Promise<void>;
  lost: () => boolean;
}

/**
 * One connection attempt, bounded by `timeoutMs` and the probe's signal. A server that answers
 * the TLS request with 'N' (no TLS) is told apart by that byte, not by pg's words.
 */
async function connectOnce(io: PgIo, config: ClientConfig, timeoutMs: number): Promise<Connected> {
  const client = io.pg(config);
  let endedByUs = false;
  let lost = false;
  client.on('error', () => {
    lost = !endedByUs;
  });
  client.on('end', () => {
    lost = lost || !endedByUs;
  });
  const end = () => {
    endedByUs = true;
    return endBounded(client);
  };
  let tlsAnswer: string | undefined;
  if (config.ssl) {
    const stream = (client as unknown as { connection?: { stream?: NodeJS.EventEmitter } }).connection?.stream;
    stream?.once('data', (chunk: Buffer) => {
      tlsAnswer = chunk.subarray(0, 1).toString('latin1');
    });
  }
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const bounded = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void end();
      reject(new ProbeIoError('PRODREADY_DB_CONNECT_TIMEOUT', 'no database connection within the connect timeout'));
    }, timeoutMs);
    onAbort = () => {
      void end();
      reject(io.signal.reason);
    };
    io.signal.addEventListener('abort', onAbort, { once: true });
  });
  bounded.catch(() => {});
  try {
    await Promise.race([client.connect(), bounded]);
    return { client, end, lost: () => lost };
  } catch (err) {
    await end();
    if (config.ssl && tlsAnswer === 'N') {
      throw new ProbeIoError('PRODREADY_DB_TLS_REFUSED', 'the server does not offer TLS', {}, [], err);
    }
    if (classifyError(err) === undefined && lost) {
      throw new ProbeIoError('PRODREADY_DB_CONNECTION_LOST', 'the database connection was lost', {}, [], err);
    }
    throw err;
  } finally {
    clearTimeout(timer);
    if (onAbort) io.signal.removeEventListener('abort', onAbort);
  }
}

function hasSqlState(err: unknown): boolean {
  const c = classifyError(err);
  return c !== undefined && /^[0-9A-Z]{5}$/.test(c.code) && /[0-9]/.test(c.code);
}

/** Is this a failure to reach a host (libpq then tries the next one), not an answer from it? */
function unreachable(err: unknown): boolean {
  const c = classifyError(err);
  if (!c) return false;
  return ['connectionRefused', 'dnsFailure', 'connectTimeout', 'networkError', 'socketMissing', 'connectionReset'].includes(c.messageId);
}

export interface ConnectOptions {
  statementTimeoutMs: number;
  /** --ca-file: trusted besides the system CAs when the DSN names no sslrootcert. */
  extraCaPem?: string;
}

/**
 * Tries the DSN's hosts in order as libpq does (the next host only when one cannot be reached;
 * an answer such as a refused password ends the search), each with the attempts its sslmode
 * allows. Returns the connection and how it was made.
 */
async function connectDsn(io: PgIo, dsn: ParsedDsn, opts: ConnectOptions): Promise<Connected & { how: string }> {
  const files = await readTlsFiles(dsn);
  // libpq's connect_timeout is per host; without one, the statement timeout bounds connecting too.
  const timeoutMs = dsn.connectTimeoutS ? Math.min(dsn.connectTimeoutS * 1000, 60_000) : opts.statementTimeoutMs;
  let last: unknown;
  for (const [i, host] of dsn.hosts.entries()) {
    const attempts = tlsAttempts(dsn, host, files, opts.extraCaPem);
    for (const [j, attempt] of attempts.entries()) {
      if (io.signal.aborted) throw io.signal.reason;
      try {
        const c = await connectOnce(io, clientConfig(dsn, host, attempt.ssl, opts.statementTimeoutMs), timeoutMs);
        const tried = i > 0 ? `, after ${i} unreachable host(s)` : '';
        return { ...c, how: `${describeHost(host)}${tried}, ${attempt.label}` };
      } catch (err) {
        last = err;
        const next = attempts[j + 1];
        const code = classifyError(err)?.code;
        if (next && attempt.fallbackOn === 'tls-refused' && code === 'PRODREADY_DB_TLS_REFUSED') continue;
        if (next && attempt.fallbackOn === 'server-error' && hasSqlState(err)) continue;
        if (i < dsn.hosts.length - 1 && unreachable(err)) break;
        throw err;
      }
    }
  }
  throw last;
}

/**
 * Connects read-only to a parsed DSN, opens `BEGIN READ ONLY`, runs `fn`, rolls back.
 * On the probe's deadline the connection is ended and the deadline reason is thrown.
 */
export async function withReadOnly<T>(
  io: PgIo,
  dsn: ParsedDsn,
  opts: ConnectOptions,
  fn: (session: ReadOnlySession) => Promise<T>,
): Promise<T> {
  if (io.signal.aborted) throw io.signal.reason;
  let connected: (Connected & { how: string }) | undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      if (connected) void connected.end();
      reject(io.signal.reason);
    };
    io.signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});

  const work = async () => {
    const started = performance.now();
    connected = await connectDsn(io, dsn, opts);
    const client = connected.client;
    const connectMs = Math.round((performance.now() - started) * 10) / 10;
    await client.query('BEGIN READ ONLY');
    const versionRow = await client.query<{ server_version: string }>('SHOW server_version');
    // What the server itself says about this session's encryption: the evidence for sslmode.
    const sslRow = await client
      .query<{ ssl: boolean; version: string | null }>('SELECT ssl, version FROM pg_catalog.pg_stat_ssl WHERE pid = pg_catalog.pg_backend_pid()')
      .catch(() => undefined);
    const ssl = sslRow?.rows[0];
    const serverSays = ssl === undefined ? 'pg_stat_ssl unreadable' : ssl.ssl ? `pg_stat_ssl: encrypted, ${ssl.version ?? 'TLS'}` : 'pg_stat_ssl: not encrypted';
    let n = 0;
    let ended = false;
    const session: ReadOnlySession = {
      connectMs,
      serverVersion: versionRow.rows[0]?.server_version,
      connection: `${connected.how}; ${serverSays}`,
      read: async <R extends Record<string, unknown>>(text: string, values?: unknown[]) => {
        const queryStarted = performance.now();
        const ms = () => Math.round((performance.now() - queryStarted) * 10) / 10;
        const keyword = firstKeyword(text);
        if (keyword === undefined || !READ_STATEMENTS.has(keyword)) return { ok: false as const, sqlstate: QUERY_REFUSED, ms: 0 };
        if (ended) return { ok: false as const, sqlstate: TRANSACTION_ENDED, ms: 0 };
        const sp = `prodready_sp_${++n}`;
        await client.query(`SAVEPOINT ${sp}`);
        let outcome: { ok: true; result: QueryResult<R> } | ReadRefused;
        try {
          // queryMode 'extended': Parse/Bind/Execute, which takes exactly one statement.
          const result = await client.query<R>({ text, values: values ?? [], queryMode: 'extended' } as never);
          outcome = { ok: true as const, result: result as unknown as QueryResult<R> };
        } catch (err) {
          const c = classifyError(err);
          if (!c || !isQueryLevel(c.code)) throw err;
          outcome = { ok: false as const, sqlstate: c.code, ms: ms(), ...(c.code === '57014' ? { cancelCause: cancelCause(err) } : {}) };
        }
        try {
          // Always back to the savepoint: SET, SET LOCAL and set_config done by the query end here.
          await client.query(`ROLLBACK TO SAVEPOINT ${sp}`);
        } catch (err) {
          const c = classifyError(err);
          if (!c || !isQueryLevel(c.code)) throw err;
          // The savepoint is gone: the statement ended the transaction. Nothing more runs on it.
          ended = true;
          return { ok: false as const, sqlstate: TRANSACTION_ENDED, ms: ms() };
        }
        return outcome;
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
    if (connected?.lost() && classifyError(err) === undefined) {
      throw new ProbeIoError('PRODREADY_DB_CONNECTION_LOST', 'the database connection was lost', {}, [], err);
    }
    throw err;
  } finally {
    if (onAbort) io.signal.removeEventListener('abort', onAbort);
    if (connected) await connected.end();
  }
}

/** Words for a SQLSTATE (or one of read()'s own codes) a probe could not read past. */
export function describeSqlState(code: string, cause?: CancelCause): string {
  if (code === '57014' && cause === 'recovery-conflict') {
    return 'canceled by a conflict with recovery: the server is a standby replaying changes the query needed (57014)';
  }
  if (code === '57014' && cause === 'canceled') return 'the statement was canceled by a cancel request, not by its timeout (57014)';
  switch (code) {
    case '42501':
      return 'permission denied (42501)';
    case '42P01':
      return 'table or view does not exist (42P01)';
    case '42703':
      return 'column does not exist (42703)';
    case '42601':
      return 'syntax error in the query, or more than one statement (42601)';
    case '57014':
      return 'statement_timeout reached (57014)';
    case '55P03':
      return 'lock_timeout reached (55P03)';
    case '25006':
      return 'the query tried to write in a read-only transaction (25006)';
    case '25001':
      return 'the query tried to change the read-only transaction (25001)';
    case QUERY_REFUSED:
      return `the query is not one read-only statement (SELECT, WITH, VALUES or TABLE) and was not sent (${QUERY_REFUSED})`;
    case TRANSACTION_ENDED:
      return `the query ended the read-only transaction; nothing more was run on it (${TRANSACTION_ENDED})`;
    default:
      return `SQLSTATE ${code}`;
  }
}

export interface DatabaseProbeContext extends PgIo {
  target: { databaseUrl?: string; databaseUrlSource?: string; caPem?: string };
  report: (r: import('../../core/define.js').Report) => void;
  evidence: (fact: string) => void;
}

/**
 * The common frame of a database probe: parse the target's DSN (refused: a coded finding),
 * connect read-only, note how and how fast, and turn a connection failure (refused, auth,
 * unknown database, deadline, missing socket, unreadable certificate file) into a finding on
 * the masked DSN. Returns undefined when it could not connect.
 */
export async function withTargetDatabase<T>(
  ctx: DatabaseProbeContext,
  statementTimeoutMs: number,
  fn: (session: ReadOnlySession, shown: string) => Promise<T>,
): Promise<T | undefined> {
  const raw = ctx.target.databaseUrl!;
  const shown = maskDsn(raw);
  const parsed = parseDsn(raw);
  if (!parsed.ok) {
    ctx.report({
      messageId: 'dsnInvalid',
      data: { target: shown, code: parsed.code, reason: parsed.message },
      location: { target: shown },
      evidence: [`the DSN was refused before any connection: ${parsed.code}`],
    });
    return undefined;
  }
  const started = performance.now();
  try {
    const opts: ConnectOptions = { statementTimeoutMs, ...(ctx.target.caPem ? { extraCaPem: ctx.target.caPem } : {}) };
    return await withReadOnly(ctx, parsed.dsn, opts, async (session) => {
      const via = ctx.target.databaseUrlSource ? ` (DSN from ${ctx.target.databaseUrlSource})` : '';
      ctx.evidence(
        `connected to ${shown} in ${session.connectMs} ms via ${session.connection}; session read-only from its start (default_transaction_read_only=on, statement_timeout ${statementTimeoutMs} ms), READ ONLY transaction, PostgreSQL ${session.serverVersion ?? 'unknown'}${via}`,
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
