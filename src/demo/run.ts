// `npm run demo`: the whole job, static and live, on an embedded default with no setup by hand.
// It starts a recsys-like target, an identity provider (JWKS + OIDC discovery over https with a private CA)
// and a real PostgreSQL, all on 127.0.0.1, checks the bundled deployment against them, writes the reports
// and stops everything it started, whether the check passes, fails or is interrupted.
//
//   node dist/demo/run.js [--broken] [--out <dir>]
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCheck, useColor, writeReports, type CheckOptions } from '../commands/check.js';
import { createLiveSession, type LiveOptions } from '../commands/live.js';
import { defaultConfig, type RunConfig } from '../engine/config-types.js';
import { isUserError } from '../engine/errors.js';
import { exitCodeFor } from '../engine/result.js';
import { makeDemoPki, startDemoAuthServer, type DemoAuthServer } from './auth-server.js';
import { loadEmbeddedPostgresQuietly, startDemoPostgres } from './postgres.js';
import { startDemoTarget, type DemoTarget } from './target.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const USAGE = `usage: npm run demo [-- --broken] [-- --out <dir>]
  --broken     a broken deployment against a degraded target: see every failure with its evidence
  --out <dir>  where the reports go (default: prodready-report/)`;

/** The environment variables the probes read the secrets from: never a command-line argument. */
const DSN_ENV = 'DEMO_DATABASE_URL';
const TOKEN_ENV = 'DEMO_BEARER_TOKEN';
const TENANT = 'demo';
/** The newest migration the demo database has applied (see postgres.ts). */
const EXPECTED_MIGRATION = '20251020101500';
/** What /v1/recommend answers with, as RECSYS_ALGO_VERSION says in the demo deployment. */
const ALGO_VERSION = 'recsys-algo@2026.11.1';
/** The broken target's answer delay: well over the 250 ms p95 gate. */
const SLOW_MS = 400;

interface Args {
  broken: boolean;
  out: string;
}

function parseArgs(argv: string[]): Args | string {
  let broken = false;
  let out = 'prodready-report';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--broken') broken = true;
    else if (a === '--out') {
      if (argv[i + 1] === undefined) return `prodready demo: --out needs a folder\n${USAGE}`;
      out = argv[++i]!;
    }
    else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else return a === '--help' || a === '-h' ? USAGE : `prodready demo: unknown argument ${a}\n${USAGE}`;
  }
  return { broken, out: resolve(out) };
}

/** Everything the demo started, stopped in reverse order exactly once. */
class Resources {
  private readonly stops: Array<[string, () => Promise<void>]> = [];
  private closing: Promise<void> | undefined;

  add(name: string, stop: () => Promise<void>): void {
    this.stops.push([name, stop]);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const [name, stop] of this.stops.reverse()) {
        try {
          await stop();
        } catch (err) {
          process.stderr.write(`prodready demo: could not stop the ${name}: ${(err as Error).message}\n`);
        }
      }
    })();
    return this.closing;
  }
}

/** Paths under the working directory are reported relative to it, as a user would have typed them. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The demo deployment with the identity provider's origin filled in, written next to the reports. */
async function writeDemoDeployment(dir: string, auth: DemoAuthServer): Promise<Pick<CheckOptions, 'values' | 'env' | 'manifests'>> {
  await mkdir(dir, { recursive: true });
  const files = { values: 'values.yaml', env: 'prod.env', manifests: 'rendered.yaml' } as const;
  for (const name of Object.values(files)) {
    const template = await readFile(join(root, 'fixtures', 'demo', name), 'utf8');
    await writeFile(join(dir, name), template.replaceAll('__AUTH_ORIGIN__', auth.origin));
  }
  return { values: [shown(join(dir, files.values))], env: [shown(join(dir, files.env))], manifests: [shown(join(dir, files.manifests))] };
}

function demoConfig(broken: boolean): RunConfig {
  const config = defaultConfig();
  // A short burst: enough requests for a p95, few enough to finish in a couple of seconds even when slowed down.
  config.params['load-burst-p95'] = broken
    ? { requests: 30, concurrency: 6, warmup: 0, durationMs: 5000 }
    : { requests: 150, concurrency: 6, warmup: 6, durationMs: 5000 };
  return config;
}

async function demo(args: Args, resources: Resources): Promise<number> {
  const base = await mkdtemp(join(os.tmpdir(), 'prodready-demo-'));
  // Postgres runs as a created user when we are root; it must be able to traverse this folder.
  await chmod(base, 0o755);
  resources.add('temporary folder', () => rm(base, { recursive: true, force: true }));

  await loadEmbeddedPostgresQuietly();
  // initdb is the slow part: the certificates and keys are made meanwhile.
  const [{ pki, auth }, db] = await Promise.all([
    makeDemoPki().then(async (pki) => {
      const auth = await startDemoAuthServer({ pki, broken: args.broken });
      resources.add('identity provider', auth.close);
      return { pki, auth };
    }),
    // Registered before it starts, so that an interruption during start-up still stops it.
    startDemoPostgres({ baseDir: base, broken: args.broken, onCreated: (stop) => resources.add('PostgreSQL', stop) }),
  ]);
  // The target accepts the token the identity provider signed (it compares it; it does not verify it).
  const live: DemoTarget = await startDemoTarget({
    auth: { mode: 'bearer', token: auth.token },
    algoVersion: ALGO_VERSION,
    // The tenant limiter answers 429 with Retry-After like recsys's; the burst reports those apart.
    rateLimit: { capacity: 100, refillPerSecond: 50, retryAfterSeconds: 1 },
    // Degraded: /readyz answers 503 naming the database, and every answer is slower than the p95 gate.
    ...(args.broken ? { delayMs: SLOW_MS, degraded: { failingDependency: 'database' as const } } : {}),
  });
  resources.add('demo target', live.close);

  const caFile = join(base, 'demo-ca.pem');
  await writeFile(caFile, pki.caCert);
  process.stdout.write(
    `demo: target ${live.url} · identity ${auth.origin} · postgresql 127.0.0.1:${db.port} · temp ${base}\n` +
      `demo: checking the ${args.broken ? 'broken' : 'ready'} deployment, live probes and a short load burst…\n\n`,
  );

  const inputs = args.broken
    ? {
        values: [shown(join(root, 'fixtures/broken/values.yaml'))],
        env: [shown(join(root, 'fixtures/broken/prod.env'))],
        manifests: [shown(join(root, 'fixtures/broken/rendered.yaml'))],
      }
    : await writeDemoDeployment(join(args.out, 'deployment'), auth);
  const liveOptions: LiveOptions = {
    target: live.url,
    // Named explicitly so that no probe follows a URL of the deployment files beyond loopback.
    jwksUrl: auth.jwksUrl,
    issuer: auth.issuer,
    caFile,
    databaseUrlEnv: DSN_ENV,
    bearerTokenEnv: TOKEN_ENV,
    expectMigration: EXPECTED_MIGRATION,
    migrationsDir: db.migrationsDir,
    tenant: TENANT,
  };
  const config = demoConfig(args.broken);
  const session = createLiveSession(liveOptions, config, { [DSN_ENV]: db.dsn, [TOKEN_ENV]: auth.token }, () => new Date());
  resources.add('probe connections', session.close);
  const { result, units } = await runCheck(
    {
      ...inputs,
      format: [],
      output: [],
      failOn: 'error',
      rules: [],
      chartDefaults: true,
      ...(args.broken ? { environment: 'production' } : {}),
    },
    config,
    { probes: (model) => session.executor(model), load: session.load },
  );
  await writeReports(
    result,
    [
      { format: 'html', output: join(args.out, 'report.html') },
      { format: 'sarif', output: join(args.out, 'report.sarif') },
      { format: 'junit', output: join(args.out, 'report.xml') },
      { format: 'json', output: join(args.out, 'report.json') },
      { format: 'text' },
    ],
    units,
    { color: useColor(undefined), verbose: true },
  );
  process.stdout.write(`\ndemo: reports in ${shown(args.out)}/ (report.html, report.sarif, report.xml, report.json)\n`);
  return exitCodeFor(result);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`);
    process.exit(args === USAGE ? 0 : 2);
  }
  const resources = new Resources();
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    interrupted = true;
    process.stderr.write(`\nprodready demo: ${signal}, stopping what the demo started…\n`);
    // A second signal while stopping ends the process at once.
    process.once(signal, () => process.exit(130));
    void resources.close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  // `npm run demo | head` closes stdout early: the report is cut, but the cleanup must still run.
  const quietOnClosedPipe = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  };
  process.stdout.on('error', quietOnClosedPipe);
  process.stderr.on('error', quietOnClosedPipe);
  // Whatever fails unexpectedly, the PostgreSQL child process and the temporary folder must not outlive the demo.
  const crash = (err: unknown) => {
    process.stderr.write(`prodready demo: ${(err as Error)?.stack ?? String(err)}\n`);
    void resources.close().finally(() => process.exit(2));
  };
  process.once('uncaughtException', crash);
  process.once('unhandledRejection', crash);

  let code: number;
  try {
    code = await demo(args, resources);
  } catch (err) {
    // Once interrupted, the servers close under the running check: its errors are expected, not news.
    if (interrupted) return;
    process.stderr.write(isUserError(err) ? `${err.format()}\n` : `prodready demo: ${(err as Error).stack ?? String(err)}\n`);
    code = 2;
  }
  await resources.close();
  // Explicit: sockets of a killed child or a library's timer must not keep the demo alive once all is stopped.
  process.exit(code);
}

void main();
