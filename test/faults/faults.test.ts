// Faults on the live side, one test per row of docs/faults.md: real loopback servers and a real
// PostgreSQL misbehave, the real CLI probes them, and each run must end within the probe's
// deadline plus a margin, with the fault classified by its code as a finding with evidence.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runAsync } from '../helpers/cli.js';
import { closedPort, startServer, type TestServer } from '../helpers/http-server.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { makePki, startHttpsServer, type TestPki } from '../helpers/tls.js';

/** Generous: past the probe's own deadline, for a slow machine. */
const MARGIN_MS = 3000;
/** Starting node and loading the CLI, on top, for the whole process's run time. */
const STARTUP_MS = 10_000;

interface JsonFinding {
  messageId: string;
  status: string;
  data: Record<string, unknown>;
  evidence: string[];
  message: string;
}
interface JsonUnit {
  id: string;
  status: string;
  findings: JsonFinding[];
}

interface Row {
  id: string;
  /** The unit whose finding is asserted. */
  unit: string;
  status: 'fail' | 'unknown';
  messageId: string;
  code: string;
  /** The probe deadline (or I/O bound) the run must end within, before the margin. */
  boundMs: number;
}

let tmp: string;
let pki: TestPki;
let db: TestPostgres;
const servers: TestServer[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'prodready-faults-'));
  pki = await makePki();
  await writeFile(path.join(tmp, 'ca.pem'), pki.caCert);
  db = await startPostgres({ schemaMigrations: true, backupMarker: true });
  await db.sql(`INSERT INTO schema_migrations (version, name, checksum) VALUES (20240101120000, 'init', 'x')`);
  await db.sql(`INSERT INTO prodready_backup_marker (completed_at) VALUES (now())`);
}, 120_000);

afterAll(async () => {
  for (const c of cleanups) await c().catch(() => {});
  for (const s of servers) await s.close();
  await db?.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => unknown): Promise<TestServer> {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}

/** Runs `prodready probe` with JSON output and returns the units, the exit code and the time taken. */
async function probe(args: string[], env: Record<string, string> = {}) {
  const r = await runAsync(['probe', ...args, '--format', 'json'], { env, cwd: tmp, timeoutMs: 60_000 });
  let units: JsonUnit[] = [];
  try {
    units = (JSON.parse(r.stdout) as { results: JsonUnit[] }).results;
  } catch {
    throw new Error(`probe printed no JSON report (exit ${r.code}): ${r.stderr.slice(0, 500)}`);
  }
  return { ...r, units };
}

function expectRow(row: Row, run: Awaited<ReturnType<typeof probe>>): JsonFinding {
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(run.elapsedMs).toBeLessThan(row.boundMs + MARGIN_MS + STARTUP_MS);
  const unit = run.units.find((u) => u.id === row.unit);
  expect(unit, `unit ${row.unit}`).toBeDefined();
  expect(unit!.status).toBe(row.status);
  const finding = unit!.findings.find((f) => f.messageId === row.messageId);
  expect(finding, `${row.unit} findings: ${JSON.stringify(unit!.findings.map((f) => [f.messageId, f.data]))}`).toBeDefined();
  // The code is shown: as the finding's data.code (I/O failures) and in the message or the evidence.
  if (finding!.data.code !== undefined) expect(finding!.data.code).toBe(row.code);
  else expect(finding!.message).toContain(row.code);
  expect(`${finding!.message}\n${finding!.evidence.join('\n')}\n${JSON.stringify(finding!.data)}`).toContain(row.code);
  expect(finding!.evidence.length).toBeGreaterThan(0);
  // An error-severity failure makes the run not ready; an unknown is shown but does not decide the exit code.
  expect(run.code).toBe(row.status === 'fail' ? 1 : 0);
  return finding!;
}

/**
 * A server that speaks raw TCP (or TLS with the test PKI): it answers the first bytes of any
 * request with `answer`, which may be anything but HTTP. Writes are paced by the socket's drain.
 */
async function rawServer(answer: (sock: net.Socket) => void, options: { tls?: boolean } = {}): Promise<string> {
  const onSocket = (sock: net.Socket) => {
    sock.on('error', () => {});
    sock.once('data', () => answer(sock));
  };
  const server = options.tls
    ? tls.createServer({ key: pki.serverKey, cert: pki.serverCert }, onSocket)
    : net.createServer(onSocket);
  const sockets = new Set<net.Socket>();
  server.on(options.tls ? 'secureConnection' : 'connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as net.AddressInfo;
  return `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
}

const GARBAGE = (sock: net.Socket) => sock.end('\x00\x01\x1b[2Jthis is not http\r\n\r\n');
const BROKEN_HEADERS = (sock: net.Socket) => sock.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nnot a header line\r\n\r\n{}');
/** 20 MB of headers, written as the client reads them; it counts what it sent. */
function headerFlood(sent: { bytes: number }) {
  return (sock: net.Socket) => {
    sock.write('HTTP/1.1 200 OK\r\n');
    const line = `X-Flood: ${'a'.repeat(1000)}\r\n`;
    let n = 0;
    const pump = () => {
      while (n < 20_000 && !sock.destroyed) {
        n += 1;
        sent.bytes += line.length;
        if (!sock.write(line)) return void sock.once('drain', pump);
      }
      if (!sock.destroyed) sock.end('\r\n');
    };
    pump();
  };
}

// Deadlines as the probes declare them (meta.timeoutMs), repeated here so the doc can state them.
const READYZ_DEADLINE = 5000;
const DB_DEADLINE = 8000;

describe('faults on the live side', () => {
  it('http-refused: a target that refuses the connection', async () => {
    const row: Row = { id: 'http-refused', unit: 'readyz', status: 'fail', messageId: 'connectionRefused', code: 'ECONNREFUSED', boundMs: READYZ_DEADLINE };
    const port = await closedPort();
    expectRow(row, await probe(['--target', `http://127.0.0.1:${port}`]));
  });

  it('http-reset: a target that resets mid-response', async () => {
    const row: Row = { id: 'http-reset', unit: 'readyz', status: 'fail', messageId: 'connectionReset', code: 'UND_ERR_SOCKET', boundMs: READYZ_DEADLINE };
    const s = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"status":');
      setTimeout(() => req.socket.destroy(), 20);
    });
    expectRow(row, await probe(['--target', s.url]));
  });

  it('http-stall-body: a target that sends headers, then stalls the body', async () => {
    const row: Row = { id: 'http-stall-body', unit: 'readyz', status: 'fail', messageId: 'bodyTimeout', code: 'UND_ERR_BODY_TIMEOUT', boundMs: READYZ_DEADLINE };
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":');
    });
    expectRow(row, await probe(['--target', s.url]));
  });

  it('http-drip: a target that drips one byte a second', async () => {
    const row: Row = { id: 'http-drip', unit: 'readyz', status: 'fail', messageId: 'deadlineExceeded', code: 'PRODREADY_DEADLINE', boundMs: READYZ_DEADLINE };
    // Measured where the fault is: from the first request to the last dripping response closed.
    let first = 0;
    let lastClosed = 0;
    const s = await serve((_req, res) => {
      first ||= Date.now();
      res.on('close', () => (lastClosed = Date.now()));
      res.writeHead(200, { 'content-type': 'application/json' });
      // Each byte comes before the body timeout, so only the probe's deadline ends it. Bounded: 60 bytes.
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent >= 60) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(' ');
        sent += 1;
      }, 1000);
      res.on('close', () => clearInterval(timer));
    });
    const finding = expectRow(row, await probe(['--target', s.url]));
    expect(finding.evidence.join('\n')).toMatch(/PRODREADY_DEADLINE after \d/);
    expect(lastClosed).toBeGreaterThan(0);
    expect(lastClosed - first).toBeLessThan(READYZ_DEADLINE + MARGIN_MS);
  });

  it('tls-untrusted: an https target whose certificate no trusted CA signed', async () => {
    const row: Row = { id: 'tls-untrusted', unit: 'readyz', status: 'fail', messageId: 'certificateInvalid', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', boundMs: READYZ_DEADLINE };
    const s = await startHttpsServer(pki, (_req, res) => res.end('{"status":"ok"}'));
    servers.push(s);
    const finding = expectRow(row, await probe(['--target', s.url]));
    expect(finding.message).toContain('--ca-file');
  });

  it('tls-wrong-name: an https target whose certificate names another host', async () => {
    const row: Row = { id: 'tls-wrong-name', unit: 'readyz', status: 'fail', messageId: 'certificateInvalid', code: 'ERR_TLS_CERT_ALTNAME_INVALID', boundMs: READYZ_DEADLINE };
    const other = await generate([{ name: 'commonName', value: 'other.example' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
      ca: { key: pki.caKey, cert: pki.caCert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'other.example' }] },
      ],
    });
    const s = await startServer((_req, res) => res.end('{"status":"ok"}'), { tls: { key: other.private, cert: other.cert } });
    servers.push(s);
    // The CA is trusted: only the name is wrong.
    expectRow(row, await probe(['--target', s.url, '--ca-file', 'ca.pem']));
  });

  it('http-redirect-loop: a target that redirects to itself forever', async () => {
    const row: Row = { id: 'http-redirect-loop', unit: 'readyz', status: 'fail', messageId: 'tooManyRedirects', code: 'PRODREADY_TOO_MANY_REDIRECTS', boundMs: READYZ_DEADLINE };
    const s = await serve((req, res) => {
      res.writeHead(302, { location: req.url ?? '/' });
      res.end();
    });
    expectRow(row, await probe(['--target', s.url]));
    // Bounded: the first request and three redirects per endpoint, never a loop.
    expect(s.requests.filter((r) => r.path === '/readyz').length).toBeLessThanOrEqual(4);
  });

  it('http-huge-body: a target that streams a 2 GB body', async () => {
    const row: Row = { id: 'http-huge-body', unit: 'readyz', status: 'fail', messageId: 'bodyTooLarge', code: 'PRODREADY_BODY_TOO_LARGE', boundMs: READYZ_DEADLINE };
    const total = 2 * 1024 ** 3;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let served = 0;
    const s = await serve((_req, res) => {
      // No content-length: the client only learns the size by reading. Written lazily, on drain.
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const pump = () => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          served += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
    const run = await probe(['--target', s.url]);
    const finding = expectRow(row, run);
    expect(finding.data.limit).toBe(256 * 1024);
    // The client stopped reading near its limit: far less than the 2 GB was ever sent.
    expect(served).toBeLessThan(64 * 1024 * 1024);
  });

  it('http-not-http: a target that answers with bytes that are not HTTP', async () => {
    const row: Row = { id: 'http-not-http', unit: 'readyz', status: 'fail', messageId: 'invalidHttp', code: 'PRODREADY_INVALID_HTTP', boundMs: READYZ_DEADLINE };
    const run = await probe(['--target', await rawServer(GARBAGE)]);
    expectRow(row, run);
    // The server's bytes are not echoed: no terminal control sequence reaches the report.
    expect(run.stdout).not.toContain('\x1b');
    expect(run.stdout).not.toContain('\\u001b[2J');
  });

  it('http-broken-headers: a target that sends a status line, then a header line that is not one', async () => {
    const row: Row = { id: 'http-broken-headers', unit: 'readyz', status: 'fail', messageId: 'invalidHttp', code: 'PRODREADY_INVALID_HTTP', boundMs: READYZ_DEADLINE };
    expectRow(row, await probe(['--target', await rawServer(BROKEN_HEADERS)]));
  });

  it('http-header-flood: a target that sends 20 MB of headers', async () => {
    const row: Row = { id: 'http-header-flood', unit: 'readyz', status: 'fail', messageId: 'headersTooLarge', code: 'UND_ERR_HEADERS_OVERFLOW', boundMs: READYZ_DEADLINE };
    const sent = { bytes: 0 };
    expectRow(row, await probe(['--target', await rawServer(headerFlood(sent))]));
    // The client stopped reading at its header bound: far less than the 20 MB was ever sent.
    expect(sent.bytes).toBeLessThan(10 * 1024 * 1024);
  });

  it('jwks-not-http: a JWKS URL whose server answers bytes that are not HTTP, over verified TLS', async () => {
    const row: Row = { id: 'jwks-not-http', unit: 'jwks-reachable', status: 'fail', messageId: 'invalidHttp', code: 'PRODREADY_INVALID_HTTP', boundMs: READYZ_DEADLINE };
    const base = await rawServer(GARBAGE, { tls: true });
    expectRow(row, await probe(['--jwks-url', `${base}/.well-known/jwks.json`, '--ca-file', 'ca.pem']));
  });

  it('issuer-header-flood: an issuer whose discovery document comes after 20 MB of headers', async () => {
    const row: Row = { id: 'issuer-header-flood', unit: 'jwks-reachable', status: 'fail', messageId: 'discoveryUnreadable', code: 'UND_ERR_HEADERS_OVERFLOW', boundMs: READYZ_DEADLINE };
    const base = await rawServer(headerFlood({ bytes: 0 }), { tls: true });
    expectRow(row, await probe(['--issuer', base, '--ca-file', 'ca.pem']));
  });

  it('pg-refused: a database that refuses the connection', async () => {
    const row: Row = { id: 'pg-refused', unit: 'migrations-applied', status: 'fail', messageId: 'connectionRefused', code: 'ECONNREFUSED', boundMs: DB_DEADLINE };
    const port = await closedPort();
    const run = await probe(['--database-url-env', 'FAULT_DSN'], { FAULT_DSN: `postgres://app:pw@127.0.0.1:${port}/postgres?sslmode=disable` });
    expectRow(row, run);
    expectRow({ ...row, unit: 'backup-marker-fresh' }, run);
  });

  it('pg-bad-password: a database that rejects the password', async () => {
    const row: Row = { id: 'pg-bad-password', unit: 'migrations-applied', status: 'fail', messageId: 'dbAuthFailed', code: '28P01', boundMs: DB_DEADLINE };
    const run = await probe(['--database-url-env', 'FAULT_DSN'], { FAULT_DSN: db.urlFor(db.user, 'not-the-password') });
    expectRow(row, run);
    expectRow({ ...row, unit: 'backup-marker-fresh' }, run);
    expect(run.stdout).not.toContain('not-the-password');
  });

  it('pg-locked: another session holds an ACCESS EXCLUSIVE lock on the marker table', async () => {
    const row: Row = { id: 'pg-locked', unit: 'backup-marker-fresh', status: 'unknown', messageId: 'markerUnreadable', code: '57014', boundMs: DB_DEADLINE };
    const holder = await db.client();
    cleanups.push(() => holder.end());
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE prodready_backup_marker IN ACCESS EXCLUSIVE MODE');
    try {
      const run = await probe(['--database-url-env', 'FAULT_DSN'], { FAULT_DSN: db.url });
      expectRow(row, run);
    } finally {
      await holder.query('ROLLBACK');
    }
  });

  it('pg-socket-missing: a DSN whose host is a socket directory that does not exist', async () => {
    const row: Row = { id: 'pg-socket-missing', unit: 'migrations-applied', status: 'fail', messageId: 'socketMissing', code: 'ENOENT', boundMs: DB_DEADLINE };
    const run = await probe(['--database-url-env', 'FAULT_DSN'], { FAULT_DSN: 'host=/nonexistent/prodready-socket-dir user=app password=sock-fault-pw dbname=x' });
    expectRow(row, run);
    expectRow({ ...row, unit: 'backup-marker-fresh' }, run);
    expect(run.stdout).not.toContain('sock-fault-pw');
  });

  it('pg-sslrootcert-missing: a DSN whose sslrootcert names a file that does not exist', async () => {
    // A mistake in what the user gave, found before anything connects: one coded line, exit 2.
    const row = { id: 'pg-sslrootcert-missing', code: 'file-not-found' };
    const r = await runAsync(['probe', '--database-url-env', 'FAULT_DSN', '--format', 'json'], {
      env: { FAULT_DSN: `host=127.0.0.1 port=${db.port} user=app password=root-fault-pw sslmode=verify-full sslrootcert=/nonexistent/root.crt` },
      cwd: tmp,
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`prodready: error[${row.code}]: sslrootcert /nonexistent/root.crt in the DSN from --database-url-env FAULT_DSN does not exist`);
    expect(r.stdout + r.stderr).not.toContain('root-fault-pw');
    expect(r.elapsedMs).toBeLessThan(STARTUP_MS + MARGIN_MS);
  });

  it('pg-no-permission: a role without grants on the tables', async () => {
    const row: Row = { id: 'pg-no-permission', unit: 'migrations-applied', status: 'unknown', messageId: 'unreadable', code: '42501', boundMs: DB_DEADLINE };
    await db.sql(`DROP ROLE IF EXISTS fault_nogrants`);
    await db.sql(`CREATE ROLE fault_nogrants LOGIN PASSWORD 'fault-pw'`);
    const run = await probe(['--database-url-env', 'FAULT_DSN'], { FAULT_DSN: db.urlFor('fault_nogrants', 'fault-pw') });
    expectRow(row, run);
    expectRow({ ...row, unit: 'backup-marker-fresh', messageId: 'markerUnreadable' }, run);
  });
});

/** The load burst's bounds, given on its command line. */
const LOAD_DURATION_MS = 5000;
const LOAD_TIMEOUT_MS = 1000;

/** Runs `prodready load` with JSON output against a faulty target; asserts the cause, the exit code and the bound. */
async function loadAgainst(row: Row, baseUrl: string) {
  const r = await runAsync(
    ['load', '--base-url', baseUrl, '--requests', '10', '--concurrency', '2', '--warmup', '0',
      '--timeout', `${LOAD_TIMEOUT_MS}ms`, '--duration', `${LOAD_DURATION_MS}ms`, '--format', 'json'],
    { cwd: tmp, timeoutMs: 60_000 },
  );
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.elapsedMs).toBeLessThan(row.boundMs + MARGIN_MS + STARTUP_MS);
  const result = JSON.parse(r.stdout) as { error_causes: Record<string, number>; errors: number; requests: number };
  expect(Object.keys(result.error_causes)).toEqual([row.code]);
  expect(result.errors).toBe(result.requests);
  expect(r.code).toBe(1);
  return result;
}

describe('faults met by the load burst', () => {
  it('load-refused: a target that refuses the connection', async () => {
    const row: Row = { id: 'load-refused', unit: 'load', status: 'fail', messageId: 'error_causes', code: 'ECONNREFUSED', boundMs: LOAD_DURATION_MS };
    await loadAgainst(row, `http://127.0.0.1:${await closedPort()}`);
  });

  it('load-reset: a target that resets mid-response', async () => {
    const row: Row = { id: 'load-reset', unit: 'load', status: 'fail', messageId: 'error_causes', code: 'UND_ERR_SOCKET', boundMs: LOAD_DURATION_MS };
    const s = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"items":');
      setTimeout(() => req.socket.destroy(), 20);
    });
    await loadAgainst(row, s.url);
  });

  it('load-stall-body: a target that sends headers, then stalls the body', async () => {
    const row: Row = { id: 'load-stall-body', unit: 'load', status: 'fail', messageId: 'error_causes', code: 'UND_ERR_BODY_TIMEOUT', boundMs: LOAD_DURATION_MS };
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items":');
    });
    const result = await loadAgainst(row, s.url);
    // The burst stops at the first timeouts with nothing answered, well before all requests are sent.
    expect(result.requests).toBeLessThanOrEqual(10);
  });

  it('load-drip: a target that drips one byte a second', async () => {
    const row: Row = { id: 'load-drip', unit: 'load', status: 'fail', messageId: 'error_causes', code: 'UND_ERR_BODY_TIMEOUT', boundMs: LOAD_DURATION_MS };
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // The first byte now, so the headers go out with it: the body, not the headers, is what drips.
      res.write(' ');
      let sent = 1;
      const timer = setInterval(() => {
        if (res.destroyed || sent >= 60) return void clearInterval(timer);
        res.write(' ');
        sent += 1;
      }, 1000);
      res.on('close', () => clearInterval(timer));
    });
    await loadAgainst(row, s.url);
  });

  it('load-tls-untrusted: an https target whose certificate no trusted CA signed', async () => {
    const row: Row = { id: 'load-tls-untrusted', unit: 'load', status: 'fail', messageId: 'error_causes', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', boundMs: LOAD_DURATION_MS };
    const s = await startHttpsServer(pki, (_req, res) => res.end('{}'));
    servers.push(s);
    await loadAgainst(row, s.url);
  });

  it('load-not-http: a target that answers with bytes that are not HTTP', async () => {
    const row: Row = { id: 'load-not-http', unit: 'load', status: 'fail', messageId: 'error_causes', code: 'HPE_INVALID_CONSTANT', boundMs: LOAD_DURATION_MS };
    await loadAgainst(row, await rawServer(GARBAGE));
  });

  it('load-broken-headers: a target that sends a status line, then a header line that is not one', async () => {
    const row: Row = { id: 'load-broken-headers', unit: 'load', status: 'fail', messageId: 'error_causes', code: 'HPE_INVALID_HEADER_TOKEN', boundMs: LOAD_DURATION_MS };
    await loadAgainst(row, await rawServer(BROKEN_HEADERS));
  });

  it('load-header-flood: a target that sends 20 MB of headers', async () => {
    const row: Row = { id: 'load-header-flood', unit: 'load', status: 'fail', messageId: 'error_causes', code: 'UND_ERR_HEADERS_OVERFLOW', boundMs: LOAD_DURATION_MS };
    const sent = { bytes: 0 };
    await loadAgainst(row, await rawServer(headerFlood(sent)));
    // Ten requests stopped at 64 KiB of headers each, plus what the socket buffers held.
    expect(sent.bytes).toBeLessThan(100 * 1024 * 1024);
  });

  it('load-huge-body: a target that streams a 2 GB body', async () => {
    const row: Row = { id: 'load-huge-body', unit: 'load', status: 'fail', messageId: 'error_causes', code: 'PRODREADY_BODY_TOO_LARGE', boundMs: LOAD_DURATION_MS };
    const total = 2 * 1024 ** 3;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let served = 0;
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const pump = () => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          served += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
    await loadAgainst(row, s.url);
    // Ten requests stopped at 8 MiB each, plus what was in flight: far below 2 GB.
    expect(served).toBeLessThan(512 * 1024 * 1024);
  });
});

/** Runs the CLI for a user-side fault: one coded line on stderr, exit 2, no stack, within the bound. */
async function userFault(row: { id: string; code: string; boundMs: number }, args: string[]) {
  const r = await runAsync(args, { cwd: tmp, timeoutMs: 60_000 });
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^prodready: error\\[${row.code}\\]: `));
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.elapsedMs).toBeLessThan(row.boundMs + MARGIN_MS + STARTUP_MS);
  return lines[0]!;
}

const READY_INPUTS = ['--values', path.join(ROOT, 'fixtures/ready/values.yaml'), '--env', path.join(ROOT, 'fixtures/ready/prod.env')];

describe('faults on the user side', () => {
  it('output-directory: --output names a directory', async () => {
    const row = { id: 'output-directory', code: 'output-unwritable', boundMs: 0 };
    const line = await userFault(row, ['check', ...READY_INPUTS, '--format', 'json', '--output', tmp]);
    expect(line).toContain('EISDIR');
  });

  it('output-disk-full: --output on a full disk (/dev/full)', async () => {
    const row = { id: 'output-disk-full', code: 'output-unwritable', boundMs: 0 };
    const line = await userFault(row, ['check', ...READY_INPUTS, '--format', 'sarif', '--output', '/dev/full']);
    expect(line).toContain('ENOSPC');
  });

  it('values-fifo-silent: --values names a FIFO nobody writes to', async () => {
    const row = { id: 'values-fifo-silent', code: 'input-deadline', boundMs: 1000 };
    const fifo = path.join(tmp, 'silent-values.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const line = await userFault(row, ['check', '--values', fifo, '--input-timeout', '1']);
    expect(line).toContain(fifo);
  });
});

describe('docs/faults.md', () => {
  it('lists exactly the faults this file tests, one row per test', async () => {
    const doc = await readFile(path.join(ROOT, 'docs/faults.md'), 'utf8');
    const docIds = doc
      .split('\n')
      .filter((l) => /^\|\s*`[a-z0-9-]+`\s*\|/.test(l))
      .map((l) => /^\|\s*`([a-z0-9-]+)`/.exec(l)![1]!);
    const self = await readFile(new URL(import.meta.url), 'utf8');
    const testIds = [...self.matchAll(/^  it\('([a-z0-9-]+): /gm)].map((m) => m[1]!);
    expect(docIds.length).toBeGreaterThan(0);
    expect(new Set(docIds).size).toBe(docIds.length);
    expect([...docIds].sort()).toEqual([...testIds].sort());
    // Each test's row carries the same id as its name.
    for (const id of testIds) expect(self).toContain(`id: '${id}'`);
  });
});

