// The bridge from the CLI to the probe runner: one I/O set per run, the rules' probes run
// concurrently, per-unit config params merged over each rule's own.
import type { Collected } from './collector.js';
import type { RunConfig } from '../core/config-types.js';
import type { ProbeDefinition, ProbeTarget } from '../core/define.js';
import { createProbeIO, runProbes, type ProbeRun } from './probe-runner.js';
import { probeImplementation } from '../pack/deferred-probe.js';
import type { DeploymentModel } from '../core/model.js';
import type { LoadFigures } from '../core/types.js';

/** What the engine hands over for a probe rule (structurally, a loaded rule). */
export interface ProbeRule {
  rule: { id: string };
  probe?: ProbeDefinition<any>;
  params?: unknown;
}

export interface LiveProbeOptions {
  target: ProbeTarget;
  model: DeploymentModel;
  config: RunConfig;
  /** Ctrl-C or a whole-run deadline. */
  signal?: AbortSignal;
  now?: () => Date;
  /** Upper bound for any single connect/headers/body wait, ms (each probe also has its own deadline). */
  ioTimeoutMs?: number;
  recordLoad?: (result: LoadFigures) => void;
}

export interface LiveProbes {
  /** Runs the probes of these rules; results keyed by rule id. */
  run(rules: readonly ProbeRule[]): Promise<Map<string, Collected>>;
  /** Closes sockets and database clients; call once the run is over. */
  close(): Promise<void>;
}

export function createLiveProbes(options: LiveProbeOptions): LiveProbes {
  const io = createProbeIO({ caPem: options.target.caPem, timeoutMs: options.ioTimeoutMs ?? 10_000 });
  return {
    run: async (rules) => {
      const list: ProbeRun[] = await Promise.all(
        rules.map(async (r) => {
          if (!r.probe) throw new Error(`rule ${r.rule.id} has no probe`);
          // The config's params are already merged over the rule's and validated once, when the pack was configured.
          // A built-in probe's implementation is loaded here, the first time it runs (src/pack/deferred-probe.ts).
          return { id: r.rule.id, def: await probeImplementation(r.probe), params: r.params };
        }),
      );
      return runProbes(list, {
        target: options.target,
        model: options.model,
        config: options.config,
        dispatcher: io.dispatcher,
        pg: io.pg,
        now: options.now ?? (() => new Date()),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.recordLoad ? { recordLoad: options.recordLoad } : {}),
      });
    },
    close: () => io.close(),
  };
}
