import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveProbes } from '../../src/engine/live-probes.js';
import { defaultConfig } from '../../src/core/config-types.js';
import readyz from '../../src/probes/readyz.js';
import response from '../../src/probes/response-versions.js';
import { json, startServer, type TestServer } from '../helpers/http-server.js';
import { modelWithEnv } from '../helpers/probe-context.js';

describe('createLiveProbes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/readyz' || req.url === '/healthz' || req.url === '/custom-ready') return json(res, 200, { status: 'healthy' });
      if (req.url === '/v1/recommend') return json(res, 200, { meta: { algo_version: 'a', config_version: 'c', rules_version: '' } });
      json(res, 404, {});
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs rules by id with the params the pack was configured with (merged once, by configureRules), then closes', async () => {
    // A config param that was already merged into the rule's params is not merged a second time here.
    const config = { ...defaultConfig(), params: { 'ready-custom': { readyPath: '/stale-ready' } } };
    const exec = createLiveProbes({ target: { baseUrl: server.url, tenant: 'demo', authHeaders: {} }, model: modelWithEnv(), config });
    const results = await exec.run([
      { rule: { id: 'ready-custom' }, probe: readyz, params: { readyPath: '/custom-ready', detailedPath: null } },
      { rule: { id: 'response-versions' }, probe: response, params: {} },
    ]);
    await exec.close();
    expect([...results.keys()]).toEqual(['ready-custom', 'response-versions']);
    expect(results.get('ready-custom')!.failures).toEqual([]);
    expect(server.requests.some((r) => r.path === '/custom-ready')).toBe(true);
    expect(server.requests.some((r) => r.path === '/stale-ready')).toBe(false);
    expect(server.requests.some((r) => r.path === '/health/detailed')).toBe(false);
    expect(results.get('response-versions')!.failures.map((f) => f.data!.field)).toEqual(['rules_version']);
  });
});
