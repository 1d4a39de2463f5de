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
import { errorJudged, fleetEnv, judgeDeployment, type FleetRunSpec, type Judged } from './fleet-judge.js';
import { isUserError, UserError, type ProblemDetail, type UserErrorCode } from '../core/errors.js';

/**
 * Each worker's heap: a young generation of 8 MB (measured on 10,000 deployments: 4 MB cost a fifth more CPU in
 * garbage collection, 16 MB saved 5 % more time for 20 MiB more memory), and an old generation capped at 512 MB.
 * The cap also sets how lazily V8 collects it: with a 2 GB cap V8 let a worker's old generation fill with
 * four times its live data (10 → 40 MB) before its first full collection, with 512 MB it collects at about twice
 * (peak RSS of two workers on 10,000 deployments 222 → 179 MiB, BENCHMARKS.md). 512 MB holds the largest ordinary
 * input (16 MiB of YAML in block style); a deployment that needs more is judged again alone, below.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 512 };
/**
 * A deployment whose judging outgrew a worker's heap is judged again on a worker of its own with this much, which
 * is what one thread's default heap gives on a machine like BENCHMARKS.md's (16 MiB of YAML written as small flow
 * collections takes gigabytes in the YAML library). One that outgrows this too is that deployment's error, not the
 * fleet's: the other deployments are still judged and reported.
 */
export const ALONE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 4096 };

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
  /** The workers' heaps (tests make them small enough for a small input to outgrow). */
  limits: { worker: typeof WORKER_LIMITS; alone: typeof ALONE_LIMITS } = { worker: WORKER_LIMITS, alone: ALONE_LIMITS },
): Promise<void> {
  const chunks: string[][] = [];
  for (let i = 0; i < matches.length; i += CHUNK) chunks.push(matches.slice(i, i + CHUNK));
  const window = workerCount * 2;
  /** Judged chunks not yet written; `from` gets the buffer back once it is (none when judged alone). */
  const done = new Map<number, { from?: Worker; judged: Judged[]; out: Uint8Array }>();
  let dispatched = 0;
  let written = 0;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  /** Chunks judged again on the larger heap, one after another. */
  let alone: Promise<unknown> = Promise.resolve();
  /** Each live worker's chunks out for judging, in the order it takes them. */
  const assigned = new Map<Worker, number[]>();
  const started: Worker[] = [];
  const startWorker = (): Worker => {
    const w = judgeThread(init, limits.worker);
    started.push(w);
    assigned.set(w, []);
    w.on('message', (r: Reply) => {
      const mine = assigned.get(w);
      if (mine) mine.splice(mine.indexOf(r.chunk), 1);
      const failure = failureOf(r);
      if (failure) failed ??= failure;
      else if ('judged' in r) done.set(r.chunk, { from: w, judged: r.judged, out: r.out });
      notify();
    });
    w.on('error', (e: Error & { code?: string }) => {
      const lost = assigned.get(w) ?? [];
      assigned.delete(w);
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY' && !failed) {
        // A deployment outgrew the worker's heap: a fresh worker takes its place, and the chunks it held are
        // judged again one deployment at a time, each on a worker with the larger heap.
        startWorker();
        for (const chunk of lost) {
          // One at a time: each may take the larger heap.
          const job = alone.then(() => judgeChunkAlone(chunks[chunk]!, init, limits.alone, (w) => started.push(w)));
          alone = job.catch(() => undefined);
          job.then(
            (r) => {
              done.set(chunk, r);
              notify();
            },
            (err: Error) => {
              failed ??= err;
              notify();
            },
          );
        }
        dispatch();
      } else failed ??= e;
      notify();
    });
    // A worker that ends with chunks outstanding would otherwise leave the fleet waiting forever.
    w.on('exit', (code) => {
      const outstanding = assigned.get(w)?.length ?? 0;
      assigned.delete(w);
      if (outstanding > 0) failed ??= new Error(`fleet worker exited (code ${code}) with ${outstanding} chunk(s) unjudged`);
      notify();
    });
    return w;
  };
  const dispatch = (): void => {
    // Hand chunks to the least busy workers while the window of unwritten chunks has room.
    while (!failed && dispatched < chunks.length && dispatched - written < window) {
      const [w, mine] = [...assigned].sort((a, b) => a[1].length - b[1].length)[0]!;
      mine.push(dispatched);
      w.postMessage({ chunk: dispatched, matches: chunks[dispatched] });
      dispatched += 1;
    }
  };
  for (let i = 0; i < workerCount; i += 1) startWorker();
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
      if (next.from && assigned.has(next.from)) next.from.postMessage({ recycle: next.out.buffer }, [next.out.buffer as ArrayBuffer]);
    }
  } finally {
    await Promise.all(started.map((w) => w.terminate()));
  }
}

/** A worker thread running this module's judging loop, with its own copy of the pack and a bounded heap. */
function judgeThread(init: FleetRunSpec, resourceLimits: typeof WORKER_LIMITS): Worker {
  return new Worker(new URL(import.meta.url), { workerData: init, resourceLimits });
}

/** What a worker's reply says went wrong (an internal error, or a usage error to end the run with), if anything. */
function failureOf(r: Reply): Error | undefined {
  if ('error' in r) return new Error(r.error);
  if ('userError' in r) return new UserError(r.userError.code, r.userError.message, r.userError.details);
  return undefined;
}

/**
 * A chunk judged one deployment at a time on a worker with the larger heap, in order; a deployment that outgrows
 * even that is an error row of its own (and a new worker takes the rest).
 */
async function judgeChunkAlone(
  matches: readonly string[],
  init: FleetRunSpec,
  resourceLimits: typeof ALONE_LIMITS,
  /** Each worker started, so that a run that ends early (another chunk failed) stops it too. */
  track: (w: Worker) => void,
): Promise<{ judged: Judged[]; out: Uint8Array }> {
  const judged: Judged[] = [];
  const outs: Uint8Array[] = [];
  let worker: Worker | undefined;
  try {
    for (const match of matches) {
      if (!worker) {
        worker = judgeThread(init, resourceLimits);
        track(worker);
      }
      const w = worker;
      const r = await new Promise<Reply | 'out-of-memory'>((resolve, reject) => {
        const settle = () => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        };
        const onMessage = (reply: Reply) => {
          settle();
          resolve(reply);
        };
        const onError = (e: Error & { code?: string }) => {
          settle();
          if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') resolve('out-of-memory');
          else reject(e);
        };
        const onExit = (code: number) => {
          settle();
          reject(new Error(`fleet worker exited (code ${code}) while judging ${match}`));
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        w.postMessage({ chunk: 0, matches: [match] });
      });
      if (r === 'out-of-memory') {
        worker = undefined;
        const e = new UserError(
          'input-too-complex',
          `${match}: judging this deployment needed more than ${resourceLimits.maxOldGenerationSizeMb} MB of memory; its files are too large or too finely nested to judge (split them, or write YAML in block style)`,
        );
        judged.push(errorJudged(match, e));
        continue;
      }
      const failure = failureOf(r);
      if (failure) throw failure;
      if ('judged' in r) judged.push(...r.judged);
      if ('out' in r) outs.push(r.out);
    }
  } finally {
    await worker?.terminate();
  }
  return { judged, out: Buffer.concat(outs) };
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
