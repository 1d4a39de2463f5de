import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { z } from 'zod';
import { defineProbe } from '../../src/core/define.js';
import { createProbeIO, runProbe, runProbes, withoutPgEnvironment, type ProbeBase } from '../../src/engine/probe-runner.js';
import { defaultConfig } from '../../src/core/config-types.js';
import { IO_MESSAGES } from '../../src/io/errors.js';
import { modelWithEnv } from '../helpers/probe-context.js';
import { UserError } from '../../src/core/errors.js';

function base(target: Partial<ProbeBase['target']> = { baseUrl: 'http://127.0.0.1:1' }): ProbeBase & { close(): Promise<void> } {
  const io = createProbeIO({ timeoutMs: 1000 });
  return {
    target: { tenant: 'demo', authHeaders: {}, ...target },
    model: modelWithEnv(),
    config: defaultConfig(),
    dispatcher: io.dispatcher,
    pg: io.pg,
    now: () => new Date(),
    close: io.close,
  };
}

const meta = (id: string, timeoutMs = 200) => ({
  id,
  type: 'problem' as const,
  description: 'test probe',
  messages: { ...IO_MESSAGES, said: 'said {{what}}' },
  params: z.strictObject({ what: z.string().default('hello') }),
  timeoutMs,
  needs: ['baseUrl' as const],
});

describe('runProbe', () => {
  it('passes validated params with defaults', async () => {
    const probe = defineProbe({ meta: meta('p'), run: async (ctx, p) => ctx.report({ messageId: 'said', data: { what: p.what } }) });
    const b = base();
    const c = await runProbe(probe, undefined, b);
    expect(c.failures).toEqual([{ messageId: 'said', data: { what: 'hello' } }]);
    await b.close();
  });

  it('rejects invalid params as a UserError naming the path', async () => {
    const probe = defineProbe({ meta: meta('p'), run: async () => {} });
    const err = await runProbe(probe, { what: 3 }, base()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe('invalid-check-params');
    expect((err as UserError).details[0]!.path).toBe('params.what');
  });

  it('is unknown, naming the flag, when a need is missing', async () => {
    let ran = false;
    const probe = defineProbe({ meta: meta('p'), run: async () => void (ran = true) });
    const c = await runProbe(probe, {}, base({}));
    expect(ran).toBe(false);
    expect(c.unknowns).toEqual([{ messageId: 'missingInput', data: { input: '--target' } }]);
  });

  it('aborts the signal at the deadline and reports it', async () => {
    const probe = defineProbe({
      meta: meta('p', 100),
      run: (ctx) =>
        new Promise<void>((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true })),
    });
    const c = await runProbe(probe, {}, base());
    expect(c.failures).toHaveLength(1);
    expect(c.failures[0]).toMatchObject({ messageId: 'deadlineExceeded', data: { code: 'PRODREADY_DEADLINE', target: 'http://127.0.0.1:1/' } });
  });

  it('ends a probe that ignores its signal shortly after the deadline, dropping its late reports', async () => {
    let later: (() => void) | undefined;
    const probe = defineProbe({
      meta: meta('p', 50),
      run: (ctx) =>
        new Promise<void>((resolve) => {
          later = () => {
            ctx.report({ messageId: 'said', data: { what: 'too late' } });
            resolve();
          };
        }),
    });
    const c = await runProbe(probe, {}, base());
    expect(c.failures.map((f) => f.messageId)).toEqual(['deadlineExceeded']);
    later!();
    expect(c.failures.map((f) => f.messageId)).toEqual(['deadlineExceeded']);
  });

  it('turns an error with a known code into a finding, and rethrows a bug', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const io = defineProbe({ meta: meta('io'), run: async () => Promise.reject(new TypeError('fetch failed', { cause: refused })) });
    const c = await runProbe(io, {}, base());
    expect(c.failures).toEqual([
      expect.objectContaining({ messageId: 'connectionRefused', data: { target: 'http://127.0.0.1:1/', code: 'ECONNREFUSED' } }),
    ]);
    const bug = defineProbe({ meta: meta('bug'), run: async () => Promise.reject(new TypeError('x is undefined')) });
    await expect(runProbe(bug, {}, base())).rejects.toThrow('x is undefined');
  });
});

describe('runProbes', () => {
  it('runs probes concurrently: each one waits for the other to have started', async () => {
    const started = new Set<string>();
    const waiters: Array<() => void> = [];
    const make = (id: string, other: string) =>
      defineProbe({
        meta: meta(id, 2000),
        run: async (ctx) => {
          started.add(id);
          waiters.splice(0).forEach((w) => w());
          await new Promise<void>((resolve) => (started.has(other) ? resolve() : waiters.push(resolve)));
          ctx.evidence(`${id} saw ${other} running`);
        },
      });
    const results = await runProbes([{ def: make('a', 'b') }, { def: make('b', 'a') }], base());
    expect([...results.keys()]).toEqual(['a', 'b']);
    expect(results.get('a')!.evidence).toEqual(['a saw b running']);
    expect(results.get('b')!.failures).toEqual([]);
  });

  it('refuses the same unit twice', async () => {
    const p = defineProbe({ meta: meta('p'), run: async () => {} });
    await expect(runProbes([{ def: p }, { def: p }], base())).rejects.toMatchObject({ code: 'duplicate-rule-id' });
  });
});

describe('deadline through a real request', () => {
  it('aborts an undici request at the probe deadline and reports it with what was measured', async () => {
    const { startServer } = await import('../helpers/http-server.js');
    const { boundedRequest } = await import('../../src/probes/lib/http.js');
    const hanging = await startServer(() => {}); // accepts, never answers
    const probe = defineProbe({
      meta: { ...meta('hang', 150), needs: ['baseUrl' as const] },
      run: async (ctx) => {
        await boundedRequest(ctx, { url: `${hanging.url}/readyz`, timeoutMs: 10_000 });
      },
    });
    const b = base({ baseUrl: hanging.url });
    const c = await runProbe(probe, {}, b);
    await b.close();
    await hanging.close();
    expect(c.failures).toHaveLength(1);
    expect(c.failures[0]).toMatchObject({ messageId: 'deadlineExceeded', data: { code: 'PRODREADY_DEADLINE' } });
    expect(c.failures[0]!.evidence!.join('\n')).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/readyz: PRODREADY_DEADLINE after [\d.]+ ms/);
    expect(c.failures[0]!.evidence).toContain('probe deadline 150 ms');
  });
});

describe('I/O messages', () => {
  it('render for every code the helpers can raise, with the data they carry', async () => {
    const { classifyError, ProbeIoError } = await import('../../src/io/errors.js');
    const errors = [
      Object.assign(new Error(), { code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' }),
      new ProbeIoError('PRODREADY_BODY_TOO_LARGE', 'm', { limit: 10 }),
      new ProbeIoError('PRODREADY_REDIRECT_REFUSED', 'm', { location: 'https://x/' }),
      new ProbeIoError('PRODREADY_TOO_MANY_REDIRECTS', 'm', { limit: 3 }),
    ];
    for (const err of errors) {
      const c = classifyError(err)!;
      const data: Record<string, unknown> = { target: 't', code: c.code, ...c.data };
      const template = IO_MESSAGES[c.messageId];
      for (const [, key] of template.matchAll(/\{\{(\w+)\}\}/g)) expect(data).toHaveProperty(key!);
    }
  });
});

describe('withoutPgEnvironment', () => {
  it('builds a pg client that takes neither PGREPLICATION nor PGBINARY from the environment, and puts them back', () => {
    const before = { PGREPLICATION: process.env.PGREPLICATION, PGBINARY: process.env.PGBINARY };
    process.env.PGREPLICATION = 'database';
    process.env.PGBINARY = 'true';
    try {
      const plain = new pg.Client({ host: '127.0.0.1', port: 1, user: 'u', database: 'd' }) as unknown as { connectionParameters: { replication?: unknown; binary?: unknown } };
      expect(plain.connectionParameters.replication).toBe('database');
      const client = withoutPgEnvironment(() => new pg.Client({ host: '127.0.0.1', port: 1, user: 'u', database: 'd' })) as unknown as {
        connectionParameters: { replication?: unknown; binary?: unknown };
      };
      expect(client.connectionParameters.replication).toBeFalsy();
      expect(client.connectionParameters.binary).toBe(false);
      expect(process.env.PGREPLICATION).toBe('database');
      expect(process.env.PGBINARY).toBe('true');
    } finally {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
