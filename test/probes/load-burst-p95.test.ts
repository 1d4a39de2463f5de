import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import probe from '../../src/probes/load-burst-p95.js';
import { createCollector, type Collected } from '../../src/engine/collector.js';
import { defaultConfig } from '../../src/core/config-types.js';
import type { ProbeContext, ProbeTarget } from '../../src/core/define.js';
import type { DeploymentModel } from '../../src/core/model.js';
import type { LoadResult } from '../../src/core/load.js';
import { startDemoTarget, type DemoTarget, type DemoTargetOptions } from '../../src/demo/target.js';
import { runWith, unknownIds } from '../helpers/probe-context.js';

let target: DemoTarget | undefined;
const agents: Agent[] = [];
afterEach(async () => {
  await target?.close();
  target = undefined;
  while (agents.length) await agents.pop()!.close();
});

async function demo(opts: DemoTargetOptions = {}): Promise<DemoTarget> {
  target = await startDemoTarget(opts);
  return target;
}

/** Runs the probe with a hand-built context; returns what it reported and the load results it recorded. */
async function runProbe(
  target: Partial<ProbeTarget>,
  params: Record<string, unknown>,
  signal: AbortSignal = new AbortController().signal,
): Promise<{ collected: Collected; loads: LoadResult[] }> {
  const { reporting, collected } = createCollector();
  const loads: LoadResult[] = [];
  const dispatcher = new Agent();
  agents.push(dispatcher);
  const ctx: ProbeContext = {
    ...reporting,
    target: { tenant: 'acme', authHeaders: {}, ...target },
    // The burst reads nothing from the model or the database.
    model: {} as DeploymentModel,
    config: defaultConfig(),
    dispatcher,
    pg: () => {
      throw new Error('load-burst-p95 must not open a database connection');
    },
    signal,
    now: () => new Date('2026-11-25T10:00:00Z'),
    recordLoad: (r) => void loads.push(r as LoadResult),
  };
  await probe.run(ctx, probe.meta.params.parse(params));
  return { collected, loads };
}

describe('load-burst-p95 probe', () => {
  it('declares its caps in the params schema and needs a base URL', () => {
    expect(probe.meta.id).toBe('load-burst-p95');
    expect(probe.meta.needs).toEqual(['baseUrl']);
    expect(probe.meta.params.safeParse({ requests: 100_001 }).success).toBe(false);
    expect(probe.meta.params.safeParse({ concurrency: 300 }).success).toBe(false);
    expect(probe.meta.params.safeParse({ durationMs: 121_000 }).success).toBe(false);
    expect(probe.meta.params.safeParse({ timeoutMs: 60_000 }).success).toBe(false);
    expect(probe.meta.params.safeParse({ requests: 'many' }).success).toBe(false);
    const d = probe.meta.params.parse({});
    expect(d).toMatchObject({ requests: 200, concurrency: 4, durationMs: 10_000, timeoutMs: 2_000, p95MaxMs: 250, errorRateMax: 0.01 });
  });

  it('passes with evidence and records the load result', async () => {
    const t = await demo({ delayMs: 2, auth: { mode: 'bearer', token: 'tok-abc-123' } });
    const { collected, loads } = await runProbe(
      { baseUrl: t.url, authHeaders: { authorization: 'Bearer tok-abc-123' } },
      { requests: 40, concurrency: 2, p95MaxMs: 1000 },
    );
    expect(collected.failures).toEqual([]);
    expect(collected.unknowns).toEqual([]);
    expect(loads).toHaveLength(1);
    expect(loads[0]!.success).toBe(40);
    expect(loads[0]!.started_at).toBe('2026-11-25T10:00:00.000Z');
    expect(collected.evidence.join('\n')).toContain('40 requests');
    expect(collected.evidence.some((e) => e.startsWith('p95 '))).toBe(true);
    expect(JSON.stringify(collected)).not.toContain('tok-abc-123');
  });

  it('shows the target without user info or query', async () => {
    const t = await demo();
    const { collected } = await runProbe({ baseUrl: `http://user:pw-secret@127.0.0.1:${t.port}/?key=q-secret` }, { requests: 5, concurrency: 1 });
    const text = JSON.stringify(collected);
    expect(text).toContain(`POST http://127.0.0.1:${t.port}/v1/recommend`);
    expect(text).not.toContain('pw-secret');
    expect(text).not.toContain('q-secret');
  });

  it('reports p95 above its threshold', async () => {
    const t = await demo({ delayMs: 25 });
    const { collected } = await runProbe({ baseUrl: t.url }, { requests: 20, concurrency: 2, p95MaxMs: 10 });
    expect(collected.failures.map((f) => f.messageId)).toEqual(['p95Exceeded']);
    expect(collected.failures[0]!.data).toMatchObject({ limit: 10, requests: 20 });
    expect(collected.failures[0]!.data!['p95'] as number).toBeGreaterThanOrEqual(25);
  });

  it('reports the error rate with its causes, 429s counted apart', async () => {
    // Retry-After: 0 on the injected 429s: no pause.
    const t = await demo({ mix: { every500: 10, every429: 4 }, rateLimit: { capacity: 1e9, refillPerSecond: 1e9, retryAfterSeconds: 0 } });
    const { collected, loads } = await runProbe({ baseUrl: t.url }, { requests: 40, concurrency: 2, warmup: 0 });
    // 500 at 10, 20, 30, 40; 429 at 4, 8, 12, 16, 24, 28, 32, 36.
    expect(loads[0]!.rate_limited).toBe(8);
    expect(loads[0]!.errors).toBe(4);
    expect(collected.failures.map((f) => f.messageId)).toEqual(['errorRateExceeded']);
    expect(collected.failures[0]!.data).toMatchObject({ errors: 4, judged: 32, rate: '12.50%', causes: 'HTTP_500 ×4' });
  });

  it('says the service stopped answering when requests time out with nothing answered', async () => {
    const t = await demo({ degraded: { stopAnsweringAfter: 5 } });
    const { collected, loads } = await runProbe({ baseUrl: t.url }, { requests: 500, concurrency: 2, warmup: 0, timeoutMs: 200 });
    expect(collected.failures.map((f) => f.messageId)).toEqual(['stalled']);
    expect(String(collected.failures[0]!.data!['causes'])).toContain('UND_ERR_HEADERS_TIMEOUT');
    expect(loads[0]!.stopped_by).toBe('timeout');
  });

  it('reports a service that answers nothing', async () => {
    const t = await demo();
    const url = t.url;
    await t.close();
    target = undefined;
    const { collected } = await runProbe({ baseUrl: url }, { requests: 5, concurrency: 1, warmup: 0 });
    expect(collected.failures.map((f) => f.messageId)).toEqual(['noAnswer']);
    expect(collected.failures[0]!.data!['causes']).toBe('ECONNREFUSED ×5');
  });

  it('is unknown when most requests were rate limited', async () => {
    // Retry-After: 0 asks for no wait, so the burst keeps asking and meets the limiter 25 times.
    const t = await demo({ rateLimit: { capacity: 5, refillPerSecond: 0.001, retryAfterSeconds: 0 } });
    const { collected } = await runProbe({ baseUrl: t.url }, { requests: 30, concurrency: 2, warmup: 0 });
    expect(collected.failures).toEqual([]);
    expect(collected.unknowns.map((u) => u.messageId)).toEqual(['mostlyRateLimited']);
    expect(collected.unknowns[0]!.data).toMatchObject({ rateLimited: 25, requests: 30 });
  });

  it('is unknown when the service asks to wait past the end of the burst, after a few requests, not thousands', async () => {
    const t = await demo({ rateLimit: { capacity: 0, refillPerSecond: 0.001, retryAfterSeconds: 3600 } });
    const { collected, loads } = await runProbe({ baseUrl: t.url }, { requests: 2000, concurrency: 2, warmup: 0 });
    expect(collected.failures).toEqual([]);
    expect(collected.unknowns.map((u) => u.messageId)).toEqual(['retryAfterPastDeadline']);
    expect(loads[0]!.stopped_by).toBe('retry-after');
    expect(loads[0]!.requests).toBeLessThanOrEqual(2);
  });

  it('honours the abort signal', async () => {
    const t = await demo({ delayMs: 10 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 80);
    const { collected } = await runProbe({ baseUrl: t.url }, { requests: 100_000, concurrency: 2, durationMs: 60_000 }, ac.signal);
    expect(collected.unknowns.map((u) => u.messageId)).toEqual(['aborted']);
  });

  it('declares every message it uses', () => {
    for (const id of ['p95Exceeded', 'p99Exceeded', 'errorRateExceeded', 'stalled', 'noAnswer', 'mostlyRateLimited', 'aborted']) {
      expect(probe.meta.messages[id]).toBeTruthy();
    }
  });

  it('is unknown with missingInput when run without a target, sending nothing', async () => {
    // Through the real runner, which checks the probe's needs before running it.
    const c = await runWith(probe, { target: {} });
    expect(c.failures).toEqual([]);
    expect(unknownIds(c)).toEqual(['missingInput']);
    expect(c.unknowns[0]!.data).toEqual({ input: '--target' });
  });
});
