import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import readyz from '../../src/probes/readyz.js';
import { closedPort, json, startServer, type TestServer } from '../helpers/http-server.js';
import { allText, failureIds, render, runWith } from '../helpers/probe-context.js';

describe('readyz probe', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  async function serve(...args: Parameters<typeof startServer>) {
    const s = await startServer(...args);
    servers.push(s);
    return s;
  }

  let healthy: TestServer;
  beforeAll(async () => {
    healthy = await serve((req, res) => {
      if (req.url === '/readyz' || req.url === '/healthz') return json(res, 200, { status: 'healthy', timestamp: 't' });
      if (req.url === '/health/detailed')
        return json(res, 200, { status: 'healthy', checks: { basic: { status: 'healthy' }, database: { status: 'healthy' } } });
      json(res, 404, {});
    });
  });

  it('classifies an https target whose server speaks plain HTTP as a failed TLS handshake', async () => {
    const c = await runWith(readyz, { target: { baseUrl: `https://127.0.0.1:${healthy.port}` } });
    expect(failureIds(c)).toContain('tlsFailed');
    for (const f of c.failures) expect(String(f.data!.code)).toMatch(/^(EPROTO|ERR_SSL_)/);
  });

  it('passes a healthy service and records status, latency and bytes', async () => {
    const c = await runWith(readyz, { target: { baseUrl: healthy.url } });
    expect(c.failures).toEqual([]);
    expect(c.unknowns).toEqual([]);
    expect(c.evidence.join('\n')).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/readyz: 200 in [\d.]+ ms, \d+ bytes, status healthy/);
    expect(c.evidence.join('\n')).toMatch(/2 check\(s\) healthy \(basic, database\)/);
  });

  it('names the dependency a 503 /readyz and /health/detailed say is failing', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/readyz')
        return json(res, 503, { status: 'unhealthy', checks: { basic: { status: 'healthy' }, database: { status: 'unhealthy', message: 'dial postgres://app:hunter22@db:5432/x: connection refused' } } });
      if (req.url === '/healthz') return json(res, 200, { status: 'healthy' });
      if (req.url === '/health/detailed')
        return json(res, 503, { status: 'unhealthy', checks: [{ name: 'database', status: 'unhealthy', error: 'ping timeout' }, { name: 'jwks', status: 'healthy' }] });
      json(res, 404, {});
    });
    const c = await runWith(readyz, { target: { baseUrl: s.url } });
    expect(failureIds(c)).toEqual(['dependencyUnhealthy', 'notReady']);
    const notReady = c.failures.find((f) => f.messageId === 'notReady')!;
    expect(render(readyz, notReady)).toContain('database: unhealthy');
    const dep = c.failures.find((f) => f.messageId === 'dependencyUnhealthy')!;
    expect(dep.data).toMatchObject({ name: 'database', status: 'unhealthy' });
    expect(render(readyz, dep)).toContain('ping timeout');
    // A password inside a server's message is masked before it reaches a finding.
    expect(allText(readyz, c)).not.toContain('hunter22');
  });

  it('fails a 200 without a healthy JSON status and an unexpected status', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/readyz') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('OK');
      }
      if (req.url === '/healthz') return json(res, 500, { status: 'error' });
      json(res, 404, {});
    });
    const c = await runWith(readyz, { target: { baseUrl: s.url } });
    expect(failureIds(c)).toEqual(['notHealthyJson', 'unexpectedStatus']);
    expect(c.failures.find((f) => f.messageId === 'unexpectedStatus')!.data).toMatchObject({ endpoint: 'liveness', status: 500 });
    expect(c.evidence.join('\n')).toMatch(/health\/detailed: 404 .*disabled/);
  });

  it('classifies a refused connection by ECONNREFUSED', async () => {
    const port = await closedPort();
    const c = await runWith(readyz, { target: { baseUrl: `http://127.0.0.1:${port}` } });
    expect(failureIds(c)).toEqual(['connectionRefused', 'connectionRefused']);
    for (const f of c.failures) {
      expect(f.data).toMatchObject({ code: 'ECONNREFUSED' });
      expect(f.evidence?.[0]).toMatch(/ECONNREFUSED after [\d.]+ ms, 0 bytes read/);
      render(readyz, f);
    }
  });

  it('classifies a server that never sends headers as UND_ERR_HEADERS_TIMEOUT', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/readyz') return; // never answers
      json(res, 200, { status: 'healthy' });
    });
    const c = await runWith(readyz, { target: { baseUrl: s.url } }, { requestTimeoutMs: 200 });
    expect(failureIds(c)).toEqual(['headersTimeout']);
    expect(c.failures[0]!.data).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(c.failures[0]!.location?.target).toBe(`${s.url}/readyz`);
  });

  it('refuses a body over its limit', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/readyz') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ status: 'healthy', pad: 'x'.repeat(4096) }));
      }
      json(res, 200, { status: 'healthy' });
    });
    const c = await runWith(readyz, { target: { baseUrl: s.url } }, { maxBytes: 1024, detailedPath: null });
    expect(failureIds(c)).toEqual(['bodyTooLarge']);
    expect(render(readyz, c.failures[0]!)).toContain('larger than 1024 bytes');
  });

  it('is unknown without a target', async () => {
    const c = await runWith(readyz, { target: {} });
    expect(c.failures).toEqual([]);
    expect(c.unknowns.map((u) => u.messageId)).toEqual(['missingInput']);
    expect(c.unknowns.map((u) => u.data)).toEqual([{ input: '--target' }]);
  });

  it('refuses a redirect to another origin without following it', { timeout: 5000 }, async () => {
    const elsewhere = `http://127.0.0.1:${await closedPort()}/ready`;
    const s = await serve((req, res) => {
      if (req.url === '/readyz') {
        res.writeHead(302, { location: elsewhere });
        return res.end();
      }
      json(res, 200, { status: 'healthy' });
    });
    const c = await runWith(readyz, { target: { baseUrl: s.url } }, { detailedPath: null });
    expect(failureIds(c)).toEqual(['redirectRefused']);
    expect(c.failures[0]!.data).toMatchObject({ location: elsewhere });
    expect(render(readyz, c.failures[0]!)).toContain(`redirects to ${elsewhere}`);
  });
});
