// A private CA and a server certificate for 127.0.0.1 / localhost, made fresh per test file.
import { generate } from 'selfsigned';
import { startServer, type Handler, type TestServer } from './http-server.js';

export interface TestPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

export async function makePki(): Promise<TestPki> {
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'prodready test CA' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { caCert: ca.cert, caKey: ca.private, serverCert: server.cert, serverKey: server.private };
}

/** An HTTPS server on 127.0.0.1:0 presenting the PKI's server certificate. */
export function startHttpsServer(pki: TestPki, handler: Handler, hostname?: string): Promise<TestServer> {
  return startServer(handler, { tls: { key: pki.serverKey, cert: pki.serverCert }, hostname });
}
