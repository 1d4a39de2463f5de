import { z } from 'zod';
import { defineProbe, type ProbeContext } from '../core/define.js';
import { IO_MESSAGES, attempt, classifyError } from '../io/errors.js';
import { boundedRequest, describeResponse, isRecord, parseJson, DEFAULT_MAX_BYTES } from './lib/http.js';
import { SAFE_ALGORITHMS, judgeKeySet } from './lib/jwk.js';
import { excerpt, safeUrl } from '../io/mask.js';
import { envCsv, hasStaticInputs } from './lib/model.js';

const params = z.strictObject({
  /** Overrides JWT_ALLOWED_ALGORITHMS and the safe default list. */
  allowedAlgorithms: z.array(z.string().min(1)).min(1).optional(),
  /** Overrides AUTH_JWKS_ALLOWED_HOSTS. */
  allowedHosts: z.array(z.string().min(1)).min(1).optional(),
  minRsaBits: z.number().int().min(1024).max(16384).default(2048),
  maxBytes: z.number().int().positive().max(16 * 1024 * 1024).default(DEFAULT_MAX_BYTES),
  requestTimeoutMs: z.number().int().positive().max(30_000).default(3000),
});
type Params = z.infer<typeof params>;

interface Discovery {
  jwksUri?: string;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** `https://issuer/.well-known/openid-configuration` (OIDC Discovery 1.0 §4: path appended). */
function discoveryUrl(issuer: URL): URL {
  const u = new URL(issuer.toString());
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  u.search = '';
  u.hash = '';
  return u;
}

/**
 * Reads the issuer's discovery document. When it is the only way to the keys, not reading it
 * fails; when JWT_JWKS_URL is given, it only leaves the issuer check unknown.
 */
async function readDiscovery(ctx: ProbeContext, p: Params, issuer: string, required: boolean): Promise<Discovery | undefined> {
  const issuerUrl = parseUrl(issuer);
  if (!issuerUrl) {
    ctx.report({ messageId: 'invalidUrl', data: { what: 'issuer', url: excerpt(issuer, 100) } });
    return undefined;
  }
  const url = discoveryUrl(issuerUrl);
  const shown = safeUrl(url);
  const unreadable = (reason: string, evidence: string[] = []) => {
    const r = { messageId: 'discoveryUnreadable', data: { url: shown, reason }, location: { target: shown }, evidence };
    if (required) ctx.report(r);
    else ctx.unknown(r);
    return undefined;
  };
  if (url.protocol !== 'https:') {
    ctx.report({ messageId: 'notHttps', data: { what: 'issuer discovery', url: shown }, location: { target: shown } });
    return undefined;
  }
  let res;
  try {
    res = await boundedRequest(ctx, { url, headers: { accept: 'application/json' }, maxBytes: p.maxBytes, timeoutMs: p.requestTimeoutMs });
  } catch (err) {
    const c = classifyError(err);
    if (!c) throw err;
    return unreadable(c.code, (err as { evidence?: string[] }).evidence ?? []);
  }
  const line = describeResponse('GET', res);
  if (res.status !== 200) return unreadable(`HTTP ${res.status}`, [line]);
  const doc = parseJson(res.body);
  if (!isRecord(doc)) return unreadable('not a JSON object', [line]);
  ctx.evidence(line);
  if (doc.issuer !== issuer) {
    ctx.report({
      messageId: 'issuerMismatch',
      data: { url: shown, expected: issuer, actual: typeof doc.issuer === 'string' ? excerpt(doc.issuer, 200) : '(none)' },
      location: { target: shown },
      evidence: [line],
    });
  } else {
    ctx.evidence(`discovery issuer matches JWT_ISSUER ${issuer}`);
  }
  const jwksUri = typeof doc.jwks_uri === 'string' && doc.jwks_uri !== '' ? doc.jwks_uri : undefined;
  return jwksUri === undefined ? {} : { jwksUri };
}

function checkAllowlist(ctx: ProbeContext, p: Params, url: URL): void {
  const shown = safeUrl(url);
  const allowed = p.allowedHosts ?? envCsv(ctx.model, 'AUTH_JWKS_ALLOWED_HOSTS');
  if (allowed === undefined) {
    if (!hasStaticInputs(ctx.model)) {
      ctx.unknown({ messageId: 'allowlistUnknown', data: { host: url.hostname }, location: { target: shown } });
    } else {
      ctx.report({ messageId: 'allowlistUnset', data: { host: url.hostname }, location: { target: shown } });
    }
    return;
  }
  const names = allowed.map((h) => h.toLowerCase());
  if (names.includes(url.hostname.toLowerCase()) || names.includes(url.host.toLowerCase())) {
    ctx.evidence(`JWKS host ${url.host} is in AUTH_JWKS_ALLOWED_HOSTS`);
  } else {
    ctx.report({
      messageId: 'hostNotAllowlisted',
      data: { host: url.host, allowed: allowed.join(', ') },
      location: { target: shown },
    });
  }
}

export default defineProbe({
  meta: {
    id: 'jwks-reachable',
    type: 'problem',
    description:
      'The JWKS (JWT_JWKS_URL or the issuer discovery jwks_uri) answers over verified https with a key set whose every key imports, has no private material, a unique kid, an allowed alg and at least 2048 RSA bits; discovery names JWT_ISSUER; the host is allowlisted.',
    messages: {
      ...IO_MESSAGES,
      noJwksSource: 'cannot probe the JWKS: no --jwks-url, --issuer, JWT_JWKS_URL or JWT_ISSUER given',
      invalidUrl: 'the {{what}} URL {{url}} does not parse',
      notHttps: 'the {{what}} URL {{url}} is not https: keys fetched in clear can be swapped in transit',
      discoveryUnreadable: 'OIDC discovery {{url}} could not be read ({{reason}})',
      discoveryNoJwksUri: 'OIDC discovery {{url}} has no jwks_uri',
      issuerMismatch: 'OIDC discovery {{url}} names issuer {{actual}}, but JWT_ISSUER is {{expected}}: every token will be rejected',
      jwksUriMismatch: 'JWT_JWKS_URL is {{configured}}, but the issuer publishes its keys at {{published}}',
      allowlistUnknown: 'cannot tell whether JWKS host {{host}} is allowlisted: give the deployment inputs (AUTH_JWKS_ALLOWED_HOSTS)',
      allowlistUnset: 'AUTH_JWKS_ALLOWED_HOSTS is not set, so JWKS host {{host}} is not pinned',
      hostNotAllowlisted: 'JWKS host {{host}} is not in AUTH_JWKS_ALLOWED_HOSTS ({{allowed}})',
      jwksStatus: 'JWKS {{url}} answered {{status}}, expected 200',
      notAKeySet: 'JWKS {{url}} is not a JSON Web Key Set ({{found}})',
      emptyKeySet: 'JWKS {{url}} has no keys: no token can be verified',
      privateMaterial: 'JWKS key {{kid}} carries private key material ({{members}}): the signing key is public',
      disallowedAlg: 'JWKS key {{kid}} has alg {{alg}}, not among the allowed ({{allowed}})',
      weakRsaKey: 'JWKS key {{kid}} is RSA with {{bits}} bits, below {{min}}',
      importFailed: 'JWKS key {{kid}} does not import ({{code}})',
      duplicateKid: 'JWKS kid {{kid}} appears {{count}} times: verifiers may pick the wrong key',
      missingKid: 'JWKS key {{kid}} has no kid while the set holds several keys',
    },
    params,
    timeoutMs: 8000,
    needs: [],
  },
  async run(ctx, p) {
    const issuer = ctx.target.issuer;
    let jwksText = ctx.target.jwksUrl;
    if (jwksText === undefined && issuer === undefined) {
      ctx.unknown({ messageId: 'noJwksSource' });
      return;
    }

    if (issuer !== undefined) {
      const discovery = await readDiscovery(ctx, p, issuer, jwksText === undefined);
      if (discovery) {
        if (jwksText === undefined) {
          if (discovery.jwksUri === undefined) {
            const shown = safeUrl(discoveryUrl(new URL(issuer)));
            ctx.report({ messageId: 'discoveryNoJwksUri', data: { url: shown }, location: { target: shown } });
            return;
          }
          jwksText = discovery.jwksUri;
          ctx.evidence(`JWKS URL taken from discovery: ${safeUrl(jwksText)}`);
        } else if (discovery.jwksUri !== undefined && !sameUrl(discovery.jwksUri, jwksText)) {
          ctx.report({
            messageId: 'jwksUriMismatch',
            data: { configured: safeUrl(jwksText), published: safeUrl(discovery.jwksUri) },
            location: { target: safeUrl(jwksText) },
          });
        }
      }
    }
    if (jwksText === undefined) return;

    const url = parseUrl(jwksText);
    if (!url) {
      ctx.report({ messageId: 'invalidUrl', data: { what: 'JWKS', url: excerpt(jwksText, 100) } });
      return;
    }
    const shown = safeUrl(url);
    if (url.protocol !== 'https:') {
      ctx.report({ messageId: 'notHttps', data: { what: 'JWKS', url: shown }, location: { target: shown } });
      return;
    }
    checkAllowlist(ctx, p, url);

    const res = await attempt(ctx, shown, () =>
      boundedRequest(ctx, {
        url,
        headers: { accept: 'application/jwk-set+json, application/json' },
        maxBytes: p.maxBytes,
        timeoutMs: p.requestTimeoutMs,
      }),
    );
    if (!res) return;
    const line = describeResponse('GET', res);
    const location = { target: shown };
    if (res.status !== 200) {
      ctx.report({ messageId: 'jwksStatus', data: { url: shown, status: res.status }, location, evidence: [line] });
      return;
    }
    const doc = parseJson(res.body);
    if (!isRecord(doc) || !Array.isArray(doc.keys)) {
      const found = doc === undefined ? 'not JSON' : isRecord(doc) ? 'no keys array' : `a JSON ${Array.isArray(doc) ? 'array' : typeof doc}`;
      ctx.report({ messageId: 'notAKeySet', data: { url: shown, found }, location, evidence: [line] });
      return;
    }
    if (doc.keys.length === 0) {
      ctx.report({ messageId: 'emptyKeySet', data: { url: shown }, location, evidence: [line] });
      return;
    }

    const allowed = p.allowedAlgorithms ?? envCsv(ctx.model, 'JWT_ALLOWED_ALGORITHMS') ?? [...SAFE_ALGORITHMS];
    const verdict = await judgeKeySet(doc.keys, allowed, p.minRsaBits);
    const keysLine = `${doc.keys.length} key(s): ${verdict.summaries.join('; ')}`;
    for (const problem of verdict.problems) {
      ctx.report({ messageId: problem.messageId, data: problem.data, location, evidence: [line, keysLine] });
    }
    ctx.evidence(line);
    ctx.evidence(keysLine);
  },
});

function sameUrl(a: string, b: string): boolean {
  const ua = parseUrl(a);
  const ub = parseUrl(b);
  return ua !== undefined && ub !== undefined && ua.toString() === ub.toString();
}
