// A private CA and a server certificate for 127.0.0.1 / localhost, made fresh per test file (the demo's own maker).
import { makeDemoPki, type DemoPki } from '../../src/demo/auth-server.js';
import { startServer, type Handler, type TestServer } from './http-server.js';

export type TestPki = DemoPki;

export const makePki = makeDemoPki;

/** An HTTPS server on 127.0.0.1:0 presenting the PKI's server certificate. */
export function startHttpsServer(pki: TestPki, handler: Handler, hostname?: string): Promise<TestServer> {
  return startServer(handler, { tls: { key: pki.serverKey, cert: pki.serverCert }, hostname });
}
