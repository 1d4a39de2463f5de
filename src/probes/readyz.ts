import { z } from 'zod';
import { defineProbe, type ProbeContext } from '../core/define.js';
import { IO_MESSAGES, attempt, classifyError } from '../io/errors.js';
import { boundedRequest, describeResponse, joinUrl, parseJson, isRecord, type BoundedResponse } from './lib/http.js';
import { failingChecks, isHealthyStatus, notReadyReason, dependencyChecks } from './lib/health.js';
import { excerpt, describeHeaders, safeUrl } from '../io/mask.js';

const params = z.strictObject({
  readyPath: z.string().startsWith('/').default('/readyz'),
  livePath: z.string().startsWith('/').default('/healthz'),
  /** null skips the detailed read. */
  detailedPath: z.string().startsWith('/').nullable().default('/health/detailed'),
  /** Per request: a readiness probe that takes longer than this is as good as failing. */
  requestTimeoutMs: z.number().int().positive().max(30_000).default(2000),
  maxBytes: z.number().int().positive().max(16 * 1024 * 1024).default(256 * 1024),
});
type Params = z.infer<typeof params>;

type Endpoint = 'readiness' | 'liveness';

async function get(ctx: ProbeContext, p: Params, path: string) {
  const url = joinUrl(ctx.target.baseUrl!, path);
  return attempt(ctx, safeUrl(url), () =>
    boundedRequest(ctx, {
      url,
      headers: { accept: 'application/json' },
      timeoutMs: p.requestTimeoutMs,
      maxBytes: p.maxBytes,
    }),
  );
}

/** /health/detailed is optional: failing to read it is noted, not judged (the other two decide). */
async function getOptional(ctx: ProbeContext, p: Params, path: string, headers: Record<string, string>) {
  const url = joinUrl(ctx.target.baseUrl!, path);
  try {
    return await boundedRequest(ctx, {
      url,
      headers: { accept: 'application/json', ...headers },
      timeoutMs: p.requestTimeoutMs,
      maxBytes: p.maxBytes,
    });
  } catch (err) {
    const c = classifyError(err);
    if (!c) throw err;
    ctx.evidence(`GET ${safeUrl(url)}: ${c.code}, detailed health not read`);
    return undefined;
  }
}

function judgeStatusEndpoint(ctx: ProbeContext, endpoint: Endpoint, res: BoundedResponse): void {
  const evidence = [describeResponse('GET', res)];
  const body = parseJson(res.body);
  if (res.status === 200) {
    const status = isRecord(body) ? body.status : undefined;
    if (isHealthyStatus(status)) {
      ctx.evidence(`${evidence[0]}, status ${String(status)}`);
      return;
    }
    const found =
      body === undefined ? `not JSON: ${excerpt(res.body.toString('utf8'), 80) || 'empty'}` : `status ${excerpt(String(status), 60)}`;
    ctx.report({ messageId: 'notHealthyJson', data: { endpoint, url: res.url, found }, location: { target: res.url }, evidence });
    return;
  }
  if (res.status === 503) {
    ctx.report({
      messageId: 'notReady',
      data: { endpoint, url: res.url, status: res.status, reason: notReadyReason(body) },
      location: { target: res.url },
      evidence,
    });
    return;
  }
  ctx.report({
    messageId: 'unexpectedStatus',
    data: { endpoint, url: res.url, status: res.status },
    location: { target: res.url },
    evidence,
  });
}

function judgeDetailed(ctx: ProbeContext, res: BoundedResponse): void {
  const line = describeResponse('GET', res);
  if (res.status === 404) {
    ctx.evidence(`${line}: detailed health is disabled, not read`);
    return;
  }
  if (res.status === 401 || res.status === 403) {
    ctx.evidence(`${line}: detailed health needs other credentials, not read`);
    return;
  }
  const body = parseJson(res.body);
  if (body === undefined) {
    ctx.evidence(`${line}: not JSON, not read`);
    return;
  }
  const all = dependencyChecks(body);
  const failing = failingChecks(body);
  for (const check of failing) {
    ctx.report({
      messageId: 'dependencyUnhealthy',
      data: {
        url: res.url,
        name: check.name,
        status: check.status,
        detail: check.message ? `: ${check.message}` : '',
      },
      location: { target: res.url },
      evidence: [line],
    });
  }
  if (failing.length === 0) {
    if (res.status !== 200 || (isRecord(body) && body.status !== undefined && !isHealthyStatus(body.status))) {
      ctx.report({
        messageId: 'notReady',
        data: { endpoint: 'detailed health', url: res.url, status: res.status, reason: notReadyReason(body) },
        location: { target: res.url },
        evidence: [line],
      });
      return;
    }
    ctx.evidence(`${line}: ${all.length} check(s) healthy${all.length ? ` (${all.map((c) => c.name).join(', ')})` : ''}`);
  }
}

export default defineProbe({
  meta: {
    id: 'readyz',
    type: 'problem',
    description:
      'GET /readyz and /healthz answer 200 with a healthy JSON status within the timeout; /health/detailed, when present, names any failing dependency.',
    messages: {
      ...IO_MESSAGES,
      notReady: '{{endpoint}} {{url}} answered {{status}}: {{reason}}',
      unexpectedStatus: '{{endpoint}} {{url}} answered {{status}}, expected 200',
      notHealthyJson: '{{endpoint}} {{url}} answered 200 without a healthy JSON status ({{found}})',
      dependencyUnhealthy: '{{url}}: dependency {{name}} is {{status}}{{detail}}',
    },
    params,
    timeoutMs: 5000,
    needs: ['baseUrl'],
  },
  async run(ctx, p) {
    const auth = ctx.target.authHeaders;
    const [ready, live, detailed] = await Promise.all([
      get(ctx, p, p.readyPath),
      get(ctx, p, p.livePath),
      // Detailed health may sit behind auth; the readiness endpoints never should.
      p.detailedPath ? getOptional(ctx, p, p.detailedPath, auth) : Promise.resolve(undefined),
    ]);
    if (ready) judgeStatusEndpoint(ctx, 'readiness', ready);
    if (live) judgeStatusEndpoint(ctx, 'liveness', live);
    if (detailed) {
      if (Object.keys(auth).length > 0) ctx.evidence(`detailed health sent auth headers: ${describeHeaders(auth)}`);
      judgeDetailed(ctx, detailed);
    }
  },
});
