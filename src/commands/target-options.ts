// The live target's flags and their resolution into a ProbeTarget. Secrets (DSN, token, API key)
// are only ever named on the command line (an env var name or a file path), read here, in the
// CLI layer, and never appear in an error message.
import { readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ProbeTarget } from '../engine/define.js';
import { UserError } from '../engine/errors.js';
import type { DeploymentModel } from '../model/types.js';
import { envValue } from '../probes/lib/model.js';
import { parseDsn } from '../probes/lib/dsn.js';
import { DEV_USER_ID } from '../probes/lib/mask.js';
import { migrationChecksum, migrationKey, parseMigrationName, type MigrationFile } from '../probes/lib/migrations.js';

export interface TargetOptions {
  target?: string;
  jwksUrl?: string;
  issuer?: string;
  caFile?: string;
  databaseUrlEnv?: string;
  databaseUrlFile?: string;
  expectMigration?: string;
  migrationsDir?: string;
  tenant?: string;
  bearerTokenEnv?: string;
  apiKeyEnv?: string;
  devHeaders?: boolean;
}

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--target <url>', 'base URL of the running recsys-service (http or https)')
    .option('--jwks-url <url>', 'JWKS URL to probe (default: JWT_JWKS_URL from the inputs)')
    .option('--issuer <url>', 'JWT issuer whose OIDC discovery is read (default: JWT_ISSUER from the inputs)')
    .option('--ca-file <path>', 'PEM CA certificate trusted in addition to the system CAs')
    .option('--database-url-env <NAME>', 'name of the environment variable holding the database DSN')
    .option('--database-url-file <path>', 'file holding the database DSN (as DATABASE_URL_FILE)')
    .option('--expect-migration <version>', 'schema_migrations version the database must have reached')
    .option('--migrations-dir <dir>', "the release's migration files (<version>_<name>.up.sql), for migrate preflight's drift and pending verdict")
    .option('--tenant <id>', 'tenant sent with requests', 'demo')
    .option('--bearer-token-env <NAME>', 'name of the environment variable holding a bearer token')
    .option('--api-key-env <NAME>', 'name of the environment variable holding an API key')
    .option('--dev-headers', 'authenticate with the dev headers (X-Dev-User-Id, X-Dev-Org-Id), for local stacks');
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function modelValue(model: DeploymentModel | undefined, name: string): string | undefined {
  return model ? envValue(model, name) : undefined;
}

function requireUrl(flag: string, value: string, schemes: string[]): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UserError('invalid-option', `${flag} is not a URL`);
  }
  if (!schemes.includes(url.protocol)) {
    throw new UserError('invalid-option', `${flag} must be an ${schemes.map((s) => s.replace(':', '')).join(' or ')} URL`);
  }
  if (url.username || url.password) {
    throw new UserError('invalid-option', `${flag} must not carry credentials; use --bearer-token-env or --api-key-env`);
  }
  return value.trim();
}

/**
 * How an error names the variable a flag names. A name in conventional capitals is shown; anything
 * else may be a token pasted where its variable's name belongs, and is not echoed.
 */
export function shownEnvName(name: string): string {
  return /^[A-Z_][A-Z0-9_]{0,63}$/.test(name) ? name : '(name not shown: not in capitals, it may be a value)';
}

/** The value of an env var named by a flag; missing or empty is the user's mistake. */
function secretFromEnv(flag: string, name: string, env: NodeJS.ProcessEnv): string {
  if (!ENV_NAME.test(name)) throw new UserError('invalid-option', `${flag} takes an environment variable name, not a value`);
  const value = env[name]?.trim();
  if (!value) {
    throw new UserError('missing-input', `environment variable ${shownEnvName(name)} (named by ${flag}) is not set or empty`);
  }
  return value;
}

function readText(flag: string, path: string): string {
  try {
    if (!statSync(path).isFile()) throw new UserError('file-unreadable', `${flag} ${path} is not a file`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('file-not-found', `${flag} ${path} does not exist`);
    throw new UserError('file-unreadable', `${flag} ${path} cannot be read (${code ?? 'error'})`);
  }
}

/**
 * Refuses a DSN that libpq would refuse (or that names a keyword the probe cannot honour), and
 * one whose certificate files are missing, before anything connects: one line, never a value.
 */
function checkDsn(dsn: string, source: string): void {
  const parsed = parseDsn(dsn);
  if (!parsed.ok) throw new UserError('invalid-option', `the DSN from ${source} is refused (${parsed.code}): ${parsed.message}`);
  for (const keyword of ['sslrootcert', 'sslcert', 'sslkey'] as const) {
    const file = parsed.dsn[keyword];
    if (file === undefined || (keyword === 'sslrootcert' && file === 'system')) continue;
    let st;
    try {
      st = statSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new UserError(
        code === 'ENOENT' ? 'file-not-found' : 'file-unreadable',
        `${keyword} ${shownPath(file)} in the DSN from ${source} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
      );
    }
    if (!st.isFile()) throw new UserError('file-unreadable', `${keyword} ${shownPath(file)} in the DSN from ${source} is not a file`);
  }
}

/** A path from a DSN, shown on one line: control characters escaped, length bounded. */
function shownPath(p: string): string {
  const one = p.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return one.length > 120 ? `${one.slice(0, 119)}…` : one;
}

const MAX_MIGRATION_ENTRIES = 10_000;
const MAX_MIGRATION_BYTES = 16 * 1024 * 1024;

/**
 * The release's migration files as recsys's preflight reads a --dir (api/cmd/migrate/preflight.go:149-186):
 * the directory's own entries (no recursion), `up` files only, each hashed after Go's TrimSpace. A directory
 * with no migration file is a mistake of the flag, not a release without migrations.
 */
export function readMigrationsDir(dir: string): { dir: string; files: MigrationFile[] } {
  const shown = shownPath(dir);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT') throw new UserError('file-not-found', `--migrations-dir ${shown} does not exist`);
    if (code === 'ENOTDIR') throw new UserError('invalid-option', `--migrations-dir ${shown} is not a directory`);
    throw new UserError('file-unreadable', `--migrations-dir ${shown} cannot be read (${code})`);
  }
  if (entries.length > MAX_MIGRATION_ENTRIES) {
    throw new UserError('file-too-large', `--migrations-dir ${shown} holds more than ${MAX_MIGRATION_ENTRIES} entries`);
  }
  const files = new Map<string, MigrationFile>();
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.isDirectory()) continue;
    const parsed = parseMigrationName(entry.name);
    if (!parsed) continue;
    const file = path.join(dir, entry.name);
    let content: Buffer;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      if (st.size > MAX_MIGRATION_BYTES) throw new UserError('file-too-large', `migration ${shownPath(entry.name)} is larger than 16 MiB`);
      content = readFileSync(file);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError('file-unreadable', `migration ${shownPath(entry.name)} in --migrations-dir cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const key = migrationKey(parsed.version, parsed.name);
    const before = files.get(key);
    if (before) {
      // preflight.go:179-181 refuses the directory too.
      throw new UserError('invalid-option', `--migrations-dir ${shown}: ${shownPath(before.file)} and ${shownPath(entry.name)} are the same migration (${key}), which migrate preflight refuses`);
    }
    files.set(key, { ...parsed, checksum: migrationChecksum(content), file: entry.name });
  }
  if (files.size === 0) {
    throw new UserError('missing-input', `--migrations-dir ${shown} holds no <version>_<name>.up.sql file`);
  }
  return { dir, files: [...files.values()] };
}

/**
 * Builds the probe target from the flags, the process environment (only the variables the
 * flags name) and the deployment model (JWKS URL, issuer and header names as the service has them).
 */
export function resolveTarget(opts: TargetOptions, env: NodeJS.ProcessEnv, model?: DeploymentModel): ProbeTarget {
  const tenant = (opts.tenant ?? 'demo').trim();
  if (tenant === '') throw new UserError('invalid-option', '--tenant must not be empty');
  const target: ProbeTarget = { tenant, authHeaders: {} };

  if (opts.target !== undefined) target.baseUrl = requireUrl('--target', opts.target, ['http:', 'https:']);

  // Any scheme is accepted here: the probe itself reports a JWKS or issuer that is not https.
  const jwksUrl = opts.jwksUrl ?? modelValue(model, 'JWT_JWKS_URL');
  if (opts.jwksUrl !== undefined) requireUrl('--jwks-url', opts.jwksUrl, ['http:', 'https:']);
  if (jwksUrl !== undefined) target.jwksUrl = jwksUrl;
  const issuer = opts.issuer ?? modelValue(model, 'JWT_ISSUER');
  if (opts.issuer !== undefined) requireUrl('--issuer', opts.issuer, ['http:', 'https:']);
  if (issuer !== undefined) target.issuer = issuer;

  if (opts.caFile !== undefined) {
    const pem = readText('--ca-file', opts.caFile);
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new UserError('invalid-option', `--ca-file ${opts.caFile} holds no PEM certificate`);
    }
    target.caPem = pem;
  }

  if (opts.databaseUrlEnv !== undefined && opts.databaseUrlFile !== undefined) {
    throw new UserError('invalid-option', 'give the DSN one way: --database-url-env or --database-url-file, not both');
  }
  if (opts.databaseUrlEnv !== undefined) {
    target.databaseUrl = secretFromEnv('--database-url-env', opts.databaseUrlEnv, env);
    target.databaseUrlSource = `--database-url-env ${opts.databaseUrlEnv}`;
  } else if (opts.databaseUrlFile !== undefined) {
    // Trimmed, as the service reads DATABASE_URL_FILE.
    const dsn = readText('--database-url-file', opts.databaseUrlFile).trim();
    if (dsn === '') throw new UserError('missing-input', `--database-url-file ${opts.databaseUrlFile} is empty`);
    target.databaseUrl = dsn;
    target.databaseUrlSource = `--database-url-file ${opts.databaseUrlFile}`;
  }

  if (target.databaseUrl !== undefined) checkDsn(target.databaseUrl, target.databaseUrlSource!);

  if (opts.expectMigration !== undefined) {
    if (!/^\d{1,19}$/.test(opts.expectMigration)) {
      throw new UserError('invalid-option', '--expect-migration takes a migration version (digits, as in 20240101120000)');
    }
    target.expectMigration = opts.expectMigration;
  }

  if (opts.migrationsDir !== undefined) target.migrations = readMigrationsDir(opts.migrationsDir);

  // Auth as recsys's load-test harness sends it: bearer token, API key header, or dev headers.
  if (opts.bearerTokenEnv !== undefined) {
    const token = secretFromEnv('--bearer-token-env', opts.bearerTokenEnv, env).replace(/^Bearer\s+/i, '');
    target.authHeaders.Authorization = `Bearer ${token}`;
  }
  if (opts.apiKeyEnv !== undefined) {
    const header = modelValue(model, 'API_KEY_HEADER') ?? 'X-API-Key';
    target.authHeaders[header] = secretFromEnv('--api-key-env', opts.apiKeyEnv, env);
  }
  if (opts.devHeaders) {
    target.authHeaders[modelValue(model, 'DEV_AUTH_USER_ID_HEADER') ?? 'X-Dev-User-Id'] = DEV_USER_ID;
    target.authHeaders[modelValue(model, 'DEV_AUTH_TENANT_HEADER') ?? 'X-Dev-Org-Id'] = tenant;
  }
  return target;
}
