// Runs live probes: validates params, gives each one a deadline-bound signal and the injected I/O,
// turns classified I/O failures into findings and lets bugs through with their stack.
import tls from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import pg from 'pg';
import type { Client, ClientConfig } from 'pg';
import type { z } from 'zod';
import { createCollector, type Collected } from './collector.js';
import type { ProbeContext, ProbeDefinition, ProbeTarget, Reporting } from '../core/define.js';
import { UserError } from '../core/errors.js';
import { ProbeDeadlineError, classifyError } from '../io/errors.js';
import { maskDsn, safeUrl, scrubDeep, targetSecrets } from '../io/mask.js';
import { endBounded } from '../probes/lib/pg.js';

/** What the caller provides; the runner adds the Reporting and the deadline signal. */
export type ProbeBase = Omit<ProbeContext, keyof Reporting | 'signal'> & {
  /** A parent signal (Ctrl-C, a whole-run deadline); each probe still gets its own deadline. */
  signal?: AbortSignal;
};

/** After the deadline, how long a probe that ignores its signal may take before it is left behind. */
const GRACE_MS = 250;

const NEED_FLAGS: Record<ProbeDefinition['meta']['needs'][number], string> = {
  baseUrl: '--target',
  jwksUrl: '--jwks-url (or JWT_JWKS_URL in the inputs)',
  databaseUrl: '--database-url-env or --database-url-file',
};

/** Where a probe points, for a finding that has nothing more specific: masked. */
function targetOf(def: ProbeDefinition, target: ProbeTarget): string {
  if (def.meta.needs.includes('databaseUrl') && target.databaseUrl) return maskDsn(target.databaseUrl);
  if (def.meta.needs.includes('jwksUrl') && target.jwksUrl) return safeUrl(target.jwksUrl);
  if (target.baseUrl) return safeUrl(target.baseUrl);
  if (target.jwksUrl) return safeUrl(target.jwksUrl);
  return def.meta.id;
}

export async function runProbe<D extends ProbeDefinition<any>>(
  def: D,
  params: unknown,
  base: ProbeBase,
): Promise<Collected> {
  const parsed = (def.meta.params as z.ZodType).safeParse(params ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: ['params', ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw new UserError('invalid-check-params', `probe ${def.meta.id}: invalid params`, issues);
  }

  const { reporting, collected } = createCollector();
  // Reports arriving after the deadline are dropped: the result must not change once returned.
  let open = true;
  // Whatever a probe reports passes through here: a server that echoes the credentials it was sent
  // (an Authorization header in an error body) must not get them into a message or evidence.
  const secrets = targetSecrets(base.target);
  const guarded: Reporting = {
    report: (r) => open && reporting.report(scrubDeep(r, secrets)),
    unknown: (r) => open && reporting.unknown(scrubDeep(r, secrets)),
    skip: (reason) => open && reporting.skip(scrubDeep(reason, secrets)),
    evidence: (fact) => open && reporting.evidence(scrubDeep(fact, secrets)),
  };

  const missing = def.meta.needs.filter((need) => !base.target[need]);
  if (missing.length > 0) {
    for (const need of missing) guarded.unknown({ messageId: 'missingInput', data: { input: NEED_FLAGS[need] } });
    return collected;
  }

  const timeoutMs = def.meta.timeoutMs;
  const controller = new AbortController();
  const deadline = new ProbeDeadlineError(timeoutMs);
  const timer = setTimeout(() => controller.abort(deadline), timeoutMs);
  const signal = base.signal ? AbortSignal.any([base.signal, controller.signal]) : controller.signal;
  const ctx: ProbeContext = { ...base, ...guarded, signal };
  const target = targetOf(def, base.target);

  let backstop: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    backstop = setTimeout(() => resolve('late'), timeoutMs + GRACE_MS);
  });

  try {
    const outcome = await Promise.race([def.run(ctx, parsed.data).then(() => 'done' as const), late]);
    if (outcome === 'late') {
      guarded.report({
        messageId: 'deadlineExceeded',
        data: { target, code: deadline.code },
        location: { target },
        evidence: [`probe did not end within ${timeoutMs} ms`],
      });
    }
  } catch (err) {
    const c = classifyError(err);
    if (!c) throw err;
    const evidence = Array.isArray((err as { evidence?: unknown }).evidence)
      ? ((err as { evidence: string[] }).evidence)
      : [];
    guarded.report({
      messageId: c.messageId,
      data: { target, code: c.code, ...c.data },
      location: { target },
      evidence: c.messageId === 'deadlineExceeded' ? [...evidence, `probe deadline ${timeoutMs} ms`] : evidence,
    });
  } finally {
    open = false;
    clearTimeout(timer);
    clearTimeout(backstop);
  }
  return collected;
}

export interface ProbeRun {
  /** The unit id results are keyed by (a rule id); defaults to the probe's id. */
  id?: string;
  def: ProbeDefinition<any>;
  params?: unknown;
}

/** Runs independent probes concurrently; results keyed by unit id. */
export async function runProbes(list: readonly ProbeRun[], base: ProbeBase): Promise<Map<string, Collected>> {
  const ids = list.map((p) => p.id ?? p.def.meta.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) throw new UserError('duplicate-rule-id', `probe unit ${dup} is listed twice`);
  const results = await Promise.all(list.map((p) => runProbe(p.def, p.params, base)));
  return new Map(ids.map((id, i) => [id, results[i]!]));
}

export interface ProbeIO {
  dispatcher: Dispatcher;
  pg: (config: ClientConfig) => Client;
  /** Closes the dispatcher's sockets and any database client a probe left open. */
  close(): Promise<void>;
}

export interface ProbeIOOptions {
  /** An extra CA in PEM, trusted besides the system's (never instead of verification). */
  caPem?: string;
  /** Upper bound for connect, headers and body timeouts, ms. */
  timeoutMs: number;
}

/** The real I/O a probe run uses: one undici Agent with TLS verification on, and a pg factory. */
export function createProbeIO(options: ProbeIOOptions): ProbeIO {
  // Built once: a `ca` list passed per connection makes Node parse every root certificate again
  // for each TLS handshake (hundreds of ms each).
  const secureContext = options.caPem
    ? tls.createSecureContext({ ca: [...tls.rootCertificates, options.caPem] })
    : undefined;
  const dispatcher = new Agent({
    connect: { timeout: options.timeoutMs, rejectUnauthorized: true, ...(secureContext ? { secureContext } : {}) },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    // Stated, not inherited from node's flag: a server sending megabytes of headers is refused at this
    // bound (UND_ERR_HEADERS_OVERFLOW), the same bound the load burst's own parser keeps.
    maxHeaderSize: 64 * 1024,
    // Probes ask a handful of questions; keep no idle sockets that would hold the process open.
    // No per-origin connection cap: a load burst on the same dispatcher sets its own concurrency.
    keepAliveTimeout: 1000,
  });
  const clients = new Set<Client>();
  return {
    dispatcher,
    pg: (config) => {
      // The database probes build an explicit config from the parsed DSN and add --ca-file themselves.
      const client = withoutPgEnvironment(() => new pg.Client(config));
      clients.add(client);
      client.once('end', () => clients.delete(client));
      return client;
    },
    close: async () => {
      await Promise.all([...clients].map((c) => endBounded(c)));
      await dispatcher.close();
    },
  };
}

/**
 * pg fills a setting its config leaves falsy from the environment (PGBINARY, PGREPLICATION): false cannot say "off".
 * Everything else a probe's client needs is in its config, so while a client is built (synchronously: pg reads its
 * parameters in the constructor) these are out of the environment, and a replication or binary-mode session is
 * never opened because of a variable the DSN does not show.
 */
export function withoutPgEnvironment<T>(build: () => T): T {
  const saved = PG_ENV_ONLY.map((k) => [k, process.env[k]] as const);
  for (const k of PG_ENV_ONLY) delete process.env[k];
  try {
    return build();
  } finally {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  }
}

/** Settings pg reads from the environment when its config leaves them falsy, which a probe's config cannot. */
const PG_ENV_ONLY = ['PGBINARY', 'PGREPLICATION'] as const;
