// The one secret policy the engine applies to every result: what is secret follows from how a value
// is delivered, not from its key's name, and no report format carries it, whichever template spoke.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config-types.js';
import { loadRunPack } from '../../src/engine/run.js';
import { looksLikeToken, maskCredentialsInText, secretMasker } from '../../src/engine/secret-policy.js';
import type { Finding, RunResult } from '../../src/core/types.js';
import { buildModel } from '../../src/model/build.js';
import { FORMATS, loadReporter, type FormatName } from '../../src/reporters/index.js';
import type { UnitMeta } from '../../src/core/types.js';
import { ROOT } from '../helpers/cli.js';
import { judgeFiles, packData } from '../helpers/pack.js';

const DIR = path.join(ROOT, 'fixtures/canary-delivery');

/** Every secret the fixtures hold; none may appear, nor any 8-character piece of one. */
const SECRETS = [
  'CANARYcors7Hq2Wm9Xv4Lp6Tz1Rb3',
  'CANARYlogLvl5Nd8Qe2Ws4Jk7',
  'CANARYhashSec6Vb9Nm2Qw5Er8Ty1',
  'CANARYqueryPw2Mn5Bv8Cx1Za4',
  'CANARYauthReq3Gt6Yh9Uj2Ik5',
  'CANARYjwksPw8Fr4Ed6Cv1Bn3',
  'CANARYkeyName9Lk2Jh5Gf8Ds1Ap4Qw7Er',
  'CANARYpwDsnKv7Ui4Op1As8Df',
  'CANARYshadow4Rt7Yu1Io3Pa6Sd9',
  'CANARYsecKey3Zx6Cv9Bn2Mq5Wl8Ej',
];

function pieces(text: string): string[] {
  const found: string[] = [];
  for (const s of SECRETS) {
    for (let i = 0; i + 8 <= s.length; i++) {
      if (text.includes(s.slice(i, i + 8))) {
        found.push(s);
        break;
      }
    }
  }
  return found;
}

/** The built-in pack plus the fixture's user rules, which point templates at secret variables. */
const withUserRules = () => loadRunPack(defaultConfig(), [path.join(DIR, 'rules')]);

async function renderAll(result: RunResult, units: UnitMeta[]): Promise<Map<FormatName, string>> {
  const out = new Map<FormatName, string>();
  for (const f of Object.keys(FORMATS) as FormatName[]) {
    out.set(f, (await loadReporter(f))(result, { units, toolVersion: 'test', cwd: ROOT, color: false, verbose: true }));
  }
  return out;
}

function findings(result: RunResult, id: string): Finding[] {
  return result.results.find((r) => r.id === id)?.findings ?? [];
}

describe('secret policy, through the whole pipeline and every format', () => {
  it('(a)(b)(c)(d) a Secret delivers settings, a DSN with ?password=, a token as a key; user rules point templates at them', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const { result, units } = await judgeFiles({ env: [], values: [], manifests: [path.join(DIR, 'secret-delivery.yaml')], now }, await withUserRules());
    // The rules did speak about these values: the policy is what keeps them out.
    expect(findings(result, 'user-log-level')[0]!.message).toContain('LOG_LEVEL is [secret: 25 chars, from Secret recsys-api] at');
    expect(findings(result, 'user-cors')[0]!.message).toContain('CORS_ALLOWED_ORIGINS is [secret: 49 chars, from Secret recsys-api]');
    expect(findings(result, 'user-hash-secret-known')[0]!.messageId).toBe('forbiddenSet');
    expect(findings(result, 'user-hash-secret-format')[0]!.messageId).toBe('notAllowed');
    const unknown = findings(result, 'unknown-variable');
    expect(unknown.map((f) => f.message)).toContain(
      `[a key name of 34 chars that looks like a secret] at ${path.join(DIR, 'secret-delivery.yaml')}:18 is not read by recsys-service`,
    );
    const json = JSON.stringify(result);
    // A DSN keeps its shape, its password masked; a URL delivered by a Secret is hidden whole.
    expect(json).toContain('sslmode=verify-full&password=****');
    expect(json).toContain('JWT_JWKS_URL=[secret: 76 chars, from Secret recsys-api]');
    for (const [format, text] of await renderAll(result, units)) expect(pieces(text), format).toEqual([]);
  });

  it('api.secrets stay secret when api.existingSecret shadows them; a key=value DSN in api.env has its password masked', async () => {
    const { result, units } = await judgeFiles({ env: [], values: [path.join(DIR, 'secret-values.yaml')], manifests: [], now: new Date('2026-01-01T00:00:00Z') }, await withUserRules());
    const json = JSON.stringify(result);
    expect(json).toContain('user=recsys password=**** dbname=recsys');
    expect(json).toContain('[a key name of 30 chars that looks like a secret]');
    expect(findings(result, 'existing-secret-shadows-values').length).toBeGreaterThan(0);
    for (const [format, text] of await renderAll(result, units)) expect(pieces(text), format).toEqual([]);
  });
});

describe('secret policy, one value at a time', () => {
  const manifests = (data: Record<string, string>): string =>
    [
      'apiVersion: v1',
      'kind: Secret',
      'metadata: { name: recsys-api }',
      'stringData:',
      ...Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: recsys-api }',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          image: ghcr.io/aatuh/recsys-service:1.8.2',
      '          envFrom: [{ secretRef: { name: recsys-api } }]',
      '',
    ].join('\n');
  const model = (data: Record<string, string>) =>
    buildModel({ envFiles: [], valuesFiles: [], manifestFiles: [{ name: 'm.yaml', text: manifests(data) }] }, packData());

  it('a short value is masked where it stands as its variable, and nowhere else', () => {
    const mask = secretMasker(model({ LOG_LEVEL: 'dbg', AUTH_REQUIRED: '1' }));
    expect(mask('LOG_LEVEL="dbg" (m.yaml:5, from Secret recsys-api)')).toBe('LOG_LEVEL=[secret: 3 chars, from Secret recsys-api] (m.yaml:5, from Secret recsys-api)');
    expect(mask('AUTH_REQUIRED=1 is not a Go bool')).toBe('AUTH_REQUIRED=[secret: 1 chars, from Secret recsys-api] is not a Go bool');
    // The report's own data: a field that is the value whole (quoted or not).
    expect(mask('"dbg"', 'LOG_LEVEL')).toBe('[secret: 3 chars, from Secret recsys-api]');
    expect(mask('1', 'AUTH_REQUIRED')).toBe('[secret: 1 chars, from Secret recsys-api]');
    // The same short text about something else stays: masking "1" everywhere would garble every number.
    expect(mask('1', 'RECSYS_BACKPRESSURE_MAX_QUEUE')).toBe('1');
    expect(mask('replicas below 1 dbg')).toBe('replicas below 1 dbg');
  });

  it('a text seen before, then shown as a variable\'s whole value, is masked as that value (what is remembered depends on who asks)', () => {
    const mask = secretMasker(model({ LOG_LEVEL: 'dbg' }));
    // Unmasked as free text (too short to be masked anywhere), and remembered so.
    expect(mask('dbg')).toBe('dbg');
    expect(mask('plain evidence with no secret in it')).toBe('plain evidence with no secret in it');
    // The same text as LOG_LEVEL's own value is that secret.
    expect(mask('dbg', 'LOG_LEVEL')).toBe('[secret: 3 chars, from Secret recsys-api]');
    expect(mask('"dbg"', 'LOG_LEVEL')).toBe('[secret: 3 chars, from Secret recsys-api]');
    // And asked again as free text, still as free text.
    expect(mask('dbg')).toBe('dbg');
    expect(mask('LOG_LEVEL=dbg')).toBe('LOG_LEVEL=[secret: 3 chars, from Secret recsys-api]');
  });

  it('a secret with characters JSON escapes is masked as written and as JSON shows it', () => {
    const value = 'Zq8"x\\y\u0001W3nLp0Tq7Rv';
    const mask = secretMasker(model({ API_KEY_HASH_SECRET: value }));
    expect(mask(`raw ${value} end`)).not.toContain('W3nLp0Tq7Rv');
    expect(mask(`json ${JSON.stringify(value)} end`)).not.toContain('W3nLp0Tq7Rv');
    expect(mask(`escaped ${JSON.stringify(value).slice(1, -1)} end`)).not.toContain('W3nLp0Tq7Rv');
  });

  it('a short password that is a plain word is masked as a value, quoted or in a DSN, not inside names', () => {
    const mask = secretMasker(model({ DATABASE_URL: 'postgres://app:recsys@db:5432/app', RECSYS_DB_PASSWORD_HINT: 'recsys' }));
    // Masking the word inside names would garble them and tell every reader what the password is.
    expect(mask('Job/recsys-migrate (charts/recsys/values.yaml, recsys chart default)')).toBe('Job/recsys-migrate (charts/recsys/values.yaml, recsys chart default)');
    expect(mask('DATABASE_URL=postgres://app:recsys@db:5432/app')).not.toContain(':recsys@');
    expect(mask('the value "recsys" is weak')).not.toContain('"recsys"');
    expect(mask('RECSYS_DB_PASSWORD_HINT=recsys')).toBe('RECSYS_DB_PASSWORD_HINT=[secret: 6 chars, from Secret recsys-api]');
  });

  it('ENV delivered by a Secret: the header says whether it reads as production, not the value', () => {
    const m = model({ ENV: 'staging-Hq2Wm9Xv4Lp6' });
    expect(m.environmentSource).toBe('ENV set in Secret recsys-api, not production (m.yaml:5)');
    expect(model({ ENV: 'production' }).environmentSource).toBe('ENV set in Secret recsys-api, production (m.yaml:5)');
  });

  it('a long value is masked anywhere, in its encodings and list items', () => {
    const origins = 'https://a-secret-origin.example, https://b-secret-origin.example';
    const mask = secretMasker(model({ CORS_ALLOWED_ORIGINS: origins }));
    expect(mask(`origin https://b-secret-origin.example is not https`)).not.toContain('b-secret-origin');
    expect(mask(`x ${encodeURIComponent(origins)} y`)).not.toContain('secret-origin');
    expect(mask(`x ${Buffer.from(origins).toString('base64')} y`)).not.toContain(Buffer.from(origins).toString('base64').slice(0, 20));
  });

  it('(b) passwords in DSNs and URLs, in any text', () => {
    expect(maskCredentialsInText('postgres://u:p%40ss@db:5432/x?sslmode=require')).toBe('postgres://u:****@db:5432/x?sslmode=require');
    expect(maskCredentialsInText('postgres://u@db/x?sslmode=require&password=hunter22&application_name=a')).toBe(
      'postgres://u@db/x?sslmode=require&password=****&application_name=a',
    );
    expect(maskCredentialsInText('postgres://u@db/x?password=hunter22')).toBe('postgres://u@db/x?password=****');
    expect(maskCredentialsInText("host=db user=u password='it\\'s a secret' dbname=x")).toBe('host=db user=u password=**** dbname=x');
    expect(maskCredentialsInText("host=db password='never closed secret")).toBe('host=db password=****');
    expect(maskCredentialsInText('host=db sslpassword=keypass dbname=x')).toBe('host=db sslpassword=**** dbname=x');
    expect(maskCredentialsInText('no password in it')).toBe('no password in it');
  });

  it('(d) key names that are tokens, not names', () => {
    for (const token of ['ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'AKIAIOSFODNN7EXAMPLEKEY', 'CANARYkeyName9Lk2Jh5Gf8Ds1Ap4Qw7Er', 'sk-live-4eC39HqLyjWDarjtT1zdp7dc']) {
      expect(looksLikeToken(token), token).toBe(true);
    }
    for (const name of ['SENTRY_DSN', 'NEW_RELIC_LICENSE_KEY', 'RECSYS_BACKPRESSURE_MAX_INFLIGHT', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'GOMAXPROCS', 'EVIL\u001b[31mKEY_WITH_ESCAPE']) {
      expect(looksLikeToken(name), name).toBe(false);
    }
  });
});
