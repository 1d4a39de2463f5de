import { afterAll, describe, expect, it } from 'vitest';
import probe from '../../src/probes/response-versions.js';
import { afterRequestHead, closedPort, json, startRawServer, startServer, type RawServer, type TestServer } from '../helpers/http-server.js';
import { makePki, startHttpsServer } from '../helpers/tls.js';
import { allText, failureIds, render, runWith, unknownIds } from '../helpers/probe-context.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.payload-of-a-real-token.signature-part';

function recommendServer(meta: Record<string, unknown> | undefined, status = 200): Promise<TestServer> {
  return startServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/recommend') return json(res, 404, {});
    if (status !== 200) return json(res, status, { type: 'about:blank', title: 'Bad Request', detail: 'surface is required' });
    json(res, 200, {
      items: [{ item_id: 'item_1', rank: 1, score: 0.9 }],
      ...(meta ? { meta: { tenant_id: 'demo', surface: 'home', request_id: 'r1', ...meta } } : {}),
      warnings: [],
    });
  });
}

describe('response-versions probe', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  async function serve(meta: Record<string, unknown> | undefined, status = 200) {
    const s = await recommendServer(meta, status);
    servers.push(s);
    return s;
  }

  it('classifies an https target whose server speaks plain HTTP as a failed TLS handshake', async () => {
    const s = await serve({ algo_version: 'a1', config_version: 'c1', rules_version: 'r1' });
    const c = await runWith(probe, { target: { baseUrl: `https://127.0.0.1:${s.port}`, authHeaders: { Authorization: `Bearer ${TOKEN}` } } });
    expect(failureIds(c)).toEqual(['tlsFailed']);
    expect(String(c.failures[0]!.data!.code)).toMatch(/^(EPROTO|ERR_SSL_)/);
    expect(s.requests).toHaveLength(0);
  });

  it('classifies a refused connection by its code', async () => {
    const port = await closedPort();
    const c = await runWith(probe, { target: { baseUrl: `http://127.0.0.1:${port}`, authHeaders: { Authorization: `Bearer ${TOKEN}` } } });
    expect(failureIds(c)).toEqual(['connectionRefused']);
    expect(c.failures[0]!.data!.code).toBe('ECONNREFUSED');
  });

  it('passes when all three versions are set, sending tenant and auth headers as configured', async () => {
    const s = await serve({ algo_version: 'blend@2024-06-01', config_version: 'cfg-12', rules_version: 'rules-7' });
    const c = await runWith(probe, {
      target: { baseUrl: s.url, tenant: 'acme', authHeaders: { authorization: `Bearer ${TOKEN}` } },
      env: { TENANT_HEADER_NAME: 'X-Tenant' },
    });
    expect(c.failures).toEqual([]);
    expect(c.evidence.join('\n')).toContain('meta: algo_version=blend@2024-06-01, config_version=cfg-12, rules_version=rules-7');
    const sent = s.requests[0]!;
    expect(sent.headers['x-tenant']).toBe('acme');
    expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(sent.body)).toEqual({ surface: 'home', k: 1, user: { user_id: 'prodready-probe' } });
    // The token is described, never shown.
    expect(allText(probe, c)).not.toContain(TOKEN);
    expect(c.evidence.join('\n')).toContain(`authorization (set, ${`Bearer ${TOKEN}`.length} chars)`);
  });

  it('fails an empty rules_version and a missing config_version', async () => {
    const s = await serve({ algo_version: 'recsys-algo@local', rules_version: '' });
    const c = await runWith(probe, { target: { baseUrl: s.url } });
    expect(failureIds(c)).toEqual(['emptyVersion', 'emptyVersion']);
    expect(c.failures.map((f) => f.data!.field).sort()).toEqual(['config_version', 'rules_version']);
    expect(render(probe, c.failures.find((f) => f.data!.field === 'rules_version')!)).toContain(
      'responses cannot be traced to the rules that served them',
    );
  });

  it('fails a response without meta', async () => {
    const s = await serve(undefined);
    const c = await runWith(probe, { target: { baseUrl: s.url } });
    expect(failureIds(c)).toEqual(['missingMeta']);
  });

  it('reports rejected credentials, a problem response, and is unknown when rate limited', async () => {
    const denied = await serve(undefined, 401);
    expect(failureIds(await runWith(probe, { target: { baseUrl: denied.url } }))).toEqual(['authRejected']);
    const bad = await serve(undefined, 400);
    const c = await runWith(probe, { target: { baseUrl: bad.url } });
    expect(failureIds(c)).toEqual(['unexpectedStatus']);
    expect(render(probe, c.failures[0]!)).toContain('(Bad Request: surface is required)');
    const limited = await serve(undefined, 429);
    expect(unknownIds(await runWith(probe, { target: { baseUrl: limited.url } }))).toEqual(['rateLimited']);
  });

  describe('I/O failures, each classified by its code', () => {
    const raws: RawServer[] = [];
    afterAll(async () => {
      await Promise.all(raws.map((r) => r.close()));
    });
    async function raw(onSocket: Parameters<typeof startRawServer>[0]) {
      const r = await startRawServer(onSocket);
      raws.push(r);
      return r;
    }
    const small = { requestTimeoutMs: 200 };

    it('reports headers that never come as headersTimeout', { timeout: 5000 }, async () => {
      const r = await raw(() => {}); // accepts, sends nothing
      const c = await runWith(probe, { target: { baseUrl: r.url } }, small);
      expect(failureIds(c)).toEqual(['headersTimeout']);
      expect(c.failures[0]!.data).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    });

    it('reports a body that stalls after the headers as bodyTimeout', { timeout: 5000 }, async () => {
      const r = await raw(
        afterRequestHead((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"meta":')),
      );
      const c = await runWith(probe, { target: { baseUrl: r.url } }, small);
      expect(failureIds(c)).toEqual(['bodyTimeout']);
      expect(c.failures[0]!.data).toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
    });

    it('reports a connection closed before any answer as connectionReset', { timeout: 5000 }, async () => {
      const r = await raw(afterRequestHead((socket) => socket.destroy()));
      const c = await runWith(probe, { target: { baseUrl: r.url } }, small);
      expect(failureIds(c)).toEqual(['connectionReset']);
    });

    it('reports a header flood as headersTooLarge', { timeout: 5000 }, async () => {
      const r = await raw(
        afterRequestHead((socket) => {
          socket.write('HTTP/1.1 200 OK\r\n');
          // Far past undici's default 16 KiB of headers, and never ended.
          for (let i = 0; i < 64; i++) socket.write(`x-pad-${i}: ${'a'.repeat(1024)}\r\n`);
        }),
      );
      const c = await runWith(probe, { target: { baseUrl: r.url } }, small);
      expect(failureIds(c)).toEqual(['headersTooLarge']);
    });

    it('reports bytes that are not HTTP as invalidHttp', { timeout: 5000 }, async () => {
      const r = await raw(afterRequestHead((socket) => socket.end('\x00\x01garbage, not a status line\r\n\r\n')));
      const c = await runWith(probe, { target: { baseUrl: r.url } }, small);
      expect(failureIds(c)).toEqual(['invalidHttp']);
    });

    it('refuses a body past maxBytes as bodyTooLarge', { timeout: 5000 }, async () => {
      const s = await serve({ algo_version: 'a'.repeat(4096), config_version: 'c1', rules_version: 'r1' });
      const c = await runWith(probe, { target: { baseUrl: s.url } }, { maxBytes: 1024 });
      expect(failureIds(c)).toEqual(['bodyTooLarge']);
      expect(c.failures[0]!.data).toMatchObject({ limit: 1024 });
    });

    it('reports a certificate whose CA is not given as certificateInvalid', { timeout: 10_000 }, async () => {
      const pki = await makePki();
      const s = await startHttpsServer(pki, (_req, res) => json(res, 200, { meta: { algo_version: 'a', config_version: 'c', rules_version: 'r' } }));
      servers.push(s);
      const c = await runWith(probe, { target: { baseUrl: s.url } });
      expect(failureIds(c)).toEqual(['certificateInvalid']);
      expect(s.requests).toHaveLength(0);
    });

    it('does not replay its POST across a redirect: same origin is tooManyRedirects, another origin redirectRefused', { timeout: 5000 }, async () => {
      const same = await startServer((_req, res) => {
        res.writeHead(307, { location: '/v1/recommend' });
        res.end();
      });
      servers.push(same);
      const c = await runWith(probe, { target: { baseUrl: same.url } });
      expect(failureIds(c)).toEqual(['tooManyRedirects']);
      expect(c.failures[0]!.data).toMatchObject({ limit: 0 });
      expect(same.requests).toHaveLength(1);

      const elsewhere = `http://127.0.0.1:${await closedPort()}/v1/recommend`;
      const away = await startServer((_req, res) => {
        res.writeHead(308, { location: elsewhere });
        res.end();
      });
      servers.push(away);
      const d = await runWith(probe, { target: { baseUrl: away.url } });
      expect(failureIds(d)).toEqual(['redirectRefused']);
      expect(d.failures[0]!.data).toMatchObject({ location: elsewhere });
    });

    it('reports an answer slower than the run deadline as deadlineExceeded', { timeout: 5000 }, async () => {
      const r = await raw(() => {}); // would answer only at the 3 s request timeout
      const c = await runWith(probe, { target: { baseUrl: r.url }, signal: AbortSignal.timeout(150) });
      expect(failureIds(c)).toEqual(['deadlineExceeded']);
    });

    it('is unknown with missingInput when no target is given', async () => {
      const c = await runWith(probe, { target: {} });
      expect(c.failures).toEqual([]);
      expect(unknownIds(c)).toEqual(['missingInput']);
      expect(c.unknowns[0]!.data).toEqual({ input: '--target' });
    });
  });
});
