// The recsys chart installed as it comes, judged as production: exactly the rules it really breaks, each at its line.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeFiles } from '../helpers/pack.js';

const values = join(import.meta.dirname, '../../fixtures/chart-default/values.yaml');

describe('the chart defaults in production', async () => {
  const { result } = await judgeFiles({
    env: [],
    values: [values],
    manifests: [],
    chartDefaults: true,
    environment: 'production',
  });
  const byId = new Map(result.results.map((r) => [r.id, r]));

  it('fails and warns on exactly the rules the chart defaults break', () => {
    const broken = Object.fromEntries(
      result.results
        .filter((r) => r.status === 'fail' || r.status === 'warn')
        .map((r) => [r.id, [r.status, ...new Set(r.findings.map((f) => `${f.messageId}:${f.location?.line ?? ''}`))]]),
    );
    expect(broken).toEqual({
      // No ENV: the pod runs with non-production defaults and makes no production refusals, whatever --environment says.
      'production-env': ['fail', 'unset:3'],
      // It still never starts: no DATABASE_URL, JWT on by default with nothing configured, and the chart's own
      // artifact mode with no manifest template. A missing salt is no refusal of a pod without ENV=production.
      'service-starts': ['fail', 'databaseUrlMissing:3', 'jwtConfigMissing:3', 'artifactNoTemplate:11'],
      'experiment-salt': ['fail', 'missing:3'],
      // JWT is on by default with no JWKS, issuer, audience or allow-list; API keys are off.
      'auth-mechanism': ['fail', 'none:3'],
      'jwt-config-complete': ['fail', 'missing:3'],
      'jwks-host-allowlisted': ['fail', 'allowlistEmpty:3'],
      // The chart turns artifact mode and MIGRATE_ON_START on, with no template and no scheduled pipeline.
      'artifact-manifest-template': ['fail', 'missing:3'],
      'pipelines-scheduled': ['fail', 'none:20'],
      'migrate-on-start-disabled': ['fail', 'forbiddenSet:12'],
      // tag: latest, replicaCount: 1, resources: {}, no scrape annotation.
      'image-pinned': ['fail', 'imageUnpinned:7'],
      'replicas-ha': ['warn', 'replicasLow:4'],
      'resources-set': ['warn', 'resourcesMissing:15'],
      'metrics-scraped': ['warn', 'notScraped:3'],
      // Service defaults the checklist asks to change.
      'cors-restricted': ['warn', 'wildcard:3'],
      'db-row-level-security': ['warn', 'forbiddenDefault:3'],
      'audit-log-enabled': ['warn', 'forbiddenDefault:3'],
      'tracing-configured': ['warn', 'conditionOff:3'],
      'backpressure-configured': ['warn', 'defaultTooLow:3'],
      'algo-version-set': ['warn', 'forbiddenDefault:3'],
      // Without ENV the pod keeps docs on and does not require a tenant claim: production defaults need ENV.
      'docs-disabled': ['warn', 'forbiddenDefault:3'],
      'tenant-claim-required': ['warn', 'forbiddenDefault:3'],
    });
    expect(result.summary.verdict).toBe('not-ready');
  });

  it('says what it cannot see instead of passing it', () => {
    expect(byId.get('migration-job-present')?.status).toBe('unknown');
    expect(byId.get('database-url-from-secret')?.status).toBe('unknown');
    expect(byId.get('database-tls')?.status).toBe('unknown');
  });

  it('passes what the chart gets right, with evidence', () => {
    for (const id of ['health-probes-wired', 'runs-as-numeric-user', 'writable-log-paths', 'bundled-dev-dependencies-off', 'jwt-algorithms-pinned']) {
      expect(byId.get(id)?.status, id).toBe('pass');
      expect(byId.get(id)?.evidence.length, id).toBeGreaterThan(0);
    }
  });
});
