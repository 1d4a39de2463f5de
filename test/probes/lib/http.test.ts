import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { boundedRequest, joinUrl } from '../../../src/probes/lib/http.js';
import { ProbeIoError } from '../../../src/io/errors.js';
import { json, startServer, type TestServer } from '../../helpers/http-server.js';

describe('joinUrl', () => {
  it('keeps a base path prefix and drops query and fragment', () => {
    expect(joinUrl('https://h.example/api/', '/readyz').toString()).toBe('https://h.example/api/readyz');
    expect(joinUrl('https://h.example', 'v1/recommend').toString()).toBe('https://h.example/v1/recommend');
    expect(joinUrl('https://h.example/x?token=1#f', '/healthz').toString()).toBe('https://h.example/x/healthz');
  });
});

describe('boundedRequest', () => {
  let server: TestServer;
  const dispatcher = new Agent({ connect: { timeout: 2000 } });
  const io = () => ({ dispatcher, signal: new AbortController().signal });
  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/loop') {
        res.writeHead(302, { location: '/loop' });
        return res.end();
      }
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': '5000000', 'content-type': 'application/json' });
        return res.end('{}'.padEnd(1000, ' '));
      }
      if (req.url === '/downgrade') {
        res.writeHead(301, { location: `https://127.0.0.1:${server.port}/x` });
        return res.end();
      }
      json(res, 200, { ok: true });
    });
  });
  afterAll(async () => {
    await dispatcher.close();
    await server.close();
  });

  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeIoError);
    return err as ProbeIoError;
  };

  it('stops a same-host redirect loop after the maximum', async () => {
    const err = await failure(boundedRequest(io(), { url: `${server.url}/loop`, maxRedirects: 3 }));
    expect(err.code).toBe('PRODREADY_TOO_MANY_REDIRECTS');
    expect(err.data).toEqual({ limit: 3 });
    expect(server.requests.filter((r) => r.path === '/loop')).toHaveLength(4);
  });

  it('refuses a body whose declared length is over the limit before reading it', async () => {
    const err = await failure(boundedRequest(io(), { url: `${server.url}/declared`, maxBytes: 1024 }));
    expect(err.code).toBe('PRODREADY_BODY_TOO_LARGE');
    expect(err.evidence[0]).toContain('declared content-length 5000000');
  });

  it('treats a change of scheme or port as another origin', async () => {
    const err = await failure(boundedRequest(io(), { url: `${server.url}/downgrade` }));
    expect(err.code).toBe('PRODREADY_REDIRECT_REFUSED');
  });

  it('returns status, bytes and latency on success', async () => {
    const res = await boundedRequest(io(), { url: `${server.url}/ok` });
    expect(res.status).toBe(200);
    expect(res.bytes).toBe(Buffer.byteLength(JSON.stringify({ ok: true })));
    expect(res.latencyMs).toBeGreaterThanOrEqual(0);
  });
});
