// Fleet mode on several cores: deployments go out in chunks to worker threads, each with its own copy of the pack
// and a bounded heap; the main thread only hands out chunks and writes what comes back, strictly in match order, so
// the output is the same as on one thread.
//
// Memory stays flat however large the fleet: a chunk goes out only while fewer than WINDOW chunks are judged or
// being judged but not yet written, so a slow chunk holds back at most that many finished ones, and the writer waits
// for the output to drain (a pipe read slowly) before it takes the next.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CHUNK, fleetEnv, judgeDeployment, type FleetOptions, type Judged } from './fleet.js';
import type { RunConfig } from '../core/config-types.js';
import { isUserError, UserError, type ProblemDetail, type UserErrorCode } from '../core/errors.js';
import type { FormatName } from '../reporters/index.js';

/**
 * Each worker's heap: a small young generation (the garbage of one deployment dies young; a larger nursery only
 * holds more of it), an old generation capped far above what a fleet needs but below what could take the machine.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 512 };

export interface WorkerInit {
  opts: FleetOptions;
  config: RunConfig;
  formats: FormatName[];
  outDir: string | undefined;
  colorLevel: 0 | 1;
  /** The run's `now`, so every deployment is judged as of the same instant on any thread. */
  now: number;
}

type Reply =
  | { chunk: number; judged: Judged[] }
  | { chunk: number; error: string }
  /** A usage error (a bad rule directory or baseline file): the run ends as it would on one thread. */
  | { chunk: number; userError: { code: UserErrorCode; message: string; details: ProblemDetail[] } };

export async function judgeInParallel(matches: string[], init: WorkerInit, workerCount: number, emit: (j: Judged) => Promise<void>): Promise<void> {
  const chunks: string[][] = [];
  for (let i = 0; i < matches.length; i += CHUNK) chunks.push(matches.slice(i, i + CHUNK));
  const window = workerCount * 2;
  const done = new Map<number, Judged[]>();
  let dispatched = 0;
  let written = 0;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const workers = Array.from({ length: workerCount }, () => new Worker(new URL(import.meta.url), { workerData: init, resourceLimits: RESOURCE_LIMITS }));
  const busy = new Map<Worker, number>(workers.map((w) => [w, 0]));
  const dispatch = (): void => {
    // Hand chunks to the least busy workers while the window of unwritten chunks has room.
    while (!failed && dispatched < chunks.length && dispatched - written < window) {
      const w = [...busy].sort((a, b) => a[1] - b[1])[0]![0];
      busy.set(w, busy.get(w)! + 1);
      w.postMessage({ chunk: dispatched, matches: chunks[dispatched] });
      dispatched += 1;
    }
  };
  for (const w of workers) {
    w.on('message', (r: Reply) => {
      busy.set(w, busy.get(w)! - 1);
      if ('error' in r) failed ??= new Error(r.error);
      else if ('userError' in r) failed ??= new UserError(r.userError.code, r.userError.message, r.userError.details);
      else done.set(r.chunk, r.judged);
      notify();
    });
    w.on('error', (e) => {
      failed ??= e;
      notify();
    });
    // A worker that ends with chunks outstanding would otherwise leave the fleet waiting forever.
    w.on('exit', (code) => {
      const outstanding = busy.get(w) ?? 0;
      if (outstanding > 0) failed ??= new Error(`fleet worker exited (code ${code}) with ${outstanding} chunk(s) unjudged`);
      notify();
    });
  }
  try {
    dispatch();
    while (written < chunks.length) {
      if (failed) throw failed;
      const judged = done.get(written);
      if (!judged) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      done.delete(written);
      written += 1;
      dispatch();
      for (const j of judged) await emit(j);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const ready = fleetEnv(init.opts, init.config, init.formats, init.outDir, init.colorLevel, new Date(init.now));
  const encoder = new TextEncoder();
  // Chunks are judged one after another, in the order they arrive.
  let queue = Promise.resolve();
  port.on('message', (msg: { chunk: number; matches: string[] }) => {
    queue = queue.then(async () => {
      try {
        const env = await ready;
        const judged: Judged[] = [];
        for (const m of msg.matches) {
          // Encoded here, in parallel, and moved to the main thread without a copy: a fleet's reports are most of
          // what crosses, and as strings they would be copied into the main thread's heap and encoded there again.
          const j = await judgeDeployment(m, env);
          judged.push(j.out ? { ...j, out: '', bytes: encoder.encode(j.out) } : j);
        }
        port.postMessage({ chunk: msg.chunk, judged } satisfies Reply, judged.flatMap((j) => (j.bytes ? [j.bytes.buffer as ArrayBuffer] : [])));
      } catch (e) {
        if (isUserError(e)) port.postMessage({ chunk: msg.chunk, userError: { code: e.code, message: e.message, details: e.details } } satisfies Reply);
        else port.postMessage({ chunk: msg.chunk, error: (e as Error)?.stack ?? String(e) } satisfies Reply);
      }
    });
  });
}
