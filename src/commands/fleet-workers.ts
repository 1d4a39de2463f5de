// Fleet mode on several cores: deployments go out in chunks to worker threads, each with its own copy of the pack
// and a bounded heap; the main thread only hands out chunks and writes what comes back, strictly in match order, so
// the output is the same as on one thread.
//
// Reports do not pile up in memory however large the fleet: a chunk goes out only while fewer than `window` chunks are judged or
// being judged but not yet written, so a slow chunk holds back at most that many finished ones, and the writer waits
// for the output to be taken (a pipe read slowly) before it takes the next. A chunk's reports cross as one UTF-8
// buffer that is moved, not copied, and moved back to its worker once written, so the worker encodes the next
// chunk into it: the main thread allocates nothing per deployment, and no written buffer waits in it for a
// garbage collection that a thread allocating so little seldom runs.
// First, before any module that builds a zod schema: a worker thread is a fresh instance of every module, zod's
// included, so it sets jitless itself as the program does on the main thread (see zod-jitless.ts). A worker
// validates the user's rule directories and config params, so it builds and parses schemas too.
import './zod-jitless.js';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CHUNK } from './fleet.js';
import { fleetEnv, judgeDeployment, type FleetRunSpec, type Judged } from './fleet-judge.js';
import { isUserError, UserError, type ProblemDetail, type UserErrorCode } from '../core/errors.js';

/**
 * Each worker's heap: a young generation of 8 MB (measured on 10,000 deployments: 4 MB cost a fifth more CPU in
 * garbage collection, 16 MB saved 5 % more time for 20 MiB more memory), and an old generation capped at 2 GB: far
 * above what a fleet of ordinary deployments needs, but room for the largest input a deployment may have (16 MiB of
 * YAML a file, a few hundred MB as a document), which the main thread would judge within its default heap too.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 2048 };

type Reply =
  /** `out`: the chunk's reports, a view at the start of a buffer the main thread gives back when written. */
  | { chunk: number; judged: Judged[]; out: Uint8Array }
  | { chunk: number; error: string }
  /** A usage error (a bad rule directory or baseline file): the run ends as it would on one thread. */
  | { chunk: number; userError: { code: UserErrorCode; message: string; details: ProblemDetail[] } };

export async function judgeInParallel(
  matches: string[],
  init: FleetRunSpec,
  workerCount: number,
  emit: (judged: readonly Judged[], out: Uint8Array) => Promise<void>,
): Promise<void> {
  const chunks: string[][] = [];
  for (let i = 0; i < matches.length; i += CHUNK) chunks.push(matches.slice(i, i + CHUNK));
  const window = workerCount * 2;
  const done = new Map<number, { from: Worker; judged: Judged[]; out: Uint8Array }>();
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
      else done.set(r.chunk, { from: w, judged: r.judged, out: r.out });
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
      const next = done.get(written);
      if (!next) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      done.delete(written);
      written += 1;
      dispatch();
      await emit(next.judged, next.out);
      // Written: the buffer goes back to the worker that filled it, for its next chunk.
      next.from.postMessage({ recycle: next.out.buffer }, [next.out.buffer as ArrayBuffer]);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** A chunk's reports as UTF-8 at the start of one buffer: a recycled one when it is large enough, else a new one. */
function encodeChunk(texts: readonly string[], pool: ArrayBuffer[], encoder: InstanceType<typeof TextEncoder>): Uint8Array {
  // UTF-8 takes at most three bytes per UTF-16 code unit.
  const most = texts.reduce((n, t) => n + t.length * 3, 0);
  const at = pool.findIndex((b) => b.byteLength >= most);
  const buffer = at >= 0 ? pool.splice(at, 1)[0]! : new ArrayBuffer(Math.max(most, 1024 * 1024));
  const out = new Uint8Array(buffer);
  let length = 0;
  for (const t of texts) length += encoder.encodeInto(t, out.subarray(length)).written;
  return out.subarray(0, length);
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const ready = fleetEnv(workerData as FleetRunSpec);
  const encoder = new TextEncoder();
  /** Buffers the main thread gave back; at most as many as chunks can be out at once. */
  const pool: ArrayBuffer[] = [];
  // Chunks are judged one after another, in the order they arrive.
  let queue = Promise.resolve();
  port.on('message', (msg: { chunk: number; matches: string[] } | { recycle: ArrayBuffer }) => {
    if ('recycle' in msg) {
      if (pool.length < 4) pool.push(msg.recycle);
      return;
    }
    queue = queue.then(async () => {
      try {
        const env = await ready;
        const judged: Judged[] = [];
        for (const m of msg.matches) judged.push(await judgeDeployment(m, env));
        const out = encodeChunk(
          judged.map((j) => j.out),
          pool,
          encoder,
        );
        port.postMessage(
          { chunk: msg.chunk, judged: judged.map((j) => ({ ...j, out: '' })), out } satisfies Reply,
          [out.buffer as ArrayBuffer],
        );
      } catch (e) {
        if (isUserError(e)) port.postMessage({ chunk: msg.chunk, userError: { code: e.code, message: e.message, details: e.details } } satisfies Reply);
        else port.postMessage({ chunk: msg.chunk, error: (e as Error)?.stack ?? String(e) } satisfies Reply);
      }
    });
  });
}
