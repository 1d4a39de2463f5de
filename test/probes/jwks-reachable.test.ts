import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwksProbe from '../../src/probes/jwks-reachable.js';
import { afterRequestHead, closedPort, json, startRawServer, startServer, type RawServer, type TestServer } from '../helpers/http-server.js';
import { ecJwk, keySet, privateEcJwk, rsaJwk, weakRsaJwk } from '../helpers/jwks.js';
import { allText, failureIds, render, runWith, unknownIds } from '../helpers/probe-context.js';
import { makePki, startHttpsServer, type TestPki } from '../helpers/tls.js';
import type { JWK } from 'jose';

const ALLOW = { AUTH_JWKS_ALLOWED_HOSTS: '127.0.0.1' };

describe('jwks-reachable probe', () => {
  let pki: TestPki;
  let good: JWK[];
  const servers: TestServer[] = [];
  /** What the main HTTPS server answers per path; tests set entries. */
  const routes = new Map<string, (res: import('node:http').ServerResponse) => void>();
  let https: TestServer;

  beforeAll(async () => {
    pki = await makePki();
    good = [await rsaJwk('rsa-1'), await ecJwk('ec-1')];
    https = await startHttpsServer(pki, (req, res) => {
      const route = routes.get(req.url ?? '');
      if (route) return route(res);
      json(res, 404, { error: 'not found' });
    });
    servers.push(https);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  function serveKeys(path: string, body: unknown) {
    routes.set(path, (res) => json(res, 200, body));
    return `${https.url}${path}`;
  }
  const run = (target: { jwksUrl?: string; issuer?: string; caPem?: string }, env: Record<string, string> = ALLOW, params = {}) =>
    runWith(jwksProbe, { target: { caPem: pki.caCert, ...target }, env }, params);

  it('passes a healthy key set over verified https with the CA given', async () => {
    const url = serveKeys('/good/jwks.json', keySet(...good));
    const c = await run({ jwksUrl: url });
    expect(c.failures).toEqual([]);
    expect(c.unknowns).toEqual([]);
    const ev = c.evidence.join('\n');
    expect(ev).toMatch(/GET https:\/\/127\.0\.0\.1:\d+\/good\/jwks\.json: 200 in [\d.]+ ms, \d+ bytes/);
    expect(ev).toContain('rsa-1 (RSA 2048 bits, RS256');
    expect(ev).toContain('ec-1 (EC P-256, ES256');
    expect(ev).toContain('is in AUTH_JWKS_ALLOWED_HOSTS');
  });

  it('classifies an untrusted certificate by its code when the CA is not given', async () => {
    const url = serveKeys('/untrusted/jwks.json', keySet(...good));
    const c = await runWith(jwksProbe, { target: { jwksUrl: url }, env: ALLOW });
    expect(failureIds(c)).toEqual(['certificateInvalid']);
    expect(c.failures[0]!.data!.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(render(jwksProbe, c.failures[0]!)).toContain('--ca-file');
  });

  it('fails a key carrying private material', async () => {
    const url = serveKeys('/private/jwks.json', keySet(good[0]!, await privateEcJwk('leaky')));
    const c = await run({ jwksUrl: url });
    expect(failureIds(c)).toEqual(['privateMaterial']);
    expect(c.failures[0]!.data).toEqual({ kid: 'leaky', members: 'd' });
    expect(render(jwksProbe, c.failures[0]!)).toBe('JWKS key leaky carries private key material (d): the signing key is public');
  });

  it('never echoes private key material into findings or evidence', async () => {
    const leaky = await privateEcJwk('leaky2');
    const url = serveKeys('/private2/jwks.json', keySet(leaky));
    const c = await run({ jwksUrl: url });
    expect(failureIds(c)).toEqual(['privateMaterial']);
    expect(allText(jwksProbe, c)).not.toContain(String(leaky.d));
  });

  it('fails a weak RSA key with its size', async () => {
    const url = serveKeys('/weak/jwks.json', keySet(good[0]!, weakRsaJwk('weak')));
    const c = await run({ jwksUrl: url });
    expect(failureIds(c)).toEqual(['weakRsaKey']);
    expect(c.failures[0]!.data).toEqual({ kid: 'weak', bits: 1024, min: 2048 });
  });

  it('fails duplicate kids', async () => {
    const url = serveKeys('/dup/jwks.json', keySet(good[0]!, { ...(await rsaJwk('x')), kid: 'rsa-1' }));
    const c = await run({ jwksUrl: url });
    expect(failureIds(c)).toEqual(['duplicateKid']);
    expect(c.failures[0]!.data).toEqual({ kid: 'rsa-1', count: 2 });
  });

  it('fails an alg outside JWT_ALLOWED_ALGORITHMS, and one outside the safe default list', async () => {
    const url = serveKeys('/alg/jwks.json', keySet(...good));
    const pinned = await run({ jwksUrl: url }, { ...ALLOW, JWT_ALLOWED_ALGORITHMS: 'RS256' });
    expect(failureIds(pinned)).toEqual(['disallowedAlg']);
    expect(pinned.failures[0]!.data).toMatchObject({ kid: 'ec-1', alg: 'ES256', allowed: 'RS256' });

    const hsUrl = serveKeys('/hs/jwks.json', keySet(good[0]!, { ...good[1]!, kid: 'ec-hs', alg: 'HS256' }));
    const byDefault = await run({ jwksUrl: hsUrl });
    expect(failureIds(byDefault)).toContain('disallowedAlg');
  });

  it('fails a key that does not import', async () => {
    const url = serveKeys('/broken/jwks.json', keySet(good[0]!, { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA', kid: 'broken', alg: 'ES256' }));
    const c = await run({ jwksUrl: url });
    expect(failureIds(c)).toEqual(['importFailed']);
    expect(c.failures[0]!.data).toMatchObject({ kid: 'broken' });
  });

  it('fails a non-https JWKS URL without fetching it', async () => {
    const plain = await startServer((_req, res) => json(res, 200, keySet(...good)));
    servers.push(plain);
    const c = await run({ jwksUrl: `${plain.url}/jwks.json` });
    expect(failureIds(c)).toEqual(['notHttps']);
    expect(plain.requests).toHaveLength(0);
  });

  it('fails a host that AUTH_JWKS_ALLOWED_HOSTS does not list, and an unset allowlist', async () => {
    const url = serveKeys('/allow/jwks.json', keySet(...good));
    const notListed = await run({ jwksUrl: url }, { AUTH_JWKS_ALLOWED_HOSTS: 'auth.example.com, login.example.com' });
    expect(failureIds(notListed)).toEqual(['hostNotAllowlisted']);
    expect(notListed.failures[0]!.data!.allowed).toBe('auth.example.com, login.example.com');

    const unset = await run({ jwksUrl: url }, { JWT_ISSUER: 'x' });
    expect(failureIds(unset)).toEqual(['allowlistUnset']);

    const noInputs = await run({ jwksUrl: url }, {});
    expect(unknownIds(noInputs)).toEqual(['allowlistUnknown']);
  });

  it('refuses a redirect to another host', async () => {
    const other = await startHttpsServer(pki, (_req, res) => json(res, 200, keySet(...good)), 'localhost');
    servers.push(other);
    routes.set('/moved/jwks.json', (res) => {
      res.writeHead(302, { location: `${other.url}/jwks.json` });
      res.end();
    });
    const c = await run({ jwksUrl: `${https.url}/moved/jwks.json` });
    expect(failureIds(c)).toEqual(['redirectRefused']);
    expect(c.failures[0]!.data!.location).toBe(`${other.url}/jwks.json`);
    expect(other.requests).toHaveLength(0);
  });

  it('follows a same-host redirect', async () => {
    serveKeys('/v2/jwks.json', keySet(...good));
    routes.set('/v1/jwks.json', (res) => {
      res.writeHead(301, { location: '/v2/jwks.json' });
      res.end();
    });
    const c = await run({ jwksUrl: `${https.url}/v1/jwks.json` });
    expect(c.failures).toEqual([]);
    expect(c.evidence.join('\n')).toContain('after 1 redirect(s)');
  });

  it('refuses a body over 1 MiB while streaming (no content-length)', async () => {
    routes.set('/huge/jwks.json', (res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: the size is only known by counting
      const chunk = 'x'.repeat(64 * 1024);
      res.write('{"keys":[],"pad":"');
      let sent = 0;
      const pump = () => {
        while (sent < 40) {
          sent += 1;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('"}');
      };
      res.on('error', () => {});
      pump();
    });
    const c = await run({ jwksUrl: `${https.url}/huge/jwks.json` });
    expect(failureIds(c)).toEqual(['bodyTooLarge']);
    expect(c.failures[0]!.data!.limit).toBe(1024 * 1024);
  });

  it('reads jwks_uri from discovery and fails an issuer mismatch', async () => {
    const jwksUrl = serveKeys('/idp/keys', keySet(...good));
    routes.set('/idp/.well-known/openid-configuration', (res) =>
      json(res, 200, { issuer: 'https://someone-else.example/idp', jwks_uri: jwksUrl }),
    );
    const c = await run({ issuer: `${https.url}/idp` });
    expect(failureIds(c)).toEqual(['issuerMismatch']);
    expect(c.failures[0]!.data).toMatchObject({ expected: `${https.url}/idp`, actual: 'https://someone-else.example/idp' });
    expect(c.evidence.join('\n')).toContain('JWKS URL taken from discovery');
  });

  it('passes a matching issuer and fails a JWT_JWKS_URL that differs from what the issuer publishes', async () => {
    const jwksUrl = serveKeys('/idp2/keys', keySet(...good));
    const issuer = `${https.url}/idp2`;
    routes.set('/idp2/.well-known/openid-configuration', (res) => json(res, 200, { issuer, jwks_uri: jwksUrl }));
    const ok = await run({ issuer });
    expect(ok.failures).toEqual([]);
    expect(ok.evidence.join('\n')).toContain('discovery issuer matches');

    const other = serveKeys('/old/keys', keySet(...good));
    const mismatch = await run({ issuer, jwksUrl: other });
    expect(failureIds(mismatch)).toEqual(['jwksUriMismatch']);
  });

  it('is unknown about the issuer when discovery is missing but the JWKS URL is given', async () => {
    const url = serveKeys('/nodisc/keys', keySet(...good));
    const c = await run({ issuer: `${https.url}/nodisc`, jwksUrl: url });
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['discoveryUnreadable']);
    expect(c.unknowns[0]!.data!.reason).toBe('HTTP 404');
  });

  it('fails a JWKS that answers other than 200, with the status', async () => {
    routes.set('/gone/jwks.json', (res) => json(res, 503, { error: 'down' }));
    const c = await run({ jwksUrl: `${https.url}/gone/jwks.json` });
    expect(failureIds(c)).toEqual(['jwksStatus']);
    expect(c.failures[0]!.data).toMatchObject({ status: 503 });
  });

  it('fails a JWKS that is not a key set: not JSON, an array, an object without keys', async () => {
    routes.set('/html/jwks.json', (res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    const notJson = await run({ jwksUrl: `${https.url}/html/jwks.json` });
    expect(failureIds(notJson)).toEqual(['notAKeySet']);
    expect(notJson.failures[0]!.data!.found).toBe('not JSON');

    const array = await run({ jwksUrl: serveKeys('/array/jwks.json', good) });
    expect(failureIds(array)).toEqual(['notAKeySet']);
    expect(array.failures[0]!.data!.found).toBe('a JSON array');

    const noKeys = await run({ jwksUrl: serveKeys('/nokeys/jwks.json', { jwks: good }) });
    expect(failureIds(noKeys)).toEqual(['notAKeySet']);
    expect(noKeys.failures[0]!.data!.found).toBe('no keys array');
  });

  it('fails an empty key set', async () => {
    const c = await run({ jwksUrl: serveKeys('/empty/jwks.json', keySet()) });
    expect(failureIds(c)).toEqual(['emptyKeySet']);
  });

  it('fails a JWKS URL or issuer that does not parse, without fetching', async () => {
    const jwks = await run({ jwksUrl: 'https://' });
    expect(failureIds(jwks)).toEqual(['invalidUrl']);
    expect(jwks.failures[0]!.data).toEqual({ what: 'JWKS', url: 'https://' });

    const issuer = await run({ issuer: 'not a url' });
    expect(failureIds(issuer)).toEqual(['invalidUrl']);
    expect(issuer.failures[0]!.data).toEqual({ what: 'issuer', url: 'not a url' });
  });

  it('fails a discovery document without jwks_uri when it is the only way to the keys', async () => {
    const issuer = `${https.url}/nouri`;
    routes.set('/nouri/.well-known/openid-configuration', (res) => json(res, 200, { issuer }));
    const c = await run({ issuer });
    expect(failureIds(c)).toEqual(['discoveryNoJwksUri']);
    expect(c.failures[0]!.data!.url).toBe(`${issuer}/.well-known/openid-configuration`);
  });

  it('fails a missing kid when the set holds several keys', async () => {
    const { kid: _kid, ...anonymous } = await rsaJwk('anon');
    const c = await run({ jwksUrl: serveKeys('/nokid/jwks.json', keySet(good[1]!, anonymous)) });
    expect(failureIds(c)).toEqual(['missingKid']);
  });

  it('classifies an https JWKS URL whose server speaks plain HTTP as a failed TLS handshake', async () => {
    const plain = await startServer((_req, res) => json(res, 200, keySet(...good)));
    servers.push(plain);
    const c = await run({ jwksUrl: `https://127.0.0.1:${plain.port}/jwks.json` });
    expect(failureIds(c)).toEqual(['tlsFailed']);
    expect(String(c.failures[0]!.data!.code)).toMatch(/^(EPROTO|ERR_SSL_)/);
  });

  it('classifies a refused connection by its code', async () => {
    const port = await closedPort();
    const c = await run({ jwksUrl: `https://127.0.0.1:${port}/jwks.json` });
    expect(failureIds(c)).toEqual(['connectionRefused']);
    expect(c.failures[0]!.data!.code).toBe('ECONNREFUSED');
  });

  it('is unknown with nothing to probe', async () => {
    const c = await run({}, {});
    expect(unknownIds(c)).toEqual(['noJwksSource']);
  });

  describe('I/O failures over verified https, each classified by its code', () => {
    const raws: RawServer[] = [];
    afterAll(async () => {
      await Promise.all(raws.map((r) => r.close()));
    });
    /** A TLS server presenting the test certificate that hands each connection to `onSocket` untouched. */
    async function rawTls(onSocket: Parameters<typeof startRawServer>[0]) {
      const r = await startRawServer(onSocket, { tls: { key: pki.serverKey, cert: pki.serverCert } });
      raws.push(r);
      return `${r.url}/jwks.json`;
    }
    const small = { requestTimeoutMs: 200 };

    it('reports headers that never come as headersTimeout', { timeout: 5000 }, async () => {
      const url = await rawTls(() => {}); // handshakes, then sends nothing
      const c = await run({ jwksUrl: url }, ALLOW, small);
      expect(failureIds(c)).toEqual(['headersTimeout']);
      expect(c.failures[0]!.data).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    });

    it('reports a key set that stalls after the headers as bodyTimeout', { timeout: 5000 }, async () => {
      const url = await rawTls(
        afterRequestHead((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"keys":[')),
      );
      const c = await run({ jwksUrl: url }, ALLOW, small);
      expect(failureIds(c)).toEqual(['bodyTimeout']);
      expect(c.failures[0]!.data).toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
    });

    it('reports a connection closed before any answer as connectionReset', { timeout: 5000 }, async () => {
      const url = await rawTls(afterRequestHead((socket) => socket.destroy()));
      const c = await run({ jwksUrl: url }, ALLOW, small);
      expect(failureIds(c)).toEqual(['connectionReset']);
    });

    it('reports a header flood as headersTooLarge', { timeout: 5000 }, async () => {
      const url = await rawTls(
        afterRequestHead((socket) => {
          socket.write('HTTP/1.1 200 OK\r\n');
          // Far past undici's default 16 KiB of headers, and never ended.
          for (let i = 0; i < 64; i++) socket.write(`x-pad-${i}: ${'a'.repeat(1024)}\r\n`);
        }),
      );
      const c = await run({ jwksUrl: url }, ALLOW, small);
      expect(failureIds(c)).toEqual(['headersTooLarge']);
    });

    it('stops a same-host redirect loop as tooManyRedirects', { timeout: 5000 }, async () => {
      routes.set('/loop/jwks.json', (res) => {
        res.writeHead(302, { location: '/loop/jwks.json' });
        res.end();
      });
      const before = https.requests.length;
      const c = await run({ jwksUrl: `${https.url}/loop/jwks.json` });
      expect(failureIds(c)).toEqual(['tooManyRedirects']);
      expect(c.failures[0]!.data).toMatchObject({ limit: 3 });
      // The first request and the three redirects followed, then no more.
      expect(https.requests.length - before).toBe(4);
    });

    it('reports a key set slower than the run deadline as deadlineExceeded', { timeout: 5000 }, async () => {
      const url = await rawTls(() => {}); // would time out only at the 3 s request timeout
      const c = await runWith(jwksProbe, { target: { caPem: pki.caCert, jwksUrl: url }, env: ALLOW, signal: AbortSignal.timeout(150) });
      expect(failureIds(c)).toEqual(['deadlineExceeded']);
    });
  });
});
