// The demo's identity provider on loopback: a JWKS and an OIDC discovery document over HTTPS, with a
// private CA and keys made at start. The CA is handed to the probes (--ca-file), so verification stays on.
import { generateKeyPairSync } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { importDevDependency } from './dev-dependency.js';

export interface DemoPki {
  caCert: string;
  /** The CA's private key, for tests that sign a second leaf (a certificate for another name). */
  caKey: string;
  serverCert: string;
  serverKey: string;
}

/**
 * A CA and a server certificate for 127.0.0.1 and localhost. `selfsigned` is a devDependency (the demo
 * runs from a checkout after `npm ci`), so it is loaded only here, when the demo runs.
 */
export async function makeDemoPki(): Promise<DemoPki> {
  const { generate } = await importDevDependency('selfsigned', () => import('selfsigned'));
  const notAfterDate = new Date(Date.now() + 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'prodready demo CA' }], {
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

export interface DemoAuthServer {
  /** https://127.0.0.1:port */
  origin: string;
  port: number;
  issuer: string;
  jwksUrl: string;
  /** A token signed by the published key, for the demo target's bearer auth. */
  token: string;
  close(): Promise<void>;
}

export interface DemoAuthOptions {
  pki: DemoPki;
  /** Publish what a misconfigured issuer publishes: an RSA 1024 key and a private EC key. */
  broken?: boolean;
  /** Default: a free port chosen by the kernel. */
  port?: number;
}

export async function startDemoAuthServer(opts: DemoAuthOptions): Promise<DemoAuthServer> {
  const signing = await generateKeyPair('ES256', { extractable: true });
  const keys: JWK[] = [{ ...(await exportJWK(signing.publicKey)), kid: 'demo-es256', alg: 'ES256', use: 'sig' }];
  if (opts.broken) {
    // jose refuses to make RSA keys under 2048 bits; node:crypto still does, as old issuers did.
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as JWK;
    keys.push({ ...weak, kid: 'legacy-rs256', alg: 'RS256', use: 'sig' });
    const leaked = await generateKeyPair('ES256', { extractable: true });
    keys.push({ ...(await exportJWK(leaked.privateKey)), kid: 'rotated-es256', alg: 'ES256', use: 'sig' });
  }
  const jwks = JSON.stringify({ keys });
  let discovery = '';

  const server = https.createServer({ key: opts.pki.serverKey, cert: opts.pki.serverCert }, (req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    const body = path === '/.well-known/jwks.json' ? jwks : path === '/.well-known/openid-configuration' ? discovery : undefined;
    if (req.method !== 'GET' || body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(body);
  });
  const sockets = new Set<{ destroy(): unknown; on(event: 'close', cb: () => void): unknown }>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `https://127.0.0.1:${port}`;
  const issuer = `${origin}/`;
  const jwksUrl = `${origin}/.well-known/jwks.json`;
  discovery = JSON.stringify({
    issuer,
    jwks_uri: jwksUrl,
    id_token_signing_alg_values_supported: ['ES256'],
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
  });
  const token = await new SignJWT({ tenant_id: 'demo' })
    .setProtectedHeader({ alg: 'ES256', kid: 'demo-es256' })
    .setIssuer(issuer)
    .setAudience('recsys-api')
    .setSubject('prodready-demo')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(signing.privateKey);
  return {
    origin,
    port,
    issuer,
    jwksUrl,
    token,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}
