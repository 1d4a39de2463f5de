import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { H1Connection } from '../../src/load/h1.js';

const servers: net.Server[] = [];
afterEach(async () => {
  while (servers.length) {
    const s = servers.pop()!;
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** A raw TCP server answering each request (one per 'data' event) with the next scripted reply, in pieces. */
async function scripted(replies: string[][]): Promise<{ port: number; connections: () => number }> {
  let i = 0;
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('data', () => {
      const pieces = replies[i++ % replies.length]!;
      let delay = 0;
      for (const p of pieces) setTimeout(() => socket.writable && socket.write(p), (delay += 3));
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

function client(port: number) {
  const events: Array<{ status?: number; body?: string | null; code?: string }> = [];
  let wake: (() => void) | undefined;
  const conn = new H1Connection(
    { host: '127.0.0.1', port, tls: false },
    {
      wantBody: () => true,
      response: (status, body) => {
        events.push({ status, body: body?.toString() ?? null });
        wake?.();
      },
      error: (code) => {
        events.push({ code });
        wake?.();
      },
    },
  );
  const request = Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
  return {
    events,
    conn,
    async send() {
      const done = new Promise<void>((r) => (wake = r));
      conn.send(request);
      await done;
      return events.at(-1)!;
    },
  };
}

describe('H1Connection', () => {
  it('parses canonical-case headers split across packets, keeping the connection alive', async () => {
    const srv = await scripted([['HTTP/1.1 200 OK\r\nContent-Le', 'ngth: 2\r\nConnection: keep-alive\r\n', '\r\n{', '}']]);
    const c = client(srv.port);
    for (let i = 0; i < 3; i++) expect(await c.send()).toEqual({ status: 200, body: '{}' });
    expect(srv.connections()).toBe(1);
    c.conn.destroy();
  });

  it('decodes chunked bodies with extensions and trailers, and skips 100 Continue', async () => {
    const srv = await scripted([
      ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n', '4;ext=1\r\nbusy\r\n', '3\r\n!!!\r\n0\r\nX-Trailer: t\r\n\r\n'],
    ]);
    const c = client(srv.port);
    expect(await c.send()).toEqual({ status: 503, body: 'busy!!!' });
    expect(await c.send()).toEqual({ status: 503, body: 'busy!!!' });
    expect(srv.connections()).toBe(1);
    c.conn.destroy();
  });

  it('opens a new connection after Connection: close', async () => {
    const srv = await scripted([['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx']]);
    const c = client(srv.port);
    expect(await c.send()).toEqual({ status: 200, body: 'x' });
    expect(await c.send()).toEqual({ status: 200, body: 'x' });
    expect(srv.connections()).toBe(2);
    c.conn.destroy();
  });

  it('names a connection closed mid-response and garbage instead of HTTP by code', async () => {
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const c = client((server.address() as AddressInfo).port);
    expect(await c.send()).toEqual({ code: 'UND_ERR_SOCKET' });
    const srv = await scripted([['SSH-2.0-OpenSSH\r\n\r\n']]);
    const d = client(srv.port);
    expect(await d.send()).toEqual({ code: 'HPE_INVALID_CONSTANT' });
  });

  it('times out by the sweep with the phase named', async () => {
    const srv = await scripted([[]]); // never answers
    const c = client(srv.port);
    const done = c.send();
    await new Promise((r) => setTimeout(r, 30));
    c.conn.checkTimeout(performance.now(), 10);
    expect(await done).toEqual({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(c.conn.busy).toBe(false);
  });
});
