import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { startDemoTarget, type DemoTarget, type DemoTargetOptions } from '../../src/demo/target.js';

let target: DemoTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

async function start(opts: DemoTargetOptions = {}): Promise<DemoTarget> {
  target = await startDemoTarget(opts);
  return target;
}

const recommendBody = JSON.stringify({ surface: 'home', k: 5, user: { user_id: 'u_1' } });

function post(t: DemoTarget, path: string, body: string, headers: Record<string, string> = { 'x-org-id': 'acme' }) {
  return fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('demo target: health routes', () => {
  it('answers /healthz, /readyz and /health/detailed when healthy', async () => {
    const t = await start();
    expect(t.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'healthy' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'healthy' });
    const detailed = await fetch(`${t.url}/health/detailed`);
    expect(detailed.status).toBe(200);
    expect(await detailed.json()).toMatchObject({ status: 'healthy', checks: { database: { status: 'healthy' } } });
  });

  it('names the failing dependency when degraded, and hides detailed health when disabled', async () => {
    const t = await start({ degraded: { failingDependency: 'database', detailedHealthDisabled: false } });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; message: string };
    expect(body.status).toBe('unhealthy');
    expect(body.message).toContain('database');
    const detailed = await fetch(`${t.url}/health/detailed`);
    expect(detailed.status).toBe(503);
    expect(await detailed.json()).toMatchObject({ checks: { database: { status: 'unhealthy' }, basic: { status: 'healthy' } } });
    await t.close();
    target = undefined;
    const t2 = await start({ degraded: { detailedHealthDisabled: true } });
    expect((await fetch(`${t2.url}/health/detailed`)).status).toBe(404);
  });

  it('changes behaviour while running', async () => {
    const t = await start();
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    t.update({ degraded: { failingDependency: 'auth_provider', missingVersions: true } });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { message: string }).message).toContain('auth_provider');
    const rec = (await (await post(t, '/v1/recommend', recommendBody)).json()) as { meta: Record<string, string> };
    expect(rec.meta['config_version']).toBe('');
    t.update({ degraded: {} });
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  it('answers 404 as a problem for unknown routes', async () => {
    const t = await start();
    const res = await fetch(`${t.url}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('demo target: recommend and similar', () => {
  it('answers /v1/recommend with items, meta and warnings like recsys', async () => {
    const t = await start({ algoVersion: 'algo@9' });
    const res = await post(t, '/v1/recommend', recommendBody);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ item_id: string; rank: number; score: number }>; meta: Record<string, string>; warnings: unknown[] };
    expect(body.items).toHaveLength(5);
    expect(body.items[0]).toMatchObject({ item_id: 'item_1', rank: 1 });
    expect(typeof body.items[0]!.score).toBe('number');
    expect(body.meta).toMatchObject({ tenant_id: 'acme', surface: 'home', algo_version: 'algo@9', config_version: 'cfg-1', rules_version: 'rules-1' });
    expect(body.meta['request_id']).toBe(res.headers.get('x-request-id'));
    expect(body.warnings).toEqual([]);
    expect(t.stats().users.get('u_1')).toBe(1);
    expect(t.stats().tenants.get('acme')).toBe(1);
  });

  it('answers /v1/similar, and leaves versions empty when degraded so', async () => {
    const t = await start({ degraded: { missingVersions: true } });
    const res = await post(t, '/v1/similar', JSON.stringify({ surface: 'pdp', item_id: 'item_1', k: 3 }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: unknown[]; meta: Record<string, string> };
    expect(body.items).toHaveLength(3);
    expect(body.meta['algo_version']).toBe('');
    expect(body.meta['rules_version']).toBe('');
    expect((await post(t, '/v1/similar', JSON.stringify({ surface: 'pdp', k: 3 }))).status).toBe(400);
  });

  it('rejects a missing tenant, bad JSON and k out of range with problems', async () => {
    const t = await start();
    expect((await post(t, '/v1/recommend', recommendBody, {})).status).toBe(400);
    expect((await post(t, '/v1/recommend', '{nope')).status).toBe(400);
    const big = await post(t, '/v1/recommend', JSON.stringify({ surface: 'home', k: 500, user: { user_id: 'u' } }));
    expect(big.status).toBe(400);
    expect(big.headers.get('content-type')).toBe('application/problem+json');
  });

  it('delays answers by delayMs, and /v1/similar by slowEndpointDelayMs', async () => {
    // Asserted by order, not by a clock: the slow endpoint, asked first, answers after the other one.
    const t = await start({ delayMs: 30, slowEndpointDelayMs: 2_000 });
    const done: string[] = [];
    const similar = post(t, '/v1/similar', JSON.stringify({ surface: 'pdp', item_id: 'i', k: 2 })).then(async (r) => {
      await r.text();
      done.push('similar');
    });
    const recommend = post(t, '/v1/recommend', recommendBody).then(async (r) => {
      await r.text();
      done.push('recommend');
    });
    await Promise.all([similar, recommend]);
    expect(done).toEqual(['recommend', 'similar']);
  }, 15_000);
});

describe('demo target: auth modes', () => {
  it('dev headers', async () => {
    const t = await start({ auth: { mode: 'dev' } });
    expect((await post(t, '/v1/recommend', recommendBody)).status).toBe(401);
    const ok = await post(t, '/v1/recommend', recommendBody, { 'x-dev-user-id': 'u', 'x-dev-org-id': 'acme' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { meta: { tenant_id: string } }).meta.tenant_id).toBe('acme');
  });

  it('bearer token', async () => {
    const t = await start({ auth: { mode: 'bearer', token: 'tok-123' } });
    expect((await post(t, '/v1/recommend', recommendBody, { 'x-org-id': 'a', authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post(t, '/v1/recommend', recommendBody, { 'x-org-id': 'a', authorization: 'Bearer tok-123' })).status).toBe(200);
  });

  it('API key in X-API-Key', async () => {
    const t = await start({ auth: { mode: 'api-key', key: 'k-1' } });
    expect((await post(t, '/v1/recommend', recommendBody)).status).toBe(401);
    expect((await post(t, '/v1/recommend', recommendBody, { 'x-org-id': 'a', 'x-api-key': 'k-1' })).status).toBe(200);
  });
});

describe('demo target: rate limit and answer mix', () => {
  it('limits each tenant with a token bucket, answering 429 problems with Retry-After', async () => {
    const t = await start({ rateLimit: { capacity: 3, refillPerSecond: 0.001, retryAfterSeconds: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(t, '/v1/recommend', recommendBody)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await post(t, '/v1/recommend', recommendBody);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(await limited.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    // Another tenant has its own bucket.
    expect((await post(t, '/v1/recommend', recommendBody, { 'x-org-id': 'other' })).status).toBe(200);
  });

  it('answers every Nth API request 429, 500 or with a reset, deterministically', async () => {
    const t = await start({ mix: { every429: 3, every500: 4, everyReset: 5 } });
    const seen: Array<number | string> = [];
    for (let i = 1; i <= 12; i++) {
      try {
        seen.push((await post(t, '/v1/recommend', recommendBody)).status);
      } catch {
        seen.push('reset');
      }
    }
    expect(seen).toEqual([200, 200, 429, 500, 'reset', 429, 200, 500, 429, 'reset', 200, 500]);
    const s = t.stats();
    expect(s.apiRequests).toBe(12);
    expect(s.resets).toBe(2);
    expect(s.byStatus).toEqual({ 200: 4, 429: 3, 500: 3 });
  });

  it('stops answering after stopAnsweringAfter, keeping the connection open', async () => {
    const t = await start({ degraded: { stopAnsweringAfter: 1 } });
    expect((await post(t, '/v1/recommend', recommendBody)).status).toBe(200);
    const socket = net.connect(t.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(`POST /v1/recommend HTTP/1.1\r\nhost: x\r\nx-org-id: a\r\ncontent-type: application/json\r\ncontent-length: ${recommendBody.length}\r\n\r\n${recommendBody}`);
    let got = '';
    socket.on('data', (d) => (got += d));
    await new Promise((r) => setTimeout(r, 150));
    expect(got).toBe('');
    expect(socket.destroyed).toBe(false);
    expect(t.stats().unanswered).toBe(1);
    socket.destroy();
  });
});
