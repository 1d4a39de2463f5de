#!/usr/bin/env node
// Seeded corpus for the static-check benchmark: N deployments (<out>/NNNN/values.yaml) shaped like the recsys chart's
// values, with violations seeded at random, and <out>/expected.json listing each one as {deployment, rule, variable}.
// The expected verdicts follow recsys-service's own semantics, not a naive reading of the YAML:
//   - ENV prod/production (trimmed, any case) is production; MIGRATE_ON_START matters only there, and the chart's
//     own values.yaml defaults it to "true", so leaving it out in production is a violation;
//   - a missing PPROF_ENABLED / DEV_AUTH_ENABLED / AUTH_ALLOW_INSECURE_JWKS is false;
//   - Helm reads YAML 1.1: unquoted yes/on/True are the bool true ("true" in the pod), unquoted no/off false;
//   - Go's strconv.ParseBool rejects the strings "yes"/"on"; Helm renders an unquoted 10000000 as "1e+07",
//     which strconv.ParseInt rejects.
// Deterministic: a seeded PRNG (mulberry32), never Math.random. Usage: node bench/corpus.mjs --out DIR [--count N] [--seed S]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Each variable: forms that are fine, forms that break a rule (with the rule that must report it), per environment.
 * `absent` means the key is left out. `yaml` is the text written after the key.
 */
const VARIABLES = {
  DEV_AUTH_ENABLED: {
    clean: ['"false"', 'false', 'no', 'absent'],
    bad: [
      { rule: 'dev-auth-disabled', forms: ['"true"', 'true', 'yes', '"1"', 'On'] },
      { rule: 'value-parses', forms: ['"on"', '"yes"', '"enabled"'] },
    ],
  },
  PPROF_ENABLED: {
    clean: ['"false"', 'off', 'absent'],
    bad: [
      { rule: 'pprof-disabled', forms: ['"true"', 'on', '"T"'] },
      { rule: 'value-parses', forms: ['"yes"'] },
    ],
  },
  AUTH_ALLOW_INSECURE_JWKS: {
    clean: ['"false"', 'absent'],
    bad: [{ rule: 'insecure-jwks-disabled', forms: ['"true"', 'True', '"1"'] }],
  },
  MIGRATE_ON_START: {
    // Production only: elsewhere every form is fine.
    clean: ['"false"', 'no'],
    bad: [{ rule: 'migrate-on-start-disabled', forms: ['"true"', 'yes', 'absent'], productionOnly: true }],
  },
  RECSYS_BACKPRESSURE_MAX_INFLIGHT: {
    clean: ['"256"', '256', '999999'],
    bad: [{ rule: 'value-parses', forms: ['10000000', '"200x"', '2.5'] }],
  },
};

const SECRETS = {
  API_KEY_HASH_SECRET: 48,
  EXPOSURE_HASH_SALT: 32,
};
// No `${NAME}` among them: recsys-service expands one from its own environment (envvar GetRaw), so it is no placeholder.
const PLACEHOLDERS = ['"changeme"', '"<api-key-secret>"', '"{{ .Values.apiKey }}"', '"minioadmin"', '"CHANGE_ME"'];

export function generate({ out, count = 1000, seed = 1, rate = 0.12 }) {
  const rand = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const token = (n) => Array.from({ length: n }, () => ALNUM[Math.floor(rand() * ALNUM.length)]).join('');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const violations = [];
  const deployments = [];
  for (let i = 0; i < count; i += 1) {
    const id = String(i).padStart(4, '0');
    const production = rand() < 0.6;
    const envValue = production ? pick(['"production"', '"prod"', '" PROD "', 'Production']) : pick(['"staging"', '"development"', 'absent']);
    const env = [];
    const seeded = (rule, variable) => violations.push({ deployment: id, rule, variable });
    if (envValue !== 'absent') env.push(['ENV', envValue]);
    env.push(['API_ADDR', '":8000"'], ['LOG_LEVEL', pick(['"info"', '"warn"', 'debug'])], ['AUTH_REQUIRED', '"true"'], ['JWT_AUTH_ENABLED', '"true"']);
    env.push(['JWT_JWKS_URL', `"https://auth${i % 7}.example.com/.well-known/jwks.json"`], ['JWT_ISSUER', `"https://auth${i % 7}.example.com/"`], ['JWT_AUDIENCE', '"recsys-api"']);
    env.push(['API_KEY_ENABLED', '"true"'], ['EXPOSURE_LOG_ENABLED', pick(['"true"', '"false"'])], ['RECSYS_ARTIFACT_MODE_ENABLED', '"false"']);
    for (const [name, spec] of Object.entries(VARIABLES)) {
      let form;
      if (rand() < rate) {
        const bad = pick(spec.bad);
        form = pick(bad.forms);
        if (!bad.productionOnly || production) seeded(bad.rule, name);
      } else if (name === 'MIGRATE_ON_START' && !production) {
        // Outside production even "true" is fine: a decoy for a linter that ignores the environment.
        form = pick(['"true"', 'yes', 'absent', '"false"']);
      } else {
        form = pick(spec.clean);
      }
      if (form !== 'absent') env.push([name, form]);
    }
    env.push(['RECSYS_BACKPRESSURE_MAX_QUEUE', '"512"'], ['OTEL_TRACING_ENABLED', '"true"'], ['RECSYS_ALGO_VERSION', `"recsys-algo@2026.${(i % 12) + 1}.1"`]);
    const secrets = [];
    for (const [name, length] of Object.entries(SECRETS)) {
      if (rand() < rate) {
        secrets.push([name, pick(PLACEHOLDERS)]);
        seeded('placeholder-secret', name);
      } else {
        secrets.push([name, `"${token(length)}"`]);
      }
    }
    secrets.push(['DATABASE_URL', `"postgres://recsys:${token(24)}@db${i % 5}.internal.example.com:5432/recsys?sslmode=verify-full"`]);
    const lines = [
      `# deployment ${id} (seed ${seed})`,
      'api:',
      `  replicaCount: ${1 + (i % 4)}`,
      '  image:',
      '    repository: ghcr.io/aatuh/recsys-service',
      `    tag: "1.${i % 10}.${i % 7}"`,
      '  env:',
      ...env.map(([k, v]) => `    ${k}: ${v}`),
      '  secrets:',
      ...secrets.map(([k, v]) => `    ${k}: ${v}`),
      '  existingSecret: ""',
      '  resources:',
      '    requests: {cpu: 500m, memory: 512Mi}',
      '    limits: {cpu: "2", memory: 1Gi}',
      'postgres:',
      '  enabled: false',
      'minio:',
      '  enabled: false',
      '',
    ];
    // The line a finding must point at: the variable's own key. A variable left out (the chart's default applies)
    // has no line of its own.
    for (const v of violations) {
      if (v.deployment !== id) continue;
      const at = lines.findIndex((l) => l.startsWith(`    ${v.variable}:`));
      if (at >= 0) v.line = at + 1;
    }
    mkdirSync(join(out, id));
    writeFileSync(join(out, id, 'values.yaml'), lines.join('\n'));
    deployments.push({ id, production });
  }
  const expected = { seed, count, rate, deployments, violations };
  writeFileSync(join(out, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
  return expected;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, count: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' } } });
  if (!values.out) {
    process.stderr.write('usage: node bench/corpus.mjs --out DIR [--count N] [--seed S]\n');
    process.exit(2);
  }
  const e = generate({ out: values.out, count: Number(values.count), seed: Number(values.seed) });
  const byRule = {};
  for (const v of e.violations) byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
  process.stdout.write(`${e.count} deployments, ${e.violations.length} seeded violations: ${JSON.stringify(byRule)}\n`);
}
