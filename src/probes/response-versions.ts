import { z } from 'zod';
import { defineProbe } from '../core/define.js';
import { IO_MESSAGES, attempt } from '../io/errors.js';
import { boundedRequest, describeResponse, isRecord, joinUrl, parseJson } from './lib/http.js';
import { describeHeaders, excerpt, safeUrl } from '../io/mask.js';
import { envValue } from './lib/model.js';

const params = z.strictObject({
  path: z.string().startsWith('/').default('/v1/recommend'),
  surface: z.string().min(1).default('home'),
  k: z.number().int().positive().max(200).default(1),
  userId: z.string().min(1).default('prodready-probe'),
  /** Overrides TENANT_HEADER_NAME (default X-Org-Id). */
  tenantHeader: z.string().min(1).optional(),
  requestTimeoutMs: z.number().int().positive().max(30_000).default(3000),
  maxBytes: z.number().int().positive().max(16 * 1024 * 1024).default(1024 * 1024),
});

/** The fields a rollout is traced by: which algorithm, config and rules answered. */
const VERSION_FIELDS = ['algo_version', 'config_version', 'rules_version'] as const;

export default defineProbe({
  meta: {
    id: 'response-versions',
    type: 'problem',
    description:
      'One POST /v1/recommend answers with non-empty meta.algo_version, meta.config_version and meta.rules_version, so every response can be traced to what served it.',
    messages: {
      ...IO_MESSAGES,
      emptyVersion: '{{url}} answered without meta.{{field}}: responses cannot be traced to the {{what}} that served them',
      missingMeta: '{{url}} answered 200 without a meta object ({{found}})',
      authRejected: '{{url}} answered {{status}} to the probe credentials ({{auth}}): give working ones with --bearer-token-env, --api-key-env or --dev-headers',
      rateLimited: 'cannot decide: {{url}} answered {{status}} (rate limited or under backpressure); retry later',
      unexpectedStatus: '{{url}} answered {{status}}, expected 200{{problem}}',
    },
    params,
    timeoutMs: 6000,
    needs: ['baseUrl'],
  },
  async run(ctx, p) {
    const url = joinUrl(ctx.target.baseUrl!, p.path);
    const shown = safeUrl(url);
    const location = { target: shown };
    const tenantHeader = p.tenantHeader ?? envValue(ctx.model, 'TENANT_HEADER_NAME') ?? 'X-Org-Id';
    const auth = ctx.target.authHeaders;
    const res = await attempt(ctx, shown, () =>
      boundedRequest(ctx, {
        url,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          [tenantHeader]: ctx.target.tenant,
          ...auth,
        },
        body: JSON.stringify({ surface: p.surface, k: p.k, user: { user_id: p.userId } }),
        // A POST is not replayed across redirects.
        maxRedirects: 0,
        maxBytes: p.maxBytes,
        timeoutMs: p.requestTimeoutMs,
      }),
    );
    if (!res) return;
    const line = describeResponse('POST', res);
    const authLine = `tenant ${ctx.target.tenant} in ${tenantHeader}; auth headers: ${describeHeaders(auth)}`;
    const evidence = [line, authLine];
    const body = parseJson(res.body);

    if (res.status === 401 || res.status === 403) {
      ctx.report({ messageId: 'authRejected', data: { url: shown, status: res.status, auth: describeHeaders(auth) }, location, evidence });
      return;
    }
    if (res.status === 429 || res.status === 503) {
      ctx.unknown({ messageId: 'rateLimited', data: { url: shown, status: res.status }, location, evidence });
      return;
    }
    if (res.status !== 200) {
      // RFC 7807: title and detail say why, without stack traces.
      const why = isRecord(body) ? [body.title, body.detail].filter((v) => typeof v === 'string' && v !== '').join(': ') : '';
      ctx.report({
        messageId: 'unexpectedStatus',
        data: { url: shown, status: res.status, problem: why ? ` (${excerpt(why, 160)})` : '' },
        location,
        evidence,
      });
      return;
    }
    const meta = isRecord(body) ? body.meta : undefined;
    if (!isRecord(meta)) {
      const found = body === undefined ? 'not JSON' : isRecord(body) ? 'no meta' : 'not a JSON object';
      ctx.report({ messageId: 'missingMeta', data: { url: shown, found }, location, evidence });
      return;
    }
    const seen: string[] = [];
    for (const field of VERSION_FIELDS) {
      const value = meta[field];
      if (typeof value === 'string' && value.trim() !== '') {
        seen.push(`${field}=${excerpt(value, 80)}`);
      } else {
        ctx.report({
          messageId: 'emptyVersion',
          data: { url: shown, field, what: field.replace('_version', '') },
          location,
          evidence,
        });
      }
    }
    ctx.evidence(line);
    ctx.evidence(authLine);
    if (seen.length > 0) ctx.evidence(`meta: ${seen.join(', ')}`);
    if (meta.algo_version === 'recsys-algo@local') {
      ctx.evidence('meta.algo_version is the service default recsys-algo@local: RECSYS_ALGO_VERSION is not set (see algo-version-set)');
    }
  },
});
