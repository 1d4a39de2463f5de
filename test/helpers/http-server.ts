// Real HTTP(S) servers on 127.0.0.1, random port, for probe tests. Nothing leaves the machine.
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => unknown;

export interface TestServer {
  url: string;
  port: number;
  /** Requests seen, in order: method, path and headers. */
  requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; body: string }>;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Host name to put in the URL (the certificate must name it); default 127.0.0.1. */
  hostname?: string;
}

export async function startServer(handler: Handler, options: ServerOptions = {}): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      Promise.resolve(handler(req, res, body)).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? 'https' : 'http';
  return {
    url: `${scheme}://${options.hostname ?? '127.0.0.1'}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RawServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A TCP (or TLS) server on 127.0.0.1 that hands each connection to `onSocket` untouched: for answers
 * an HTTP server would never send (garbage, a header flood, a stall, a reset).
 */
export async function startRawServer(
  onSocket: (socket: net.Socket) => void,
  options: { tls?: { key: string; cert: string } } = {},
): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  };
  const server = options.tls
    ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, track)
    : net.createServer(track);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads the request head, then calls `answer`: so the client is waiting for a response when it comes. */
export function afterRequestHead(answer: (socket: net.Socket) => void): (socket: net.Socket) => void {
  return (socket) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData);
        answer(socket);
      }
    };
    socket.on('data', onData);
  };
}
