// The secrets canary: a deployment (fixtures/canary) and a live target, database and flags full of
// distinctive secret values go through every command, every report format, --verbose and every
// error path. No 8-character window of any canary, of its base64 form or of its URL-encoded form
// may appear in stdout, stderr or any file written.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runAsync } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { makePki, startHttpsServer } from '../helpers/tls.js';

/** Every secret value the fixture, the flags and the servers hold. */
export const CANARIES = {
  apiKeyHashSecret: 'CANARYxWeB9LGpimnqp0O90zqbkNR3Kg',
  exposureHashSalt: 'CANARY1VuptV4DUj',
  exposureHashSaltDuplicate: 'CANARYdupSaltQ9w8E7r6T5y4U3i2O1x',
  dsnPassword: 'CANARYPv3k6EHL/NzkMIb+FKoEzFDuoK9Y',
  dsnPasswordInEnvFile: 'CANARYvrM7LURyDwhUYy2M99IYCa3n2k',
  dsnWrongPassword: 'CANARYwr0ngPw8d3kQx7LmZ2vN5tY4hB',
  dsnBadSyntaxPassword: 'CANARYbadDsn4Rt7Yu1Io3Pa5Sd8Fg0H',
  bearerToken: 'CANARY78QNKsVlMtObu7mMkSsX1IXpAh',
  apiKey: 'CANARY4TNGLKrpjbRY1cwygFKj3M6peU',
  s3SecretKey: 'CANARYjQDbIJiCZg3J4CAAFnAK41OnjS',
  s3AccessKey: 'CANARYJqe9BYGVyTNLsHAq1SgbCHTWKl',
  secretData: 'CANARYv6cHIoSSvlJD5vT4h8vtHNjJsG',
  configSecret: 'CANARYGud1kkkI7WsSqSHamrXVXZusIz',
  attestationSecret: 'CANARYtLZBevCYgBnxKXdBObAapOlBIP',
  serverEchoSecret: 'CANARYsrvEcho2Wq9Lk7Jh5Gf3Ds1AzX',
  /** In a libpq key=value DSN, quoted, with a space and an escaped quote in it. */
  dsnKeywordPassword: "CANARYkvQ8w7E6r5 T4y3U'2i1O0pLk",
  /** In a URL DSN's query string, ?password=. */
  dsnQueryPassword: 'CANARYqpZ1x2C3v4B5n6M7a8S9d0Fg',
  // fixtures/canary-delivery: values secret by how they are delivered, not by their keys' names.
  corsOriginsInSecret: 'CANARYcors7Hq2Wm9Xv4Lp6Tz1Rb3',
  logLevelInSecret: 'CANARYlogLvl5Nd8Qe2Ws4Jk7',
  authRequiredInSecret: 'CANARYauthReq3Gt6Yh9Uj2Ik5',
  jwksUrlPasswordInSecret: 'CANARYjwksPw8Fr4Ed6Cv1Bn3',
  dsnQueryPasswordInValues: 'CANARYqueryPw2Mn5Bv8Cx1Za4',
  dsnKeyValuePassword: 'CANARYpwDsnKv7Ui4Op1As8Df',
  hashSecretForUserRules: 'CANARYhashSec6Vb9Nm2Qw5Er8Ty1',
  secretAsKeyName: 'CANARYkeyName9Lk2Jh5Gf8Ds1Ap4Qw7Er',
  apiSecretsShadowed: 'CANARYshadow4Rt7Yu1Io3Pa6Sd9',
  apiSecretsKeyName: 'CANARYsecKey3Zx6Cv9Bn2Mq5Wl8Ej',
} as const;

const WINDOW = 8;

/** Each canary in the forms it could leak as: raw, base64, base64url, URL-encoded. */
function forms(secret: string): string[] {
  const b64 = Buffer.from(secret).toString('base64');
  return [secret, b64, b64.replace(/=+$/, ''), Buffer.from(secret).toString('base64url'), encodeURIComponent(secret)];
}

const windows = new Map<string, string>();
for (const [name, secret] of Object.entries(CANARIES)) {
  for (const form of forms(secret)) {
    for (let i = 0; i + WINDOW <= form.length; i++) windows.set(form.slice(i, i + WINDOW), name);
  }
}

/** The canaries some 8-character window of which appears in `text`, each with where it first does. */
function leaks(text: string): string[] {
  const found = new Map<string, string>();
  for (let i = 0; i + WINDOW <= text.length; i++) {
    const name = windows.get(text.slice(i, i + WINDOW));
    if (name && !found.has(name)) found.set(name, `${name} at …${text.slice(Math.max(0, i - 60), i + WINDOW + 20).replace(/\s+/g, ' ')}…`);
  }
  return [...found.values()];
}

let tmp: string;
let inputs: string;
let out: string;
let db: TestPostgres;
let echo: TestServer;
let selfSigned: TestServer;
let env: Record<string, string>;
const captured: Array<{ label: string; text: string }> = [];

/** Everything a server answers echoes back what it was sent, as a careless service might. */
function echoHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const sent = {
    authorization: req.headers.authorization ?? '',
    apiKey: req.headers['x-api-key'] ?? '',
    url: req.url ?? '',
    dsn: `postgres://recsys:${CANARIES.serverEchoSecret}@db.internal:5432/recsys`,
  };
  const detail = `rejected ${sent.authorization} key=${String(sent.apiKey)} Bearer ${CANARIES.serverEchoSecret} password=${CANARIES.serverEchoSecret} token=${CANARIES.serverEchoSecret} api_key: ${CANARIES.serverEchoSecret} dsn ${sent.dsn}`;
  if (req.url?.startsWith('/healthz')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok' }));
    return;
  }
  if (req.url?.startsWith('/readyz') || req.url?.startsWith('/health/detailed')) {
    res.writeHead(503, { 'content-type': 'application/json', 'x-echo-authorization': sent.authorization });
    res.end(JSON.stringify({ status: 'fail', checks: { database: { status: 'fail', error: detail } }, error: detail }));
    return;
  }
  // Everything else (recommend, similar, JWKS, discovery): an error body that echoes the credentials.
  res.writeHead(req.url?.startsWith('/v1/') && Math.random() < 0.5 ? 401 : 500, {
    'content-type': 'application/problem+json',
    'www-authenticate': `Bearer error="invalid_token", error_description="${sent.authorization}"`,
  });
  res.end(JSON.stringify({ title: 'error', status: 500, detail, headers: req.headers }));
}

async function cli(label: string, args: string[], extraEnv: Record<string, string> = {}) {
  const r = await runAsync(args, { env: { ...env, ...extraEnv }, cwd: tmp, timeoutMs: 90_000 });
  captured.push({ label: `${label} stdout`, text: r.stdout }, { label: `${label} stderr`, text: r.stderr });
  return r;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'prodready-canary-'));
  inputs = path.join(tmp, 'in');
  out = path.join(tmp, 'out');
  await mkdir(out, { recursive: true });
  await cp(path.join(ROOT, 'fixtures/canary'), inputs, { recursive: true });
  for (const name of ['a', 'b']) await cp(path.join(ROOT, 'fixtures/canary'), path.join(tmp, 'fleet', name), { recursive: true });
  await cp(path.join(ROOT, 'fixtures/canary-delivery'), path.join(tmp, 'delivery'), { recursive: true });

  db = await startPostgres({ schemaMigrations: true, backupMarker: true });
  await db.sql(`CREATE ROLE canary_app LOGIN PASSWORD '${CANARIES.dsnPassword}'`);
  await db.sql('GRANT SELECT ON schema_migrations, prodready_backup_marker TO canary_app');
  await db.sql(`INSERT INTO schema_migrations (version, name, checksum) VALUES (20240101120000, 'init', 'x')`);
  await db.sql(`INSERT INTO prodready_backup_marker (completed_at, note) VALUES (now() - interval '40 hours', '${CANARIES.serverEchoSecret}')`);

  await db.sql(`CREATE ROLE canary_kv LOGIN PASSWORD '${CANARIES.dsnKeywordPassword.replace(/'/g, "''")}'`);
  await db.sql(`CREATE ROLE canary_q LOGIN PASSWORD '${CANARIES.dsnQueryPassword}'`);
  await db.sql('GRANT SELECT ON schema_migrations, prodready_backup_marker TO canary_kv, canary_q');

  echo = await startServer(echoHandler);
  const pki = await makePki();
  selfSigned = await startHttpsServer(pki, echoHandler);

  const dsn = (password: string) =>
    `postgres://canary_app:${encodeURIComponent(password)}@127.0.0.1:${db.port}/postgres?sslmode=disable&application_name=canary`;
  env = {
    CANARY_TOKEN: CANARIES.bearerToken,
    CANARY_API_KEY: CANARIES.apiKey,
    CANARY_DSN: dsn(CANARIES.dsnPassword),
    CANARY_DSN_WRONG: dsn(CANARIES.dsnWrongPassword),
    CANARY_DSN_BAD: `postgres://canary_app:${CANARIES.dsnBadSyntaxPassword}@127.0.0.1:notaport/postgres`,
    CANARY_DSN_KV: `host=127.0.0.1 port=${db.port} user=canary_kv password='${CANARIES.dsnKeywordPassword.replace(/(['\\])/g, '\\$1')}' dbname=postgres sslmode=disable application_name=canary`,
    CANARY_DSN_KV_BAD: `host=127.0.0.1 port=${db.port} user=canary_kv password=${CANARIES.dsnKeywordPassword} dbname=postgres`,
    CANARY_DSN_KV_UNKNOWN: `host=127.0.0.1 password='${CANARIES.dsnKeywordPassword.replace(/'/g, "\\'")}' search_path=app`,
    CANARY_DSN_QUERY: `postgresql://canary_q@127.0.0.1:${db.port}/postgres?sslmode=disable&password=${encodeURIComponent(CANARIES.dsnQueryPassword)}`,
    CANARY_DSN_QUERY_WRONG: `postgresql://canary_q@127.0.0.1:${db.port}/postgres?sslmode=disable&password=${encodeURIComponent(CANARIES.dsnWrongPassword)}`,
    // The load command's defaults read these names.
    BEARER_TOKEN: CANARIES.bearerToken,
    API_KEY: CANARIES.apiKey,
  };

  // A valid config: probe params tightened so the runs stay short.
  await writeFile(
    path.join(tmp, 'canary.prodready.yaml'),
    ['params:', '  readyz:', '    requestTimeoutMs: 1500', '  load-burst-p95:', '    requests: 20', '    concurrency: 2', ''].join('\n'),
  );
  // Invalid configs, each holding a secret: a YAML syntax error next to it, a wrong type, an unknown key.
  await writeFile(
    path.join(tmp, 'bad-syntax.prodready.yaml'),
    `thresholds:\n  replicasMin: 2\nparams:\n  readyz: { requestTimeoutMs: 2000\ndatabaseUrl: postgres://u:${CANARIES.configSecret}@db/x\n`,
  );
  await writeFile(
    path.join(tmp, 'bad-schema.prodready.yaml'),
    `thresholds:\n  replicasMin: "${CANARIES.configSecret}"\ndatabaseUrl: "postgres://u:${CANARIES.configSecret}@db/x"\napiToken: ${CANARIES.configSecret}\n`,
  );
  await writeFile(
    path.join(tmp, 'bad-params.prodready.yaml'),
    `params:\n  readyz:\n    readyPath: "${CANARIES.configSecret}"\n    requestTimeoutMs: "${CANARIES.configSecret}"\n    token: "${CANARIES.configSecret}"\n`,
  );
  // Invalid attestations, each holding a secret.
  await writeFile(
    path.join(tmp, 'bad-syntax.attestations.yaml'),
    `attestations:\n  - item: 1.key-rotation\n    statement: "rotated with token ${CANARIES.attestationSecret}\n    by: ops\n  - [\n`,
  );
  await writeFile(
    path.join(tmp, 'bad-schema.attestations.yaml'),
    [
      'attestations:',
      '  - item: 1.key-rotation',
      `    statement: "rotated"`,
      `    by: "${CANARIES.attestationSecret}"`,
      `    date: "${CANARIES.attestationSecret}"`,
      `    evidence: 42`,
      `    expires: "${CANARIES.attestationSecret}"`,
      `    token: "${CANARIES.attestationSecret}"`,
      `  - item: "${CANARIES.attestationSecret}"`,
      '    statement: x',
      '    by: y',
      '    date: "2020-01-01"',
      '    evidence: z',
      '    expires: "2020-02-01"',
      '',
    ].join('\n'),
  );
  // Inputs that do not parse, next to a secret.
  await writeFile(path.join(tmp, 'broken-values.yaml'), `api:\n  secrets:\n    API_KEY_HASH_SECRET: "${CANARIES.configSecret}\n    X: [\n`);
  await writeFile(path.join(tmp, 'broken.env'), `DATABASE_URL postgres://u:${CANARIES.configSecret}@db/x\nAPI_KEY_HASH_SECRET='${CANARIES.configSecret}\n`);
}, 180_000);

afterAll(async () => {
  await echo?.close();
  await selfSigned?.close();
  await db?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'html', 'github'] as const;

function deployment(): string[] {
  return [
    '--values', path.join(inputs, 'values.yaml'),
    '--env', path.join(inputs, 'prod.env'),
    '--manifests', path.join(inputs, 'rendered.yaml'),
  ];
}

/** The live flags: every secret given, the JWKS and issuer kept on 127.0.0.1. */
function live(target: string, dsnEnv = 'CANARY_DSN'): string[] {
  return [
    '--target', target,
    '--jwks-url', `${target}/.well-known/jwks.json`,
    '--issuer', `${target}/`,
    '--database-url-env', dsnEnv,
    '--bearer-token-env', 'CANARY_TOKEN',
    '--api-key-env', 'CANARY_API_KEY',
  ];
}

describe('secrets canary', () => {
  it('the search is strict: it finds a window of each canary in each form, and not in clean text', () => {
    for (const [name, secret] of Object.entries(CANARIES)) {
      for (const form of forms(secret)) {
        const mid = form.slice(3, 3 + WINDOW);
        expect(leaks(`x ${mid} y`).join(), `${name} ${form}`).toContain(name);
      }
    }
    expect(leaks('API_KEY_HASH_SECRET: set, 32 chars, from Secret recsys-api; postgres://canary_app:****@127.0.0.1')).toEqual([]);
  });

  it('check, with every --format written with --output, --verbose and the live target', async () => {
    for (const format of FORMATS) {
      const file = path.join(out, `check.${format}`);
      const r = await cli(`check -f ${format}`, [
        'check', ...deployment(), ...live(echo.url), '--config', 'canary.prodready.yaml', '--verbose',
        '--format', format, '--output', file,
      ]);
      expect(r.code, `${format}: ${r.stderr}`).toBe(1);
      expect((await stat(file)).size).toBeGreaterThan(0);
    }
    const text = await cli('check text', ['check', ...deployment(), ...live(echo.url), '--config', 'canary.prodready.yaml', '--verbose']);
    expect(text.code, text.stderr).toBe(1);
    // The run did see the secrets: findings about them are there, by name.
    const json = await readFile(path.join(out, 'check.json'), 'utf8');
    expect(json).toContain('RECSYS_ARTIFACT_S3_SECRET_KEY');
    expect(json).toContain('EXPOSURE_HASH_SALT');
    expect(echo.requests.some((q) => q.headers.authorization === `Bearer ${CANARIES.bearerToken}`)).toBe(true);
  }, 240_000);

  it('check: values secret by delivery, DSN query and key=value passwords, user rules on secrets, tokens as key names', async () => {
    const delivery = path.join(tmp, 'delivery');
    const runs = {
      manifests: ['--manifests', path.join(delivery, 'secret-delivery.yaml')],
      values: ['--values', path.join(delivery, 'secret-values.yaml')],
    };
    for (const [name, input] of Object.entries(runs)) {
      for (const format of FORMATS) {
        const file = path.join(out, `delivery-${name}.${format}`);
        const r = await cli(`check delivery ${name} -f ${format}`, [
          'check', ...input, '--rules', path.join(delivery, 'rules'), '--verbose', '--format', format, '--output', file,
        ]);
        expect(r.code, `${name} ${format}: ${r.stderr}`).toBe(1);
      }
      const text = await cli(`check delivery ${name} text`, ['check', ...input, '--rules', path.join(delivery, 'rules'), '--verbose']);
      expect(text.code, text.stderr).toBe(1);
    }
    // The user's rules did judge the secret values (and so would have printed them).
    const json = await readFile(path.join(out, 'delivery-manifests.json'), 'utf8');
    for (const id of ['user-log-level', 'user-cors', 'user-hash-secret-known', 'user-hash-secret-format']) {
      expect(JSON.parse(json).results.find((r: { id: string }) => r.id === id).status, id).toBe('warn');
    }
    expect(json).toContain('[a key name of 34 chars that looks like a secret]');
  }, 240_000);

  it('check --each, one report per deployment', async () => {
    const dir = path.join(out, 'fleet');
    const r = await cli('check --each', ['check', '--each', 'fleet/*', '--verbose', '--format', 'json', '--format', 'sarif', '--output', dir]);
    expect(r.code, r.stderr).toBe(1);
    expect((await filesUnder(dir)).length).toBeGreaterThanOrEqual(2);
    const text = await cli('check --each text', ['check', '--each', 'fleet/*', '--verbose']);
    expect(text.stdout.length).toBeGreaterThan(0);
  }, 120_000);

  it('probe, compact and json, with --load', async () => {
    const r = await cli('probe', ['probe', ...deployment(), ...live(echo.url)]);
    expect(r.code).toBe(1);
    const j = await cli('probe json --load', [
      'probe', ...deployment(), ...live(echo.url), '--load', '--config', 'canary.prodready.yaml',
      '--format', 'json', '--output', path.join(out, 'probe.json'),
    ]);
    expect(j.code, j.stderr).toBe(1);
  }, 120_000);

  it('load: a burst against a target that echoes the Authorization header in its error bodies', async () => {
    const args = ['load', '--base-url', echo.url, '--requests', '20', '--concurrency', '2', '--warmup', '2', '--duration', '10s', '--p95-max', '1', '--error-rate-max', '1%'];
    const t = await cli('load text', [...args, '--bearer-token-env', 'CANARY_TOKEN', '--api-key-env', 'CANARY_API_KEY']);
    expect(t.code).toBe(1);
    const j = await cli('load json', [...args, '--format', 'json', '--output', path.join(out, 'load.json')]);
    expect(j.code).toBe(1);
    expect(echo.requests.some((q) => q.headers['x-api-key'] === CANARIES.apiKey)).toBe(true);
    // A self-signed target without --ca-file.
    const tls = await cli('load tls', ['load', '--base-url', selfSigned.url, '--requests', '4', '--concurrency', '1', '--warmup', '0', '--duration', '5s']);
    expect(tls.code).toBe(1);
  }, 120_000);

  it('check --load-results: imported results whose endpoint names and error texts carry credentials', async () => {
    const names = [
      'multi-endpoint_stats.csv', 'multi-endpoint_failures.csv', 'endpoints.k6.json', 'handle-summary.k6.json',
      'end-of-test-classic.k6.txt', 'end-of-test-v1.k6.txt', 'harness-stdout.txt', 'candidate-30pct.harness.json',
    ];
    const dir = path.join(tmp, 'load-results');
    await mkdir(dir, { recursive: true });
    for (const name of names) {
      const text = (await readFile(path.join(ROOT, 'fixtures/load-results', name), 'utf8'))
        .replaceAll('/v1/recommend', `/v1/recommend?api_key=${CANARIES.apiKey}&token=${encodeURIComponent(CANARIES.bearerToken)}`)
        .replaceAll('Internal Server Error', `Internal Server Error (Bearer ${CANARIES.bearerToken}, postgres://u:${CANARIES.dsnPassword}@db/x)`);
      await writeFile(path.join(dir, name), text);
    }
    for (const name of names.filter((n) => !n.endsWith('_failures.csv'))) {
      const r = await cli(`check --load-results ${name}`, [
        'check', '--values', path.join(inputs, 'values.yaml'), '--load-results', path.join(dir, name), '--verbose',
        '--format', 'json', '--output', path.join(out, `load-results-${name}.json`), '--format', 'text', '--output', path.join(out, `load-results-${name}.txt`),
      ]);
      expect([0, 1], `${name}: ${r.stderr}`).toContain(r.code);
      expect(await readFile(path.join(out, `load-results-${name}.json`), 'utf8')).toContain('load');
    }
  }, 120_000);

  it('attest, rules and explain', async () => {
    await writeFile(path.join(out, 'attest-template.yaml'), (await cli('attest --template', ['attest', '--template'])).stdout);
    expect((await cli('rules', ['rules'])).code).toBe(0);
    for (const id of ['api-key-hash-secret', 'secret-in-configmap', 'duplicate-key', 'value-parses', 'response-versions']) {
      expect((await cli(`explain ${id}`, ['explain', id])).code).toBe(0);
    }
  }, 120_000);

  it('error paths: bad DSN syntax, TLS without --ca-file, wrong database password', async () => {
    const bad = await cli('probe bad dsn', ['probe', '--database-url-env', 'CANARY_DSN_BAD', '--format', 'json']);
    expect(bad.code).not.toBe(0);
    const tls = await cli('probe tls', ['probe', ...live(selfSigned.url), '--format', 'json']);
    expect(tls.code).toBe(1);
    expect(tls.stdout).toMatch(/certificateInvalid/);
    const wrong = await cli('check wrong password', ['check', ...deployment(), ...live(echo.url, 'CANARY_DSN_WRONG'), '--verbose', '-f', 'json']);
    expect(wrong.code, wrong.stderr).toBe(1);
    expect(wrong.stdout).toContain('28P01');
    // The same DSNs given as a file.
    await writeFile(path.join(tmp, 'dsn.txt'), `${env.CANARY_DSN_BAD}\n`);
    const file = await cli('probe dsn file', ['probe', '--database-url-file', 'dsn.txt']);
    expect(file.code).not.toBe(0);
    // Secrets given where a name is expected.
    const value = await cli('probe token as value', ['probe', '--target', echo.url, '--bearer-token-env', CANARIES.bearerToken]);
    expect(value.code).toBe(2);
    const loadValue = await cli('load token as value', ['load', '--base-url', echo.url, '--api-key-env', CANARIES.apiKey]);
    expect(loadValue.code).toBe(2);
    const urlCreds = await cli('probe url with credentials', ['probe', '--target', `http://u:${CANARIES.bearerToken}@127.0.0.1:${echo.port}/`]);
    expect(urlCreds.code).toBe(2);
    const loadCreds = await cli('load url with credentials', ['load', '--base-url', `http://u:${encodeURIComponent(CANARIES.dsnPassword)}@127.0.0.1:${echo.port}/?token=${CANARIES.apiKey}`, '--requests', '4', '--warmup', '0', '--duration', '3s']);
    expect([1, 2]).toContain(loadCreds.code);
  }, 120_000);

  it('DSN forms: a key=value DSN and a URL DSN with ?password=, connected, refused and rejected', async () => {
    for (const name of ['CANARY_DSN_KV', 'CANARY_DSN_QUERY']) {
      const p = await cli(`probe ${name}`, ['probe', '--database-url-env', name, '--format', 'json']);
      expect(p.code, `${name}: ${p.stderr}`).toBe(1);
      expect(p.stdout).toContain('connected to');
      for (const format of ['json', 'sarif', 'markdown', 'html']) {
        const r = await cli(`check ${name} ${format}`, [
          'check', ...deployment(), ...live(echo.url, name), '--verbose', '--format', format, '--output', path.join(out, `dsn-${name}.${format}`),
        ]);
        expect(r.code, `${name} ${format}: ${r.stderr}`).toBe(1);
      }
    }
    // An unquoted password with a space: its tail reads as an unknown keyword, refused without echo.
    for (const name of ['CANARY_DSN_KV_BAD', 'CANARY_DSN_KV_UNKNOWN']) {
      const r = await cli(`probe ${name}`, ['probe', '--database-url-env', name, '--format', 'json']);
      expect(r.code, `${name}: ${r.stdout}`).toBe(2);
      expect(r.stderr).toMatch(/error\[invalid-option\]: the DSN from --database-url-env \w+ is refused \(dsn-/);
    }
    const wrong = await cli('probe CANARY_DSN_QUERY_WRONG', ['probe', '--database-url-env', 'CANARY_DSN_QUERY_WRONG', '--format', 'json']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('28P01');
  }, 180_000);

  it('error paths: invalid config, attestations and inputs that hold a secret', async () => {
    for (const name of ['bad-syntax', 'bad-schema']) {
      const r = await cli(`check config ${name}`, ['check', ...deployment(), '--config', `${name}.prodready.yaml`]);
      expect(r.code, r.stderr).toBe(2);
    }
    const params = await cli('probe config bad-params', ['probe', '--target', echo.url, '--config', 'bad-params.prodready.yaml']);
    expect(params.code, params.stderr).toBe(2);
    for (const name of ['bad-syntax', 'bad-schema']) {
      const a = await cli(`attest ${name}`, ['attest', '--attestations', `${name}.attestations.yaml`]);
      expect(a.code, a.stderr).toBe(2);
      const c = await cli(`check attestations ${name}`, ['check', ...deployment(), '--attestations', `${name}.attestations.yaml`, '-f', 'json']);
      expect(c.code, c.stderr).toBe(2);
    }
    const values = await cli('check broken values', ['check', '--values', 'broken-values.yaml', '--verbose', '-f', 'json']);
    expect(values.code).not.toBe(0);
    const envFile = await cli('check broken env', ['check', '--env', 'broken.env', '--verbose', '-f', 'json']);
    expect(envFile.code).not.toBe(0);
    const stdin = await runAsync(['check', '--manifests', '-', '--verbose'], {
      env,
      cwd: tmp,
      input: await readFile(path.join(inputs, 'rendered.yaml'), 'utf8'),
    });
    captured.push({ label: 'check stdin stdout', text: stdin.stdout }, { label: 'check stdin stderr', text: stdin.stderr });
    expect(stdin.code).toBe(1);
  }, 120_000);

  it('no canary, in any form, in any output or written file', async () => {
    expect(captured.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const c of captured) for (const l of leaks(c.text)) problems.push(`${c.label}: ${l}`);
    for (const file of await filesUnder(out)) {
      for (const l of leaks(await readFile(file, 'utf8'))) problems.push(`${path.relative(out, file)}: ${l}`);
    }
    expect(problems).toEqual([]);
  });
});
