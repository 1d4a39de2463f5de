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
    expect(model({ env: 'ENV=staging' }, 'production')).toMatchObject({ production: true, environmentSource: '--environment production' });
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
});
