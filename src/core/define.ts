import type { z } from 'zod';
import type { Dispatcher } from 'undici';
import type { Client, ClientConfig } from 'pg';
import type { Location, Severity } from './types.js';
import type { DeploymentModel } from './model.js';
import type { RunConfig } from './config-types.js';
import type { LoadResult } from './load.js';
import { lazy } from './lazy.js';

export type MessageData = Record<string, string | number | boolean>;

/** What a check or probe says; the engine renders the message and adds provenance. */
export interface Report {
  messageId: string;
  data?: MessageData;
  location?: Location;
  evidence?: string[];
  /** Raise or lower this one finding (cors-restricted: error when credentials are on too). */
  severity?: Severity;
}

export interface Reporting {
  /** A failure of the rule. */
  report(r: Report): void;
  /** The inputs cannot decide it; the message must say what input would. */
  unknown(r: Report): void;
  /** The rule does not apply; the reason is shown. */
  skip(reason: string): void;
  /** A fact supporting a pass; never a secret value. */
  evidence(fact: string): void;
}

export interface CheckContext extends Reporting {
  model: DeploymentModel;
  config: RunConfig;
}

export interface CheckMeta<S extends z.ZodType> {
  id: string;
  type: 'problem' | 'suggestion';
  description: string;
  messages: Record<string, string>;
  params: S;
}

export interface CheckDefinition<S extends z.ZodType = z.ZodType> {
  meta: CheckMeta<S>;
  /**
   * What must be loaded before the params schema parses params or run() runs, and cannot be loaded synchronously
   * (a module imported on demand): given the params, as written or parsed, or nothing when any may come. The rule
   * loader, the config's params and the engine await it before they use the schema or run.
   */
  prepare?(params?: unknown): Promise<void>;
  run(ctx: CheckContext, params: z.infer<S>): void;
}

/** A check as its file states it: the params schema as a function, built the first time `meta.params` is read. */
export interface CheckSpec<S extends z.ZodType> {
  meta: Omit<CheckMeta<S>, 'params'> & { params: () => S };
  prepare?(params?: unknown): Promise<void>;
  run(ctx: CheckContext, params: z.infer<S>): void;
}

/**
 * The schema is built on first use: a static check of the built-in pack takes every rule's params as the build
 * parsed them (dist/pack.json), so it never needs most schemas, and building thirty of them cost each start.
 */
export function defineCheck<S extends z.ZodType>(spec: CheckSpec<S>): CheckDefinition<S> {
  const { params, ...rest } = spec.meta;
  const schema = lazy(params);
  const meta = Object.defineProperty({ ...rest }, 'params', { get: schema, enumerable: true }) as CheckMeta<S>;
  return { meta, run: spec.run, ...(spec.prepare ? { prepare: spec.prepare } : {}) };
}

/** What to probe: all of it comes from flags or the model, never from process.env inside a probe. */
export interface ProbeTarget {
  baseUrl?: string;
  jwksUrl?: string;
  issuer?: string;
  tenant: string;
  /** Request headers carrying auth (bearer, API key or dev headers): values are secret. */
  authHeaders: Record<string, string>;
  /** Connection string; secret. */
  databaseUrl?: string;
  /** How the DSN was given, for evidence (`--database-url-env DATABASE_URL`). */
  databaseUrlSource?: string;
  expectMigration?: string;
  /** The release's migration files (--migrations-dir), read by the CLI: the up files as preflight keys them. */
  migrations?: { dir: string; files: Array<{ version: string; name: string; checksum: string; file: string }> };
  caPem?: string;
}

export interface ProbeContext extends Reporting {
  target: ProbeTarget;
  model: DeploymentModel;
  config: RunConfig;
  dispatcher: Dispatcher;
  pg: (config: ClientConfig) => Client;
  signal: AbortSignal;
  now: () => Date;
  /** Load results measured or imported in this run, for the load probe to record. */
  recordLoad?: (result: LoadResult) => void;
}

export interface ProbeMeta<S extends z.ZodType> extends CheckMeta<S> {
  /** Deadline for the whole probe, ms; the engine aborts `signal` at it. */
  timeoutMs: number;
  /** What the probe needs; missing ones make it `unknown` with that said. */
  needs: Array<'baseUrl' | 'jwksUrl' | 'databaseUrl'>;
}

export interface ProbeDefinition<S extends z.ZodType = z.ZodType> {
  meta: ProbeMeta<S>;
  run(ctx: ProbeContext, params: z.infer<S>): Promise<void>;
}

export function defineProbe<S extends z.ZodType>(def: ProbeDefinition<S>): ProbeDefinition<S> {
  return def;
}
