// Small TCP servers on 127.0.0.1 that speak just enough of PostgreSQL's opening to fail a client
// the way a broken or hostile database endpoint does: silent, hanging up, answering the TLS
// request with bytes that are not TLS, or with a certificate nobody trusts. Close them in afterEach.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach } from 'vitest';

export interface LoopbackServer {
  port: number;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1:0 calling `onConnection` per client; close() destroys open sockets. */
export async function loopbackServer(onConnection: (socket: net.Socket) => void): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

/** Accepts and never answers. */
export const silentServer = () => loopbackServer(() => {});

/** Accepts, reads the client's first packet, then resets the connection (TCP RST). */
export const resettingServer = () => loopbackServer((socket) => socket.once('data', () => socket.resetAndDestroy()));

/** Answers the SSLRequest with 'S' ("TLS follows"), then answers the TLS ClientHello with plain text. */
export const notTlsServer = () =>
  loopbackServer((socket) =>
    socket.once('data', () => {
      socket.write('S');
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n'));
    }),
  );

/** Answers the SSLRequest with 'S' and completes a TLS handshake with this certificate (then says nothing). */
export const tlsServer = (cert: string, key: string) =>
  loopbackServer((socket) =>
    socket.once('data', () => {
      socket.write('S', () => {
        const secure = new tls.TLSSocket(socket, { isServer: true, cert, key });
        secure.on('error', () => {});
      });
    }),
  );

/**
 * For a describe block: `serve(silentServer())` starts a server and gives its port; every server started this way
 * is closed after each test.
 */
export function servedPerTest(): (server: Promise<LoopbackServer>) => Promise<number> {
  const servers: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (pending) => {
    const server = await pending;
    servers.push(server);
    return server.port;
  };
}
