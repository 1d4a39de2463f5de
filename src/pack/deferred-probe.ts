// A probe rule of the built-in pack without its implementation: a static check needs only what the probe says
// about itself (its id, what it needs, its messages) and the rule's params, and both are in the build's pack cache
// (dist/pack.json). The implementation (HTTP and PostgreSQL helpers, the load judge and its importers) is loaded
// the first time the probe must run or its params schema is needed.
import type { ProbeDefinition, ProbeMeta } from '../core/define.js';

/** A probe's meta without its params schema: what the pack cache stores for each probe template. */
export type ProbeMetaData = Omit<ProbeMeta<never>, 'params'>;

type Load = () => Promise<{ default: ProbeDefinition }>;

const deferred = new WeakMap<ProbeDefinition, () => Promise<ProbeDefinition>>();

export function deferProbe(meta: ProbeMetaData, load: Load): ProbeDefinition {
  let real: Promise<ProbeDefinition> | undefined;
  const implementation = (): Promise<ProbeDefinition> => (real ??= load().then((m) => m.default));
  const def: ProbeDefinition = {
    meta: {
      ...meta,
      // Whoever needs the schema awaits probeImplementation() first; reaching this is a bug, not a user's mistake.
      get params(): never {
        throw new Error(`probe ${meta.id}: its params schema is not loaded (await probeImplementation first)`);
      },
    },
    run: async (ctx, params) => (await implementation()).run(ctx, params),
  };
  deferred.set(def, implementation);
  return def;
}

/** The probe itself: the given one, or the implementation behind a deferred one, loaded once. */
export async function probeImplementation(def: ProbeDefinition): Promise<ProbeDefinition> {
  const load = deferred.get(def);
  return load ? load() : def;
}
