// Checklist section 6: a short, bounded burst against the live service keeps p95 (and p99 when asked) under its
// threshold and the error rate under its own; 429s are reported apart, never as errors.
//
// I/O: the burst opens its own connections (exactly `concurrency`, closed when it ends, see src/load/engine.ts)
// instead of ctx.dispatcher, so the connection count is the one asked for and the generator's cost stays below the
// server's; it honours ctx.signal and takes the extra CA from ctx.target.caPem.
import { z } from 'zod';
import { defineProbe } from '../core/define.js';
import { judgeLoad } from '../load/gates.js';
import { displayUrl } from '../load/format.js';
import { burstParamsSchema, LOAD_CAPS } from '../load/params.js';
import type { LoadResult } from '../core/load.js';
import { IO_MESSAGES } from '../io/errors.js';
import { LOAD_RESULT_MESSAGES } from '../load/judge-evidence.js';

const paramsSchema = burstParamsSchema().extend({
  p95MaxMs: z.number().positive().default(250),
  p99MaxMs: z.number().positive().optional(),
  /** Errors (non-2xx other than 429, timeouts, connection errors) over the requests that were not rate limited. */
  errorRateMax: z.number().min(0).max(1).default(0.01),
  /** Above this share of 429s the burst measured the rate limiter, not the service: unknown. */
  rateLimitedMax: z.number().min(0).max(1).default(0.5),
});

function top(causes: Record<string, number>, n = 3): string {
  const list = Object.entries(causes).slice(0, n).map(([k, v]) => `${k} ×${v}`);
  return list.length ? list.join(', ') : 'none';
}

function pct(r: number): string {
  return `${(r * 100).toFixed(2)}%`;
}

function summary(r: LoadResult): string {
  const l = r.latency_ms;
  const f = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)} ms`);
  return (
    `${r.requests} requests, ${r.mode === 'open' ? `open loop at ${r.target_rps} req/s` : `${r.concurrency} connections`}, ` +
    `${(r.elapsed_ms / 1000).toFixed(2)} s, ${r.rps.toFixed(1)} req/s, ended by ${r.stopped_by}: ` +
    `p50 ${f(l.p50)}, p95 ${f(l.p95)}, p99 ${f(l.p99)}, max ${f(l.max)}`
  );
}

export default defineProbe({
  meta: {
    id: 'load-burst-p95',
    type: 'problem',
    description:
      'A short, bounded burst against /v1/recommend (or /v1/similar) keeps p95 under its threshold and errors under theirs; 429s are reported apart.',
    messages: {
      ...IO_MESSAGES,
      // Imported Locust / k6 / harness results decide this unit too, with these messages.
      ...LOAD_RESULT_MESSAGES,
      p95Exceeded: 'p95 latency {{p95}} ms over {{requests}} requests exceeds {{limit}} ms',
      p99Exceeded: 'p99 latency {{p99}} ms over {{requests}} requests exceeds {{limit}} ms',
      errorRateExceeded: 'error rate {{rate}} ({{errors}} of {{judged}} requests not rate limited; {{causes}}) exceeds {{limit}}',
      stalled:
        'the service stopped answering: a request got no answer within {{timeoutMs}} ms while no other request was answered ({{causes}}); the burst ended after {{requests}} requests',
      noAnswer: 'no request of the burst got an HTTP answer: {{causes}}',
      mostlyRateLimited:
        '{{rateLimited}} of {{requests}} requests were rate limited (429), so the burst measured the rate limiter, not the service; raise the tenant limit for the test tenant or lower the concurrency',
      aborted: 'the burst was interrupted after {{requests}} requests, before it could be judged',
      retryAfterPastDeadline:
        'after {{requests}} requests the service asked (Retry-After) to wait past the end of the burst, so it could not be judged; raise the tenant limit for the test tenant or lower the concurrency',
    },
    params: paramsSchema,
    // The engine ends a burst by its duration cap plus one request timeout; this deadline covers the largest caps.
    timeoutMs: LOAD_CAPS.durationMs + LOAD_CAPS.timeoutMs + 5_000,
    needs: ['baseUrl'],
  },
  async run(ctx, params) {
    const { p95MaxMs, p99MaxMs, errorRateMax, rateLimitedMax, ...burst } = params;
    // Imported here, not at the top: loading the pack reads this probe's meta and must not load sockets and TLS.
    const { runBurst } = await import('../load/engine.js');
    const result = await runBurst({
      target: {
        baseUrl: ctx.target.baseUrl!,
        tenant: ctx.target.tenant,
        authHeaders: ctx.target.authHeaders,
        caPem: ctx.target.caPem,
      },
      params: burst,
      signal: ctx.signal,
      now: ctx.now,
    });
    ctx.recordLoad?.(result);
    // No user info and no query in what is shown: either may carry a credential.
    const target = displayUrl(ctx.target.baseUrl!) + burst.endpoint;
    const evidence = [
      `POST ${target}: ${summary(result)}`,
      `status codes: ${top(result.status_codes, 10)}; 429 (apart from errors): ${result.rate_limited ?? 0}; errors: ${result.errors}${result.error_rate === null ? '' : ` (${pct(result.error_rate)})`}`,
    ];
    if (Object.keys(result.error_causes).length) evidence.push(`error causes: ${top(result.error_causes, 5)}`);
    if (result.dropped) evidence.push(`${result.dropped} arrivals were due but never sent; their wait counts in the latencies`);
    const location = { target };
    const base = { requests: result.requests };

    if (result.stopped_by === 'abort') {
      ctx.unknown({ messageId: 'aborted', data: base, evidence, location });
      return;
    }
    if (result.stopped_by === 'retry-after' && result.success === 0) {
      ctx.unknown({ messageId: 'retryAfterPastDeadline', data: base, evidence, location });
      return;
    }
    if (result.stopped_by === 'timeout') {
      ctx.report({ messageId: 'stalled', data: { ...base, timeoutMs: burst.timeoutMs ?? 0, causes: top(result.error_causes) }, evidence, location });
      return;
    }
    if (result.requests > 0 && Object.keys(result.status_codes).length === 0) {
      ctx.report({ messageId: 'noAnswer', data: { causes: top(result.error_causes) }, evidence, location });
      return;
    }
    const rateLimited = result.rate_limited ?? 0;
    if (result.requests > 0 && rateLimited / result.requests > rateLimitedMax) {
      ctx.unknown({ messageId: 'mostlyRateLimited', data: { ...base, rateLimited }, evidence, location });
      return;
    }

    let failed = false;
    for (const v of judgeLoad(result, { p95MaxMs, p99MaxMs, errorRateMax })) {
      if (v.status === 'pass') {
        ctx.evidence(v.message);
        continue;
      }
      failed = true;
      if (v.gate === 'p95') {
        if (v.status === 'fail') ctx.report({ messageId: 'p95Exceeded', data: { ...base, p95: v.actual!, limit: v.limit }, evidence, location });
        else ctx.unknown({ messageId: 'noAnswer', data: { causes: top(result.error_causes) }, evidence, location });
      } else if (v.gate === 'p99') {
        if (v.status === 'fail') ctx.report({ messageId: 'p99Exceeded', data: { ...base, p99: v.actual!, limit: v.limit }, evidence, location });
      } else if (v.gate === 'error-rate') {
        if (v.status === 'fail') {
          ctx.report({
            messageId: 'errorRateExceeded',
            data: {
              rate: pct(v.actual!),
              errors: result.errors,
              judged: result.requests - rateLimited,
              causes: top(result.error_causes),
              limit: pct(v.limit),
            },
            evidence,
            location,
          });
        } else {
          ctx.unknown({ messageId: 'mostlyRateLimited', data: { ...base, rateLimited }, evidence, location });
        }
      }
    }
    if (!failed) for (const e of evidence) ctx.evidence(e);
  },
});
