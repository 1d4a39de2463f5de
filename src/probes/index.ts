// The live probes by id; each loads only when a run asks for it (keep sorted, one per file).
import type { ProbeDefinition } from '../engine/define.js';

export const PROBES = {
  'backup-marker-fresh': () => import('./backup-marker-fresh.js'),
  'jwks-reachable': () => import('./jwks-reachable.js'),
  'migrations-applied': () => import('./migrations-applied.js'),
  readyz: () => import('./readyz.js'),
  'response-versions': () => import('./response-versions.js'),
} as const satisfies Record<string, () => Promise<{ default: ProbeDefinition<any> }>>;

export type ProbeId = keyof typeof PROBES;

export function isProbeId(id: string): id is ProbeId {
  return Object.hasOwn(PROBES, id);
}

export async function loadProbe(id: ProbeId): Promise<ProbeDefinition<any>> {
  return (await PROBES[id]()).default;
}
