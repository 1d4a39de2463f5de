// The burst's parameters and their hard caps, shared by the load-burst-p95 probe and `prodready load`.
// Defaults make a gate against a production service, not a stress test; the caps bound what any flag can ask.
import { z } from 'zod';
import { lazy } from '../core/lazy.js';

export const LOAD_CAPS = {
  requests: 100_000,
  concurrency: 256,
  durationMs: 120_000,
  timeoutMs: 30_000,
  rate: 10_000,
  warmup: 100,
  userCardinality: 1_000_000,
  k: 200,
} as const;

export const LOAD_DEFAULTS = {
  requests: 200,
  concurrency: 4,
  durationMs: 10_000,
  timeoutMs: 2_000,
  warmup: 8,
  userCardinality: 1_000,
  k: 20,
  surface: 'home',
  endpoint: '/v1/recommend',
} as const;

export const ENDPOINTS = ['/v1/recommend', '/v1/similar'] as const;
export type LoadEndpoint = (typeof ENDPOINTS)[number];

/** What the engine runs; the probe's and the command's parameters both reduce to this (built on first use). */
export const burstParamsSchema = lazy(() =>
  z.strictObject({
    endpoint: z.enum(ENDPOINTS).default(LOAD_DEFAULTS.endpoint),
    surface: z.string().min(1).max(200).default(LOAD_DEFAULTS.surface),
    k: z.number().int().min(1).max(LOAD_CAPS.k).default(LOAD_DEFAULTS.k),
    /** Measured requests (closed loop), or the most the open loop may send. */
    requests: z.number().int().min(1).max(LOAD_CAPS.requests).default(LOAD_DEFAULTS.requests),
    /** Connections; in the open loop also the most requests in flight. */
    concurrency: z.number().int().min(1).max(LOAD_CAPS.concurrency).default(LOAD_DEFAULTS.concurrency),
    /** Wall-clock cap of the burst, warm-up included. */
    durationMs: z.number().int().min(100).max(LOAD_CAPS.durationMs).default(LOAD_DEFAULTS.durationMs),
    /** Per-request timeout (connect, headers and body each). */
    timeoutMs: z.number().int().min(10).max(LOAD_CAPS.timeoutMs).default(LOAD_DEFAULTS.timeoutMs),
    /** Requests sent first and not counted. */
    warmup: z.number().int().min(0).max(LOAD_CAPS.warmup).default(LOAD_DEFAULTS.warmup),
    /** User ids (or item ids for /v1/similar) cycle over this many values. */
    userCardinality: z.number().int().min(1).max(LOAD_CAPS.userCardinality).default(LOAD_DEFAULTS.userCardinality),
    /** Open loop: constant arrival rate, requests per second. Absent: closed loop. */
    rate: z.number().positive().max(LOAD_CAPS.rate).optional(),
  }),
);

export type BurstParams = z.infer<ReturnType<typeof burstParamsSchema>>;
export type BurstParamsInput = z.input<ReturnType<typeof burstParamsSchema>>;
