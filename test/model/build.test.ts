import { describe, expect, it } from 'vitest';
import { packData } from '../helpers/pack.js';
import { buildModel } from '../../src/model/build.js';
import { effective } from '../../src/model/query.js';

const model = (files: { values?: string; env?: string; manifests?: string }, environment?: string) =>
  buildModel({
    valuesFiles: files.values ? [{ name: 'values.yaml', text: files.values }] : [],
    envFiles: files.env ? [{ name: 'prod.env', text: files.env }] : [],
    manifestFiles: files.manifests ? [{ name: 'm.yaml', text: files.manifests }] : [],
    ...(environment ? { environment } : {}),
  }, packData());

describe('the deployment model', () => {
  it('decides production from ENV, trimmed and any case, or from --environment', () => {
    expect(model({ env: 'ENV= PRODUCTION ' }).production).toBe(true);
    expect(model({ env: 'ENV=prod' }).production).toBe(true);
    expect(model({ env: 'ENV=staging' }).production).toBe(false);
    expect(model({ env: 'LOG_LEVEL=info' }).production).toBe(false);
    const judged = model({ env: 'ENV=staging' }, 'production');
    expect(judged).toMatchObject({ production: true, podProduction: false });
    expect(judged.environmentSource).toBe('judged as --environment production; ENV=staging (prod.env:1), so the pod runs with non-production defaults and makes no production refusals');
  });

  it('models the pod by ENV and only the strictness by --environment', () => {
    const m = model({ env: 'LOG_LEVEL=info' }, 'production');
    expect(m).toMatchObject({ production: true, podProduction: false, podEnvironment: 'ENV is not set' });
    // The pod never applies its production defaults without ENV: docs stay on, the tenant claim is not required.
    expect(effective(m, 'DOCS_ENABLED')).toMatchObject({ state: 'default', value: true });
    expect(effective(m, 'AUTH_REQUIRE_TENANT_CLAIM')).toMatchObject({ state: 'default', value: false });
    const prod = model({ env: 'ENV=production' });
    expect(effective(prod, 'DOCS_ENABLED')).toMatchObject({ state: 'default', value: false });
    expect(prod.environmentSource).toBe('ENV=production (prod.env:1)');
  });

  it('merges the chart defaults under values: MIGRATE_ON_START is true unless overridden', () => {
    const m = model({ values: 'api:\n  env:\n    ENV: "production"\n' });
    const e = effective(m, 'MIGRATE_ON_START');
    expect(e).toMatchObject({ state: 'set', value: true });
    expect(e.def?.chartDefault).toBe(true);
    expect(e.def?.location.file).toBeUndefined();
  });

  it('api.secrets become a Secret, unless existingSecret is set, which makes secrets unknown', () => {
    const withSecret = model({ values: 'api:\n  secrets:\n    EXPOSURE_HASH_SALT: "abc"\n' });
    expect(withSecret.env.get('EXPOSURE_HASH_SALT')!.effective).toMatchObject({ delivery: 'secret', via: 'recsys-api' });
    const existing = model({ values: 'api:\n  existingSecret: prod-secrets\n  secrets:\n    EXPOSURE_HASH_SALT: "abc"\n' });
    expect(existing.env.has('EXPOSURE_HASH_SALT')).toBe(false);
    expect(effective(existing, 'EXPOSURE_HASH_SALT')).toMatchObject({ state: 'unknown' });
    expect(effective(existing, 'DEV_AUTH_ENABLED')).toMatchObject({ state: 'default', value: false });
  });

  it('postgres.enabled writes the dev DSN into the ConfigMap unless api.env has DATABASE_URL', () => {
    const m = model({ values: 'postgres:\n  enabled: true\n' });
    expect(m.env.get('DATABASE_URL')!.effective).toMatchObject({ delivery: 'chart-configmap', location: { file: 'values.yaml', line: 2 } });
    const own = model({ values: 'api:\n  env:\n    DATABASE_URL: "postgres://x@db/y"\npostgres:\n  enabled: true\n' });
    expect(own.env.get('DATABASE_URL')!.effective.delivery).toBe('configmap');
  });

  it('resolves envFrom and env of the api container against the manifests; explicit env wins; unseen Secrets stay unknown', () => {
    const m = model({
      manifests: `kind: ConfigMap
metadata: {name: cfg}
data: {LOG_LEVEL: info, ENV: production}
---
kind: Deployment
metadata: {name: recsys-api}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          image: r:1
          envFrom:
            - configMapRef: {name: cfg}
            - secretRef: {name: elsewhere}
          env:
            - {name: LOG_LEVEL, value: warn}
            - name: API_KEY_HASH_SECRET
              valueFrom: {secretKeyRef: {name: elsewhere, key: k}}
`,
    });
    expect(m.api?.workload.name).toBe('recsys-api');
    expect(m.env.get('ENV')!.effective).toMatchObject({ delivery: 'configmap', via: 'cfg', value: 'production' });
    expect(m.env.get('LOG_LEVEL')!.effective).toMatchObject({ delivery: 'literal', value: 'warn' });
    expect(m.opaqueSources).toEqual([expect.objectContaining({ kind: 'Secret', name: 'elsewhere' })]);
    expect(effective(m, 'API_KEY_HASH_SECRET')).toMatchObject({ state: 'unknown' });
    expect(m.production).toBe(true);
  });

  it('env files apply last and win', () => {
    const m = model({ values: 'api:\n  env:\n    LOG_LEVEL: "info"\n', env: 'LOG_LEVEL=debug\n' });
    expect(m.env.get('LOG_LEVEL')!.effective).toMatchObject({ value: 'debug', layer: 'env' });
    expect(m.env.get('LOG_LEVEL')!.definitions).toHaveLength(2);
  });

  it('renders the chart as Helm does: credentials and names from the values, truthiness, replicaCount as a string', () => {
    const m = model({
      values: [
        'fullnameOverride: shop-reco-',
        'postgres:',
        '  enabled: "false"', // a non-empty string is true in a Go template
        '  auth: { username: app, password: S3cr3t-pw, database: reco }',
        'minio:',
        '  enabled: 1',
        '  accessKey: AKIA1',
        '  secretKey: longer-secret-key',
        '  bucket: models',
        'api:',
        '  replicaCount: "3"',
        '  env:',
        '    RECSYS_ARTIFACT_S3_REGION: ""',
      ].join('\n'),
    });
    expect(m.env.get('DATABASE_URL')!.effective).toMatchObject({
      value: 'postgres://app:S3cr3t-pw@shop-reco-postgres:5432/reco?sslmode=disable',
      delivery: 'chart-configmap',
      via: 'shop-reco-api',
    });
    expect(m.env.get('RECSYS_ARTIFACT_S3_ENDPOINT')!.effective.value).toBe('shop-reco-minio:9000');
    expect(m.env.get('RECSYS_ARTIFACT_S3_ACCESS_KEY')!.effective.value).toBe('AKIA1');
    expect(m.env.get('RECSYS_ARTIFACT_S3_SECRET_KEY')!.effective.value).toBe('longer-secret-key');
    // Helm's `default` replaces an empty region too.
    expect(m.env.get('RECSYS_ARTIFACT_S3_REGION')!.definitions.at(-1)!.value).toBe('us-east-1');
    expect(m.env.get('RECSYS_ARTIFACT_MANIFEST_TEMPLATE')!.effective.value).toBe('s3://models/registry/current/{tenant}/{surface}/manifest.json');
    expect(m.api!.workload).toMatchObject({ name: 'shop-reco-api', replicas: 3 });
    expect(m.api!.container.image).toBe('ghcr.io/aatuh/recsys-svc:latest');
    const named = model({ values: 'nameOverride: reco\npostgres:\n  enabled: true\n' });
    expect(named.env.get('DATABASE_URL')!.effective.value).toBe('postgres://recsys-db:recsys@reco-postgres:5432/recsys-db?sslmode=disable');
    expect(model({ values: 'postgres:\n  enabled: ""\n' }).env.has('DATABASE_URL')).toBe(false);
  });

  it('reads an empty value as the toolkit does: empty bools and ints panic, an empty string replaces its default', () => {
    const m = model({ env: 'DEV_AUTH_ENABLED=\nCORS_MAX_AGE= \nEXPOSURE_HASH_SALT=s4lt-value\nEXPERIMENT_ASSIGNMENT_SALT=\nLOG_LEVEL=\nRECSYS_ARTIFACT_MANIFEST_TTL=\n' });
    expect(effective(m, 'DEV_AUTH_ENABLED')).toMatchObject({ state: 'invalid' });
    expect((effective(m, 'DEV_AUTH_ENABLED') as { expected: string }).expected).toContain('reads an empty value as set');
    expect(effective(m, 'CORS_MAX_AGE')).toMatchObject({ state: 'invalid' });
    const salt = effective(m, 'EXPERIMENT_ASSIGNMENT_SALT');
    expect(salt).toMatchObject({ state: 'default', raw: '' });
    expect((salt as { because: string }).because).toContain('replaces the default (the value of EXPOSURE_HASH_SALT)');
    expect(effective(m, 'LOG_LEVEL')).toMatchObject({ state: 'default', raw: '' });
    // Durations are trimmed and fall back to their default.
    expect(effective(m, 'RECSYS_ARTIFACT_MANIFEST_TTL')).toMatchObject({ state: 'default', raw: '1m' });
    // Unset is still the default.
    expect(effective(m, 'EXPOSURE_LOG_ENABLED')).toMatchObject({ state: 'default', value: false });
  });
});
