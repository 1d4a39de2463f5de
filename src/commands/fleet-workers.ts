// Fleet mode on several cores: deployments go out in chunks to worker threads (each with its own copy of the pack)
// while the main thread judges chunks too; results are emitted strictly in match order, so the output is the same
// as on one thread.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fleetEnv, judgeDeployment, type FleetEnv, type FleetOptions, type Judged } from './fleet.js';
import type { RunConfig } from '../core/config-types.js';
import type { FormatName } from '../reporters/index.js';

const CHUNK = 25;

interface WorkerInit {
  opts: FleetOptions;
  config: RunConfig;
  formats: FormatName[];
  outDir: string | undefined;
  colorLevel: 0 | 1;
  /** The main thread's `now`, so a deployment is judged as of the same instant on any thread. */
  now: number;
}

type Reply = { chunk: number; judged: Judged[] } | { chunk: number; error: string };

export async function judgeInParallel(matches: string[], env: FleetEnv, workerCount: number, emit: (j: Judged) => void): Promise<void> {
  const chunks: string[][] = [];
  for (let i = 0; i < matches.length; i += CHUNK) chunks.push(matches.slice(i, i + CHUNK));
  const threads = workerCount + 1;
  const done = new Map<number, Judged[]>();
  let next = 0;
  const flush = (): void => {
    while (done.has(next)) {
      for (const j of done.get(next)!) emit(j);
      done.delete(next);
      next += 1;
    }
  };
  const init: WorkerInit = { opts: env.opts, config: env.config, formats: env.formats, outDir: env.outDir, colorLevel: env.colorLevel, now: env.now.getTime() };
  const workers = Array.from({ length: workerCount }, () => new Worker(new URL(import.meta.url), { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 8 } }));
  let failed: Error | undefined;
  const pending = workers.map(
    (w, k) =>
      new Promise<void>((resolve) => {
        let outstanding = 0;
        w.on('message', (r: Reply) => {
          outstanding -= 1;
          if ('error' in r) failed ??= new Error(r.error);
          else done.set(r.chunk, r.judged);
          if (outstanding === 0) resolve();
        });
        w.on('error', (e) => {
          failed ??= e;
          resolve();
        });
        // A worker that ends with chunks outstanding would otherwise leave the fleet waiting forever.
        w.on('exit', (code) => {
          if (outstanding > 0) failed ??= new Error(`fleet worker exited (code ${code}) with ${outstanding} chunk(s) unjudged`);
          resolve();
        });
        // Worker k takes chunks k+1, k+1+threads, ...; the main thread takes 0, threads, 2*threads, ...
        for (let c = k + 1; c < chunks.length; c += threads) {
          outstanding += 1;
          w.postMessage({ chunk: c, matches: chunks[c] });
        }
        if (outstanding === 0) resolve();
      }),
  );
  try {
    for (let c = 0; c < chunks.length && !failed; c += threads) {
      const judged: Judged[] = [];
      for (const m of chunks[c]!) judged.push(await judgeDeployment(m, env));
      done.set(c, judged);
      flush();
      // Let the workers' replies in between chunks, so their output streams out as it comes.
      await new Promise((r) => setImmediate(r));
      flush();
    }
    await Promise.all(pending);
    if (failed) throw failed;
    flush();
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const ready = fleetEnv(init.opts, init.config, init.formats, init.outDir, init.colorLevel, new Date(init.now));
  port.on('message', async (msg: { chunk: number; matches: string[] }) => {
    try {
      const env = await ready;
      const judged: Judged[] = [];
      for (const m of msg.matches) judged.push(await judgeDeployment(m, env));
      port.postMessage({ chunk: msg.chunk, judged } satisfies Reply);
    } catch (e) {
      port.postMessage({ chunk: msg.chunk, error: (e as Error)?.stack ?? String(e) } satisfies Reply);
    }
  });
}
