import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startDemoTarget, type DemoTarget, type DemoTargetOptions } from '../../src/demo/target.js';
import { runBurst, type BurstProgress } from '../../src/load/engine.js';
import type { BurstParamsInput } from '../../src/load/params.js';
import { makePki } from '../helpers/tls.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function demo(opts: DemoTargetOptions = {}): Promise<DemoTarget> {
  const t = await startDemoTarget(opts);
  closers.push(() => t.close());
  return t;
}

async function rawServer(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function burst(baseUrl: string, params: BurstParamsInput, authHeaders: Record<string, string> = {}) {
  return runBurst({ target: { baseUrl, tenant: 'acme', authHeaders }, params });
}

/** What the demo target answers to its nth API request, by its documented precedence. */
function expectedAnswer(n: number, mix: { every429: number; every500: number; everyReset: number }): string {
  if (n % mix.everyReset === 0) return 'reset';
  if (n % mix.every500 === 0) return '500';
  if (n % mix.every429 === 0) return '429';
  return '200';
}

describe('runBurst: counts against a known mix of answers', () => {
  it('counts every status exactly, 429s apart from errors, and the error rate exactly', async () => {
    const mix = { every429: 10, every500: 20, everyReset: 25 };
    // Retry-After: 0 on the injected 429s: no pause, so the mix arrives in order and quickly.
    const t = await demo({ delayMs: 2, mix, rateLimit: { capacity: 1e9, refillPerSecond: 1e9, retryAfterSeconds: 0 } });
    const requests = 200;
    const r = await burst(t.url, { requests, concurrency: 4, warmup: 0, durationMs: 30_000 });

    const expected = { '200': 0, '429': 0, '500': 0, reset: 0 };
    for (let n = 1; n <= requests; n++) expected[expectedAnswer(n, mix) as keyof typeof expected]++;
    expect(expected).toEqual({ '200': 176, '429': 8, '500': 8, reset: 8 });

    expect(r.stopped_by).toBe('requests');
    expect(r.requests).toBe(requests);
    expect(r.status_codes).toEqual({ '200': 176, '429': 8, '500': 8 });
    expect(r.success).toBe(176);
    expect(r.rate_limited).toBe(8);
    expect(r.errors).toBe(16);
    expect(r.error_rate).toBe(16 / (200 - 8));
    expect(r.error_causes['HTTP_500']).toBe(8);
    const resetCauses = Object.entries(r.error_causes).filter(([k]) => k !== 'HTTP_500');
    expect(resetCauses.reduce((a, [, v]) => a + v, 0)).toBe(8);
    for (const [code] of resetCauses) expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(code);
    expect(r.error_samples?.['HTTP_500']?.[0]).toContain('injected failure');
    // The server saw exactly what was sent.
    expect(t.stats().apiRequests).toBe(requests);
    // Harness fields are all present.
    for (const k of ['requests', 'concurrency', 'success', 'errors', 'elapsed_ms', 'rps', 'latency_ms', 'status_codes']) expect(r).toHaveProperty(k);
    expect(r.tool).toBe('prodready');
    expect(r.mode).toBe('closed');
    expect(r.endpoint).toBe('/v1/recommend');
  });

  it('measures p95 at or above the server delay, with a histogram that adds up', async () => {
    const t = await demo({ delayMs: 15 });
    const r = await burst(t.url, { requests: 60, concurrency: 3, warmup: 3 });
    expect(r.latency_ms.p50).toBeGreaterThanOrEqual(15);
    expect(r.latency_ms.p95).toBeGreaterThanOrEqual(15);
    expect(r.latency_ms.p99!).toBeGreaterThanOrEqual(r.latency_ms.p95!);
    expect(r.latency_ms.max!).toBeGreaterThanOrEqual(r.latency_ms.p99!);
    expect(r.histogram!.reduce((a, b) => a + b.count, 0)).toBe(60);
    expect(r.warmup_requests).toBe(3);
    expect(r.requests).toBe(60);
    // Warm-up requests reach the server but are not counted.
    expect(t.stats().apiRequests).toBe(63);
  });

  it('cycles user ids over the cardinality and sends the tenant and auth headers', async () => {
    const t = await demo({ auth: { mode: 'bearer', token: 'secret-token-1' } });
    const r = await burst(t.url, { requests: 40, concurrency: 2, warmup: 0, userCardinality: 7 }, { authorization: 'Bearer secret-token-1' });
    expect(r.success).toBe(40);
    const users = t.stats().users;
    expect(users.size).toBe(7);
    expect([...users.keys()].sort()).toEqual(['u_1', 'u_2', 'u_3', 'u_4', 'u_5', 'u_6', 'u_7']);
    expect(t.stats().tenants.get('acme')).toBe(40);
  });

  it('sends /v1/similar with its own body', async () => {
    const t = await demo();
    const r = await burst(t.url, { endpoint: '/v1/similar', surface: 'pdp', k: 5, requests: 10, concurrency: 1, warmup: 0 });
    expect(r.success).toBe(10);
    expect(r.endpoint).toBe('/v1/similar');
    expect(t.stats().byRoute['/v1/similar']).toBe(10);
  });
});

describe('runBurst: caps', () => {
  it('never exceeds the request cap or the concurrency', async () => {
    const t = await demo({ delayMs: 3 });
    const r = await burst(t.url, { requests: 120, concurrency: 5, warmup: 4 });
    const s = t.stats();
    expect(s.apiRequests).toBe(124);
    expect(s.maxInFlight).toBeLessThanOrEqual(5);
    expect(s.connections).toBeLessThanOrEqual(5);
    expect(r.stopped_by).toBe('requests');
  });

  it('stops at the duration cap and says so', async () => {
    const t = await demo({ delayMs: 20 });
    const r = await burst(t.url, { requests: 100_000, concurrency: 2, warmup: 0, durationMs: 300 });
    expect(r.stopped_by).toBe('duration');
    expect(r.requests).toBeLessThan(100_000);
    expect(r.requests).toBeGreaterThan(0);
    expect(t.stats().apiRequests).toBe(r.requests);
  });

  it('ends the burst when the server stops answering, naming the timeout', async () => {
    const t = await demo({ delayMs: 1, degraded: { stopAnsweringAfter: 30 } });
    const r = await burst(t.url, { requests: 5_000, concurrency: 3, warmup: 0, timeoutMs: 300, durationMs: 20_000 });
    expect(r.stopped_by).toBe('timeout');
    expect(r.error_causes['UND_ERR_HEADERS_TIMEOUT']).toBeGreaterThanOrEqual(1);
    expect(r.requests).toBeLessThan(100);
    // A timed-out request is in the latencies with at least its timeout.
    expect(r.latency_ms.max).toBeGreaterThanOrEqual(300);
  });

  it('rejects parameters above the hard caps', async () => {
    await expect(burst('http://127.0.0.1:9', { requests: 100_001 })).rejects.toThrow();
    await expect(burst('http://127.0.0.1:9', { concurrency: 257 })).rejects.toThrow();
    await expect(burst('http://127.0.0.1:9', { durationMs: 120_001 })).rejects.toThrow();
  });

  it('stops on abort', async () => {
    const t = await demo({ delayMs: 10 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await runBurst({ target: { baseUrl: t.url, tenant: 'a', authHeaders: {} }, params: { requests: 100_000, concurrency: 2, durationMs: 60_000 }, signal: ac.signal });
    expect(r.stopped_by).toBe('abort');
    expect(r.requests).toBeLessThan(100_000);
  });
});

describe('runBurst: failures', () => {
  it('classifies a refused connection by code, with no latency to show', async () => {
    const url = await rawServer(() => {});
    closers.pop()!(); // close it again: the port is now refused
    await new Promise((r) => setTimeout(r, 20));
    const r = await burst(url, { requests: 10, concurrency: 2, warmup: 0 });
    expect(r.error_causes).toEqual({ ECONNREFUSED: 10 });
    expect(r.error_rate).toBe(1);
    expect(r.latency_ms.p95).toBeNull();
    expect(r.status_codes).toEqual({});
  });

  it('redacts auth header values from error samples', async () => {
    const url = await rawServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`echo: ${req.headers.authorization}`);
      });
    });
    const r = await burst(url, { requests: 3, concurrency: 1, warmup: 0 }, { authorization: 'Bearer very-secret-token' });
    expect(r.error_causes['HTTP_500']).toBe(3);
    const text = JSON.stringify(r);
    expect(text).not.toContain('very-secret-token');
    expect(r.error_samples!['HTTP_500']![0]).toContain('[redacted]');
  });

  it('stops reading a body past its limit: an endless body is a coded error, not a timeout', async () => {
    let served = 0;
    const url = await rawServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        // Lazily, on drain, and bounded: at most 64 MiB per response.
        const pump = () => {
          while (served < 64 * 1024 * 1024 && !res.destroyed) {
            served += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end();
        };
        pump();
      });
    });
    const r = await burst(url, { requests: 1, concurrency: 1, warmup: 0 });
    expect(r.error_causes).toEqual({ PRODREADY_BODY_TOO_LARGE: 1 });
    expect(served).toBeLessThan(64 * 1024 * 1024);
  });

  it('masks credentials a server echoes that are not ours: another bearer token, a DSN password', async () => {
    const url = await rawServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('upstream said Bearer someone-elses-token-42 via postgres://app:db-pass-77@db:5432/x password=db-pass-78');
      });
    });
    const r = await burst(url, { requests: 2, concurrency: 1, warmup: 0 });
    const sample = r.error_samples!['HTTP_500']![0]!;
    for (const s of ['someone-elses-token-42', 'db-pass-77', 'db-pass-78']) expect(sample).not.toContain(s);
    expect(sample).toContain('Bearer ****');
  });

  it('redacts a bare token echoed without its scheme, and a token cut by the sample limit', async () => {
    const token = 'tok_0123456789abcdefghij';
    const url = await rawServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(401, { 'content-type': 'text/plain' });
        // The token alone, then the token again straddling the 512-byte cut of the kept body (3-byte characters
        // keep that body under the 200-character cut, so the partial token would otherwise reach the sample).
        res.end(`bad ${token} ${'€'.repeat(157)}${token} trailing text`);
      });
    });
    const r = await burst(url, { requests: 2, concurrency: 1, warmup: 0 }, { authorization: `Bearer ${token}` });
    const sample = r.error_samples!['HTTP_401']![0]!;
    expect(sample).toContain('bad [redacted]');
    expect(sample.endsWith('€[redacted]')).toBe(true);
    expect(sample).not.toContain(token.slice(0, 4));
  });

  it('reads chunked, split and connection-close responses', async () => {
    let n = 0;
    const url = await rawServer((req, res) => {
      req.resume();
      req.on('end', () => {
        n++;
        if (n % 3 === 0) {
          // chunked, written in several pieces
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"items":[');
          setTimeout(() => {
            res.write('1,2,3');
            res.end(']}');
          }, 2);
        } else if (n % 3 === 1) {
          res.writeHead(201, { 'content-type': 'application/json', connection: 'close', 'content-length': 2 });
          res.end('{}');
        } else {
          res.writeHead(204);
          res.end();
        }
      });
    });
    const r = await burst(url, { requests: 30, concurrency: 2, warmup: 0 });
    expect(r.errors).toBe(0);
    expect(r.status_codes).toEqual({ '200': 10, '201': 10, '204': 10 });
    expect(r.success).toBe(30);
  });
});

describe('runBurst: Retry-After', () => {
  it('pauses every connection as a 429 with Retry-After asks, instead of hammering the limiter', async () => {
    // The tenant is limited for the first 2 requests' worth of time: it answers 429 Retry-After: 1 until then.
    let limitedUntil = 0;
    let during = 0;
    let first = true;
    const url = await rawServer((req, res) => {
      req.resume();
      const now = Date.now();
      if (first) {
        first = false;
        limitedUntil = now + 1000;
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/problem+json' });
        return res.end('{"title":"rate limited"}');
      }
      if (now < limitedUntil) during++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"items":[]}');
    });
    const r = await burst(url, { requests: 20, concurrency: 4, warmup: 0, durationMs: 10_000 });
    // Bounded: 20 requests. Only requests already in flight when the 429 came may land inside the limit.
    expect(during).toBeLessThanOrEqual(3);
    expect(r.rate_limited).toBe(1);
    expect(r.success).toBe(19);
    expect(r.retry_after_ms).toBeGreaterThan(900);
    expect(r.stopped_by).toBe('requests');
  }, 20_000);

  it('ends the burst instead of sleeping past its deadline when Retry-After asks for longer', async () => {
    let served = 0;
    const url = await rawServer((req, res) => {
      req.resume();
      served++;
      res.writeHead(429, { 'retry-after': '3600' });
      res.end();
    });
    const r = await burst(url, { requests: 2000, concurrency: 2, warmup: 0, durationMs: 2_000 });
    expect(r.stopped_by).toBe('retry-after');
    expect(r.success).toBe(0);
    // The first answers on each connection, not thousands.
    expect(served).toBeLessThanOrEqual(2);
  }, 20_000);

  it('reads Retry-After as seconds or an HTTP-date, and refuses anything else', async () => {
    const { parseRetryAfter } = await import('../../src/load/h1.js');
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(' 2 ', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('-1', now)).toBe(-1);
    expect(parseRetryAfter('soon', now)).toBe(-1);
    expect(parseRetryAfter('99999999999', now)).toBe(-1);
  });
});

describe('runBurst: answers that are not HTTP', () => {
  async function rawTcp(answer: string): Promise<string> {
    const server = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.once('data', () => sock.end(answer));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('counts garbage and broken header lines by an HPE_ code, never as a success', async () => {
    const garbage = await burst(await rawTcp('\x00\x01garbage\r\n\r\n'), { requests: 3, concurrency: 1, warmup: 0 });
    expect(garbage.error_causes).toEqual({ HPE_INVALID_CONSTANT: 3 });
    const broken = await burst(await rawTcp('HTTP/1.1 200 OK\r\nbad header line\r\n\r\n'), { requests: 3, concurrency: 1, warmup: 0 });
    expect(broken.error_causes).toEqual({ HPE_INVALID_HEADER_TOKEN: 3 });
    expect(broken.success).toBe(0);
    const almost = await burst(await rawTcp('HTTX/1.1 200 OK\r\n\r\n'), { requests: 1, concurrency: 1, warmup: 0 });
    expect(almost.error_causes).toEqual({ HPE_INVALID_CONSTANT: 1 });
    // Shorter than any status line: refused without reading past the bytes that came.
    const tiny = await burst(await rawTcp('X\r\n\r\n'), { requests: 1, concurrency: 1, warmup: 0 });
    expect(tiny.error_causes).toEqual({ HPE_INVALID_CONSTANT: 1 });
  });
});

describe('runBurst: transports', () => {
  it('reads a response that ends when the server closes the connection (no length, not chunked)', async () => {
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nbody until close'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const r = await burst(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { requests: 12, concurrency: 3, warmup: 0 });
    expect(r.status_codes).toEqual({ '200': 12 });
    expect(r.errors).toBe(0);
  });

  it('speaks https with an extra CA, and counts a certificate it cannot verify as an error by code', async () => {
    const pki = await makePki();
    const server = https.createServer({ key: pki.serverKey, cert: pki.serverCert }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items":[]}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ok = await runBurst({ target: { baseUrl: url, tenant: 'a', authHeaders: {}, caPem: pki.caCert }, params: { requests: 20, concurrency: 2, warmup: 0 } });
    expect(ok.status_codes).toEqual({ '200': 20 });
    const untrusted = await runBurst({ target: { baseUrl: url, tenant: 'a', authHeaders: {} }, params: { requests: 4, concurrency: 1, warmup: 0 } });
    expect(untrusted.errors).toBe(4);
    expect(Object.keys(untrusted.error_causes)).toEqual(['UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
  });
});

describe('runBurst: open loop', () => {
  it('sends at the arrival rate for the duration', async () => {
    const t = await demo({ delayMs: 1 });
    const r = await burst(t.url, { rate: 200, durationMs: 500, requests: 10_000, concurrency: 4, warmup: 0 });
    expect(r.mode).toBe('open');
    expect(r.target_rps).toBe(200);
    expect(r.stopped_by).toBe('duration');
    // 200/s over 0.5 s: 100 arrivals, the first at t=0.
    expect(r.requests + (r.dropped ?? 0)).toBeLessThanOrEqual(101);
    expect(r.requests).toBeGreaterThan(50);
    expect(t.stats().apiRequests).toBe(r.requests);
  });

  it('counts latency from the intended start, so a slow server cannot hide its backlog', async () => {
    // One connection, 50 ms per answer (20/s), asked for 100/s: arrivals queue up behind each other.
    const t = await demo({ delayMs: 50 });
    const open = await burst(t.url, { rate: 100, durationMs: 600, requests: 1_000, concurrency: 1, warmup: 0 });
    const closed = await burst(t.url, { requests: 10, concurrency: 1, warmup: 0 });
    // The open loop's p95 includes the wait in the backlog: far above the service time the closed loop sees.
    expect(closed.latency_ms.p95!).toBeGreaterThanOrEqual(50);
    expect(open.latency_ms.p95!).toBeGreaterThan(250);
    expect(open.latency_ms.p95!).toBeGreaterThan(3 * closed.latency_ms.p95!);
    expect(open.dropped).toBeGreaterThan(0);
  });

  it('reports progress while running', async () => {
    const t = await demo({ delayMs: 5 });
    const seen: BurstProgress[] = [];
    await runBurst({
      target: { baseUrl: t.url, tenant: 'a', authHeaders: {} },
      params: { requests: 100, concurrency: 2, warmup: 0 },
      onProgress: (p) => seen.push(p),
      progressIntervalMs: 20,
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)!.total).toBe(100);
    expect(seen.at(-1)!.done).toBeLessThanOrEqual(100);
  });
});
