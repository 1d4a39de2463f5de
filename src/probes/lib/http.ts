// A bounded HTTP request over the injected dispatcher: a body size limit counted while streaming,
// no cross-host redirects (a few same-host ones), a deadline through the probe's signal plus
// undici's own headers/body timeouts. Failures throw a ProbeIoError whose `code` is classified.
import { performance } from 'node:perf_hooks';
// undici is loaded on the first request: a static check, which loads the probes that use this module, never pays for it.
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { ProbeIoError, classifyError } from './errors.js';
import { safeUrl } from './mask.js';

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 3;

export interface HttpIo {
  dispatcher: Dispatcher;
  signal: AbortSignal;
}

export interface BoundedRequest {
  url: string | URL;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Refuse bodies larger than this (default 1 MiB). */
  maxBytes?: number;
  /** Same-host redirects to follow (default 3); any other redirect is refused. */
  maxRedirects?: number;
  /** Per-request timeout for headers and for body inactivity, ms. */
  timeoutMs?: number;
}

export interface BoundedResponse {
  /** The final URL, safe to report. */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  bytes: number;
  latencyMs: number;
  /** Safe URLs of the redirects followed. */
  redirects: string[];
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Evidence line for a response: method, url, status, latency, bytes. */
export function describeResponse(method: string, res: BoundedResponse): string {
  const via = res.redirects.length > 0 ? ` (after ${res.redirects.length} redirect(s))` : '';
  return `${method} ${res.url}: ${res.status} in ${res.latencyMs} ms, ${res.bytes} bytes${via}`;
}

/**
 * Sends one request, following at most `maxRedirects` redirects to the same origin.
 * A redirect to another host, port or scheme is refused: the caller asked about one endpoint.
 */
export async function boundedRequest(io: HttpIo, req: BoundedRequest): Promise<BoundedResponse> {
  const method = req.method ?? 'GET';
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = req.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const started = performance.now();
  const redirects: string[] = [];
  let url = new URL(req.url.toString());
  const origin = url.origin;

  for (;;) {
    const shown = safeUrl(url);
    let res: Dispatcher.ResponseData;
    try {
      // `.default`: undici is CommonJS, whose namespace in a code-split bundle holds module.exports as its default.
      const { request } = (await import('undici')).default;
      res = await request(url, {
        dispatcher: io.dispatcher,
        method,
        headers: req.headers,
        body: req.body,
        signal: io.signal,
        ...(req.timeoutMs !== undefined ? { headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs } : {}),
      });
    } catch (err) {
      throw wrap(err, method, shown, started, 0);
    }

    if (REDIRECT_STATUSES.has(res.statusCode)) {
      discard(res.body);
      const location = headerValue(res.headers, 'location');
      if (location === undefined) {
        // A redirect without a target is just a response; let the caller judge the status.
        return finish(res, Buffer.alloc(0), shown, started, redirects);
      }
      const next = new URL(location, url);
      if (next.origin !== origin) {
        throw new ProbeIoError(
          'PRODREADY_REDIRECT_REFUSED',
          `redirect from ${shown} to another origin refused`,
          { location: safeUrl(next) },
          [`${method} ${shown}: ${res.statusCode} to ${safeUrl(next)}, not followed`],
        );
      }
      if (redirects.length >= maxRedirects) {
        throw new ProbeIoError(
          'PRODREADY_TOO_MANY_REDIRECTS',
          `more than ${maxRedirects} redirects from ${shown}`,
          { limit: maxRedirects },
          [`${method} ${shown}: redirect number ${redirects.length + 1} not followed`],
        );
      }
      redirects.push(safeUrl(next));
      url = next;
      continue;
    }

    const declared = Number(headerValue(res.headers, 'content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      discard(res.body);
      throw tooLarge(method, shown, maxBytes, started, 0, `declared content-length ${declared}`);
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        bytes += buf.length;
        if (bytes > maxBytes) {
          discard(res.body);
          throw tooLarge(method, shown, maxBytes, started, bytes, 'while streaming');
        }
        chunks.push(buf);
      }
    } catch (err) {
      if (err instanceof ProbeIoError) throw err;
      throw wrap(err, method, shown, started, bytes);
    }
    return finish(res, Buffer.concat(chunks, bytes), shown, started, redirects);
  }
}

/** Drops a body we will not read; destroying undici's stream emits an error nobody needs. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

function finish(
  res: Dispatcher.ResponseData,
  body: Buffer,
  url: string,
  started: number,
  redirects: string[],
): BoundedResponse {
  return {
    url,
    status: res.statusCode,
    headers: res.headers,
    body,
    bytes: body.length,
    latencyMs: roundMs(performance.now() - started),
    redirects,
  };
}

function tooLarge(method: string, url: string, limit: number, started: number, bytes: number, how: string) {
  return new ProbeIoError(
    'PRODREADY_BODY_TOO_LARGE',
    `response body from ${url} exceeds ${limit} bytes`,
    { limit },
    [`${method} ${url}: body over ${limit} bytes (${how}; ${bytes} bytes read in ${roundMs(performance.now() - started)} ms)`],
  );
}

/** Keeps the underlying code, adds what was measured; unclassified errors stay as they are. */
function wrap(err: unknown, method: string, url: string, started: number, bytes: number): unknown {
  const c = classifyError(err);
  if (!c) return err;
  return new ProbeIoError(
    c.code,
    `${method} ${url} failed: ${c.code}`,
    c.data,
    [`${method} ${url}: ${c.code} after ${roundMs(performance.now() - started)} ms, ${bytes} bytes read`],
    err,
  );
}

/** Parses a JSON body; undefined when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Joins a base URL and a path, keeping any path prefix of the base (`https://h/api` + `/readyz`). */
export function joinUrl(base: string, path: string): URL {
  const b = new URL(base);
  const prefix = b.pathname.replace(/\/+$/, '');
  b.pathname = `${prefix}/${path.replace(/^\/+/, '')}`;
  b.search = '';
  b.hash = '';
  return b;
}
