// The requests a burst sends, built once before it starts: bodies per user id, one header list.
import type { LoadEndpoint } from './params.js';

export interface RequestShape {
  endpoint: LoadEndpoint;
  surface: string;
  k: number;
  tenant: string;
  /** Auth headers; their values are secret and never leave this module except on the wire. */
  authHeaders: Record<string, string>;
}

const PREBUILT_MAX = 4096;

function bodyFor(shape: RequestShape, surfaceJson: string, i: number): string {
  return shape.endpoint === '/v1/similar'
    ? `{"surface":${surfaceJson},"item_id":"item_${i + 1}","k":${shape.k}}`
    : `{"surface":${surfaceJson},"k":${shape.k},"user":{"user_id":"u_${i + 1}"}}`;
}

/** The request head shared by every request of a burst; throws (naming the header, not its value) on a line break. */
export function buildHead(shape: RequestShape, path: string, hostHeader: string): string {
  const lines = [`POST ${path} HTTP/1.1`, `host: ${hostHeader}`, 'user-agent: prodready-load', 'accept: application/json', 'content-type: application/json', `x-org-id: ${shape.tenant}`];
  for (const [name, value] of Object.entries(shape.authHeaders)) {
    if (name.toLowerCase() === 'x-org-id') continue;
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (/[\r\n\0]/.test(value)) throw new TypeError(`header ${name} contains a line break`);
    lines.push(`${name.toLowerCase()}: ${value}`);
  }
  if (/[\r\n\0]/.test(shape.tenant)) throw new TypeError('the tenant contains a line break');
  if (/[\s]/.test(path)) throw new TypeError('the request path contains white space');
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Requests as complete wire buffers, one per distinct user (or item) id, cycled. The first few thousand are built
 * once; beyond that they are built when sent, so memory stays flat for any cardinality.
 */
export function requestSource(shape: RequestShape, path: string, hostHeader: string, distinct: number): (seq: number) => Buffer {
  const head = buildHead(shape, path, hostHeader);
  const surface = JSON.stringify(shape.surface);
  const make = (i: number): Buffer => {
    const body = bodyFor(shape, surface, i);
    return Buffer.from(`${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  const prebuilt: Buffer[] = [];
  for (let i = 0; i < Math.min(distinct, PREBUILT_MAX); i++) prebuilt.push(make(i));
  return (seq) => {
    const i = seq % distinct;
    return i < prebuilt.length ? prebuilt[i]! : make(i);
  };
}

/** Headers for the recsys harness's auth choices: dev headers, a bearer token or an API key. */
export function harnessAuthHeaders(opts: {
  devHeaders?: boolean;
  bearerToken?: string;
  apiKey?: string;
  apiKeyHeader?: string;
  tenant: string;
  devUserId?: string;
}): Record<string, string> {
  const h: Record<string, string> = {};
  if (opts.bearerToken) h['authorization'] = `Bearer ${opts.bearerToken}`;
  if (opts.apiKey) h[(opts.apiKeyHeader ?? 'X-API-Key').toLowerCase()] = opts.apiKey;
  if (opts.devHeaders) {
    h['x-dev-user-id'] = opts.devUserId ?? 'prodready-load';
    h['x-dev-org-id'] = opts.tenant;
  }
  return h;
}
