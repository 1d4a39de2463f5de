// A recsys-like HTTP server on loopback: the bench target, the tests' target and the demo's.
// Plain node:http and pre-rendered bodies, so that as a bench target it costs little CPU per request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type DemoAuth =
  | { mode: 'none' }
  | { mode: 'dev' }
  | { mode: 'bearer'; token: string }
  | { mode: 'api-key'; key: string; header?: string };

export interface DemoAnswerMix {
  /** Every Nth API request (/v1/*) answers 429. */
  every429?: number;
  /** Every Nth API request answers 500. */
  every500?: number;
  /** Every Nth API request has its connection destroyed without an answer. Takes precedence over 500, which takes precedence over 429. */
  everyReset?: number;
}

export interface DemoRateLimit {
  /** Bucket size per tenant (recsys default 60). */
  capacity: number;
  /** Tokens added per second (recsys default 30). */
  refillPerSecond: number;
  /** Retry-After in seconds (recsys default 1). */
  retryAfterSeconds?: number;
}

export interface DemoDegraded {
  /** Name of a dependency that fails: /readyz answers 503 naming it, /health/detailed marks it unhealthy. */
  failingDependency?: 'database' | 'auth_provider' | 'artifact_store';
  /** /health/detailed answers 404, as when detailed health is disabled. */
  detailedHealthDisabled?: boolean;
  /** meta.algo_version / config_version / rules_version are empty strings. */
  missingVersions?: boolean;
  /** After this many API requests the server stops answering API requests (sockets stay open). */
  stopAnsweringAfter?: number;
}

export interface DemoTargetOptions {
  host?: string;
  port?: number;
  /** Delay before answering /v1/recommend, ms. */
  delayMs?: number;
  /** Delay before answering /v1/similar, ms (defaults to delayMs). */
  slowEndpointDelayMs?: number;
  mix?: DemoAnswerMix;
  /** Token bucket per tenant; off by default. */
  rateLimit?: DemoRateLimit | false;
  auth?: DemoAuth;
  degraded?: DemoDegraded;
  algoVersion?: string;
  configVersion?: string;
  rulesVersion?: string;
}

export interface DemoTargetStats {
  /** All requests received, every route. */
  requests: number;
  /** Requests to /v1/recommend and /v1/similar. */
  apiRequests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  resets: number;
  /** API requests left unanswered on purpose (stopAnsweringAfter). */
  unanswered: number;
  inFlight: number;
  maxInFlight: number;
  connections: number;
  /** user ids seen on /v1/recommend, with counts. */
  users: Map<string, number>;
  /** Tenants seen on API requests. */
  tenants: Map<string, number>;
}

export interface DemoTarget {
  url: string;
  port: number;
  stats(): DemoTargetStats;
  /** Change how the running server behaves (a demo turning a dependency off, a test slowing it down). */
  update(change: { degraded?: DemoDegraded; delayMs?: number; slowEndpointDelayMs?: number }): void;
  close(): Promise<void>;
}

const MAX_K = 200;
const MAX_BODY_BYTES = 64 * 1024;

const PROBLEM_TYPE = 'about:blank';

function problem(status: number, title: string, detail: string): string {
  return JSON.stringify({ type: PROBLEM_TYPE, title, status, detail });
}

/** Items for a given k never change: render them once. */
function itemsJson(cache: Map<number, string>, k: number, prefix: string): string {
  const key = prefix === 'item' ? k : -k;
  let s = cache.get(key);
  if (s === undefined) {
    const parts: string[] = [];
    for (let i = 1; i <= k; i++) {
      parts.push(`{"item_id":"${prefix}_${i}","rank":${i},"score":${(1 - i / (k + 1)).toFixed(4)}}`);
    }
    s = `[${parts.join(',')}]`;
    cache.set(key, s);
  }
  return s;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function startDemoTarget(opts: DemoTargetOptions = {}): Promise<DemoTarget> {
  const host = opts.host ?? '127.0.0.1';
  let delayMs = opts.delayMs ?? 0;
  let slowDelayMs = opts.slowEndpointDelayMs ?? delayMs;
  const mix = opts.mix ?? {};
  const auth: DemoAuth = opts.auth ?? { mode: 'none' };
  let degraded = opts.degraded ?? {};
  const rateLimit = opts.rateLimit || undefined;
  const versions = () =>
    degraded.missingVersions
      ? { algo: '', configV: '', rulesV: '' }
      : { algo: opts.algoVersion ?? 'recsys-algo@demo', configV: opts.configVersion ?? 'cfg-1', rulesV: opts.rulesVersion ?? 'rules-1' };
  let { algo, configV, rulesV } = versions();
  const itemsCache = new Map<number, string>();
  const buckets = new Map<string, Bucket>();
  const sockets = new Set<import('node:net').Socket>();
  const stats: DemoTargetStats = {
    requests: 0,
    apiRequests: 0,
    byRoute: {},
    byStatus: {},
    resets: 0,
    unanswered: 0,
    inFlight: 0,
    maxInFlight: 0,
    connections: 0,
    users: new Map(),
    tenants: new Map(),
  };
  let requestSeq = 0;

  function send(res: http.ServerResponse, status: number, body: string, contentType = 'application/json', extra?: Record<string, string>): void {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    const headers: Record<string, string | number> = { 'content-type': contentType, 'content-length': Buffer.byteLength(body) };
    if (extra) Object.assign(headers, extra);
    res.writeHead(status, headers);
    res.end(body);
  }

  function sendProblem(res: http.ServerResponse, status: number, title: string, detail: string, extra?: Record<string, string>): void {
    send(res, status, problem(status, title, detail), 'application/problem+json', extra);
  }

  function health(res: http.ServerResponse, route: string): void {
    const now = new Date().toISOString();
    const failing = degraded.failingDependency;
    if (route === '/healthz') {
      send(res, 200, JSON.stringify({ status: 'healthy', timestamp: now }));
      return;
    }
    if (route === '/readyz') {
      if (failing) {
        send(res, 503, JSON.stringify({ status: 'unhealthy', timestamp: now, message: `${failing}: dependency check failed` }));
      } else {
        send(res, 200, JSON.stringify({ status: 'healthy', timestamp: now, message: 'ready' }));
      }
      return;
    }
    // /health/detailed
    if (degraded.detailedHealthDisabled) {
      sendProblem(res, 404, 'Not Found', 'detailed health is disabled');
      return;
    }
    const checks: Record<string, { status: string; message?: string }> = {
      basic: { status: 'healthy' },
      database: { status: 'healthy' },
      auth_provider: { status: 'healthy' },
    };
    if (failing) checks[failing] = { status: 'unhealthy', message: 'dependency check failed' };
    send(res, failing ? 503 : 200, JSON.stringify({ status: failing ? 'unhealthy' : 'healthy', timestamp: now, checks }));
  }

  /** The tenant, or a problem already sent. */
  function authorize(req: http.IncomingMessage, res: http.ServerResponse): string | undefined {
    const h = req.headers;
    if (auth.mode === 'dev') {
      if (!h['x-dev-user-id'] || !h['x-dev-org-id']) {
        sendProblem(res, 401, 'Unauthorized', 'dev auth headers X-Dev-User-Id and X-Dev-Org-Id are required');
        return undefined;
      }
    } else if (auth.mode === 'bearer') {
      if (h.authorization !== `Bearer ${auth.token}`) {
        sendProblem(res, 401, 'Unauthorized', 'a valid bearer token is required');
        return undefined;
      }
    } else if (auth.mode === 'api-key') {
      const name = (auth.header ?? 'X-API-Key').toLowerCase();
      if (h[name] !== auth.key) {
        sendProblem(res, 401, 'Unauthorized', 'a valid API key is required');
        return undefined;
      }
    }
    const tenant = (h['x-org-id'] ?? h['x-dev-org-id']) as string | undefined;
    if (!tenant) {
      sendProblem(res, 400, 'Bad Request', 'tenant header X-Org-Id is required');
      return undefined;
    }
    return tenant;
  }

  function takeToken(tenant: string): boolean {
    if (!rateLimit) return true;
    const now = performance.now();
    let b = buckets.get(tenant);
    if (!b) {
      b = { tokens: rateLimit.capacity, at: now };
      buckets.set(tenant, b);
    }
    b.tokens = Math.min(rateLimit.capacity, b.tokens + ((now - b.at) / 1000) * rateLimit.refillPerSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  function api(req: http.IncomingMessage, res: http.ServerResponse, route: string, raw: string): void {
    const n = ++stats.apiRequests;
    if (mix.everyReset && n % mix.everyReset === 0) {
      stats.resets++;
      req.socket.destroy();
      return;
    }
    if (degraded.stopAnsweringAfter !== undefined && n > degraded.stopAnsweringAfter) {
      stats.unanswered++;
      return;
    }
    const tenant = authorize(req, res);
    if (tenant === undefined) return;
    stats.tenants.set(tenant, (stats.tenants.get(tenant) ?? 0) + 1);
    let body: { surface?: unknown; k?: unknown; user?: { user_id?: unknown }; item_id?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      sendProblem(res, 400, 'Bad Request', 'request body is not JSON');
      return;
    }
    if (mix.every500 && n % mix.every500 === 0) {
      sendProblem(res, 500, 'Internal Server Error', 'injected failure');
      return;
    }
    if ((mix.every429 && n % mix.every429 === 0) || !takeToken(tenant)) {
      sendProblem(res, 429, 'Too Many Requests', 'tenant rate limit exceeded', {
        'retry-after': String(rateLimit?.retryAfterSeconds ?? 1),
      });
      return;
    }
    const surface = typeof body.surface === 'string' ? body.surface : '';
    const k = typeof body.k === 'number' && Number.isInteger(body.k) ? body.k : 20;
    if (!surface || k < 1 || k > MAX_K) {
      sendProblem(res, 400, 'Bad Request', `surface is required and k must be 1..${MAX_K}`);
      return;
    }
    let items: string;
    let segment = 'default';
    if (route === '/v1/recommend') {
      const user = body.user?.user_id;
      if (typeof user !== 'string' || !user) {
        sendProblem(res, 400, 'Bad Request', 'user.user_id is required');
        return;
      }
      stats.users.set(user, (stats.users.get(user) ?? 0) + 1);
      items = itemsJson(itemsCache, k, 'item');
    } else {
      if (typeof body.item_id !== 'string' || !body.item_id) {
        sendProblem(res, 400, 'Bad Request', 'item_id is required');
        return;
      }
      segment = 'similar';
      items = itemsJson(itemsCache, k, 'sim');
    }
    const requestId = `req-${++requestSeq}`;
    const out =
      `{"items":${items},"meta":{"tenant_id":${JSON.stringify(tenant)},"surface":${JSON.stringify(surface)},` +
      `"segment":"${segment}","algo_version":"${algo}","config_version":"${configV}","rules_version":"${rulesV}",` +
      `"request_id":"${requestId}"},"warnings":[]}`;
    send(res, 200, out, 'application/json', { 'x-request-id': requestId });
  }

  const server = http.createServer((req, res) => {
    stats.requests++;
    stats.inFlight++;
    if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
    // 'close' fires for answered and destroyed responses alike.
    res.on('close', () => void stats.inFlight--);
    const q = req.url?.indexOf('?') ?? -1;
    const route = q >= 0 ? req.url!.slice(0, q) : (req.url ?? '/');
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
    if (req.method === 'GET' && (route === '/healthz' || route === '/readyz' || route === '/health/detailed')) {
      req.resume();
      health(res, route);
      return;
    }
    if (req.method === 'POST' && (route === '/v1/recommend' || route === '/v1/similar')) {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY_BYTES) chunks.push(c);
      });
      req.on('end', () => {
        if (size > MAX_BODY_BYTES) {
          sendProblem(res, 413, 'Payload Too Large', 'request body too large');
          return;
        }
        const raw = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        const wait = route === '/v1/similar' ? slowDelayMs : delayMs;
        if (wait > 0) setTimeout(api, wait, req, res, route, raw);
        else api(req, res, route, raw);
      });
      return;
    }
    req.resume();
    sendProblem(res, 404, 'Not Found', `no route for ${req.method} ${route}`);
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    stats.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Connections reset on purpose surface as client errors; keep the server quiet about them.
  server.on('clientError', (_err, socket) => socket.destroy());

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${port}`,
        port,
        stats: () => ({ ...stats, byRoute: { ...stats.byRoute }, byStatus: { ...stats.byStatus } }),
        update: (change) => {
          if (change.degraded !== undefined) {
            degraded = change.degraded;
            ({ algo, configV, rulesV } = versions());
          }
          if (change.delayMs !== undefined) delayMs = change.delayMs;
          if (change.slowEndpointDelayMs !== undefined) slowDelayMs = change.slowEndpointDelayMs;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
