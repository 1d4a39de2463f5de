// Builds a probe's base context for tests: real I/O from createProbeIO, an empty model with
// the env values a test names, the default config.
import { createProbeIO, runProbe, type ProbeBase } from '../../src/engine/probe-runner.js';
import { defaultConfig, type RunConfig } from '../../src/core/config-types.js';
import type { ProbeDefinition, ProbeTarget } from '../../src/core/define.js';
import type { Collected } from '../../src/engine/collector.js';
import type { DeploymentModel, EnvVar } from '../../src/core/model.js';

/** A model holding only these env values (as if read from one .env file). */
export function modelWithEnv(env: Record<string, string> = {}, production = true): DeploymentModel {
  const vars = new Map<string, EnvVar>();
  let line = 0;
  for (const [name, value] of Object.entries(env)) {
    line += 1;
    const def = {
      name,
      value,
      delivery: 'env-file' as const,
      location: { file: 'test.env', line },
      layer: 'env' as const,
    };
    vars.set(name, { name, effective: def, definitions: [def] });
  }
  return {
    production,
    environmentSource: 'test',
    podProduction: production,
    podEnvironment: 'test',
    env: vars,
    // Spread, not listed: the field was renamed (opaqueSecrets → opaqueSources); this compiles with both.
    ...{ opaqueSecrets: [], opaqueSources: [] },
    workloads: [],
    serviceMonitors: [],
    sources: Object.keys(env).length > 0 ? [{ kind: 'env', file: 'test.env' }] : [],
    problems: [],
    duplicates: [],
    catalogue: new Map(),
  };
}

export interface ProbeHarnessOptions {
  target: Partial<ProbeTarget>;
  env?: Record<string, string>;
  /** The whole model, instead of one built from `env` (e.g. with the pack's catalogue, for typed values). */
  model?: DeploymentModel;
  config?: Partial<RunConfig>;
  now?: () => Date;
  timeoutMs?: number;
  /** A whole-run signal (a run deadline, Ctrl-C) the probe's own deadline is joined with. */
  signal?: AbortSignal;
}

/** Runs one probe with real I/O and returns what it reported; closes the I/O afterwards. */
export async function runWith(
  def: ProbeDefinition<any>,
  options: ProbeHarnessOptions,
  params: unknown = {},
): Promise<Collected> {
  const io = createProbeIO({ caPem: options.target.caPem, timeoutMs: options.timeoutMs ?? 5000 });
  const base: ProbeBase = {
    target: { tenant: 'demo', authHeaders: {}, ...options.target },
    model: options.model ?? modelWithEnv(options.env ?? {}),
    config: { ...defaultConfig(), ...options.config },
    dispatcher: io.dispatcher,
    pg: io.pg,
    now: options.now ?? (() => new Date()),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  try {
    const collected = await runProbe(def, params, base);
    // Every report must name a declared message and fill all its placeholders, as the engine requires.
    for (const r of [...collected.failures, ...collected.unknowns]) render(def, r);
    return collected;
  } finally {
    await io.close();
  }
}

/** messageIds of failures, sorted, for compact assertions. */
export function failureIds(c: Collected): string[] {
  return c.failures.map((f) => f.messageId).sort();
}

export function unknownIds(c: Collected): string[] {
  return c.unknowns.map((f) => f.messageId).sort();
}

/** Renders a report's message as the engine would, to check placeholders are all filled. */
export function render(def: ProbeDefinition<any>, r: { messageId: string; data?: Record<string, unknown> }): string {
  const template = (def.meta.messages as Record<string, string>)[r.messageId];
  if (template === undefined) throw new Error(`messageId ${r.messageId} not declared by ${def.meta.id}`);
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => {
    const v = r.data?.[key];
    if (v === undefined) throw new Error(`message ${r.messageId} of ${def.meta.id} lacks data.${key}`);
    return String(v);
  });
}

/** Every message rendered (failures, unknowns) and the evidence, joined: for leak checks. */
export function allText(def: ProbeDefinition<any>, c: Collected): string {
  return [
    ...c.failures.map((r) => `${render(def, r)} ${JSON.stringify(r)}`),
    ...c.unknowns.map((r) => `${render(def, r)} ${JSON.stringify(r)}`),
    ...c.evidence,
    c.skipReason ?? '',
  ].join('\n');
}
