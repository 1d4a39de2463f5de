// The database step of the service's start-up, as rule data: what stops the pod there, its variables,
// the upstream reason and file:line. The same shape as service-starts' stoppers (the static steps), so the
// generated docs show both in one table form; the database step needs a live DSN, so probes judge it.
import { z } from 'zod';

export function databaseStoppers<const T extends readonly [string, ...string[]]>(ids: T) {
  return z
    .array(
      z.strictObject({
        id: z.enum(ids),
        step: z.literal('database'),
        variables: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/)),
        reason: z.string().min(1),
        /** Upstream file:line in aatuh/recsys (api/...) or aatuh/api-toolkit (toolkit: ...). */
        upstream: z.array(z.string().regex(/:\d+(-\d+)?$/)).min(1),
      }),
    )
    .refine((list) => ids.every((id) => list.some((s) => s.id === id)), { message: `every stopper is described: ${ids.join(', ')}` })
    // The pack's rule file gives them; a user's rule using this probe without them gets the short form.
    .default([]);
}

export interface DatabaseStopper {
  id: string;
  step: 'database';
  variables: string[];
  reason: string;
  upstream: string[];
}

/** The message data every stopper message shares: `{{step}}`, `{{reason}}`, `{{upstream}}`. */
export function stopperData(stoppers: readonly DatabaseStopper[], id: string): { step: string; reason: string; upstream: string } {
  const s = stoppers.find((x) => x.id === id);
  if (!s) return { step: 'database', reason: id, upstream: 'api/cmd/recsys-service/main.go:64-77' };
  return { step: s.step, reason: s.reason, upstream: s.upstream.join(', ') };
}
