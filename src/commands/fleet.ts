// Fleet mode: `check --each GLOB` audits every matched deployment in one process. Rules are loaded once per thread;
// each deployment is read, judged, reported and dropped, and the next is judged only once its report was taken, so
// no report is kept however large the fleet.
import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { Chalk } from 'chalk';
import { glob } from 'tinyglobby';
import { defaultConfig, type RunConfig } from '../core/config-types.js';
import { UserError } from '../core/errors.js';
import { parseShard, selectShard } from '../engine/shard.js';
import { renderBaseline, type BaselineEntry } from '../engine/findings-baseline.js';
import type { FormatName } from '../reporters/index.js';
import { summaryTable } from '../reporters/fleet/text.js';
import { makeOutputDir, writeOutputFile, writeStdout } from '../reporters/lib/output-file.js';
import type { FleetRunSpec, Judged, Row } from './fleet-judge.js';
import type { CheckOptions } from './flags.js';
import { reportFileBases } from './fleet-names.js';
import { createProgress } from './progress.js';
import { resolveReportOptions } from './report-options.js';

export interface FleetOptions extends CheckOptions {
  each: string;
  /** `--jobs N`: threads that judge (default: one per core, up to 4, for fleets of 4,000 deployments or more). */
  jobs?: string;
  /** `I/N`: judge only this job's share of the matches (src/engine/shard.ts). */
  shard?: string;
}

/** Deployments per message to a worker: enough to make the message's cost small beside judging them, few enough to spread evenly. */
export const CHUNK = 16;
/**
 * Below this many deployments the workers' start-up (the modules and the pack loaded again, the code warmed up
 * again: about half a second of CPU each) costs more than they save. On the 2-core machine of BENCHMARKS.md one
 * thread already keeps the second core partly busy (garbage collection, compilation), so two workers lost to one
 * thread at 1,000 and 2,000 deployments and won 1.1x at 5,000 and 1.4x at 10,000.
 */
export const MIN_PARALLEL_DEPLOYMENTS = 4000;
/** Past this many threads the output writer and the memory budget, not the cores, limit the run. */
const MAX_JOBS = 4;

/**
 * How many threads judge: `--jobs N` (1 = the main thread alone), else one per core when the fleet is large enough
 * to pay for their start-up. With more than one, N worker threads judge and the main thread writes.
 */
export function fleetJobs(jobs: string | undefined, deployments: number, cores: number): number {
  if (jobs !== undefined) {
    if (!/^\d+$/.test(jobs.trim()) || Number(jobs) < 1 || Number(jobs) > 64) {
      throw new UserError('invalid-option', `--jobs must be a whole number from 1 to 64, got ${JSON.stringify(jobs.slice(0, 40))}`);
    }
    return Math.min(Number(jobs), Math.max(1, Math.ceil(deployments / CHUNK)));
  }
  if (deployments < MIN_PARALLEL_DEPLOYMENTS) return 1;
  return Math.max(1, Math.min(cores, MAX_JOBS));
}

export async function runFleet(opts: FleetOptions, config: RunConfig = defaultConfig()): Promise<number> {
  const matches = (await glob(opts.each, { onlyFiles: false, expandDirectories: false, dot: false, absolute: isAbsolute(opts.each) }))
    .map((m) => m.replace(/\/$/, ''))
    .sort();
  if (matches.length === 0) throw new UserError('missing-input', `--each '${opts.each}' matched nothing`);
  // --shard I/N: this CI job's share, chosen by a hash of each path (src/engine/shard.ts); may be empty.
  const shard = opts.shard !== undefined ? parseShard(opts.shard) : undefined;
  const mine = shard ? selectShard(matches, shard, resolveReportOptions(opts).root) : matches;
  const formats = (opts.format.length > 0 ? opts.format : ['text']) as FormatName[];
  const outDir = opts.output[0];
  if (opts.output.length > 1) throw new UserError('invalid-option', 'with --each, --output names one directory for every report');
  if (!outDir && formats.some((f) => f !== 'text' && f !== 'json')) {
    throw new UserError('invalid-option', `with --each, ${formats.join(', ')} need --output <directory> (one file per deployment)`);
  }
  if (!outDir && formats.length > 1) throw new UserError('invalid-option', 'with --each and no --output, give one --format (text or json)');
  if (outDir) await makeOutputDir(outDir);

  const colorLevel = !outDir && opts.color !== false && process.stdout.isTTY ? 1 : 0;
  const now = new Date();
  const c = new Chalk({ level: colorLevel });
  const rows: Row[] = [];
  const baseline: BaselineEntry[] = [];
  const progress = createProgress(mine.length, process.stderr, process.env);
  /** A run of judged deployments in match order, with what goes to stdout for them (as text, or encoded by a worker). */
  const emit = async (judged: readonly Judged[], out: string | Uint8Array): Promise<void> => {
    for (const j of judged) {
      rows.push(j.row);
      if (j.baseline) baseline.push(...j.baseline);
    }
    progress.clear();
    await writeStdout(out);
    for (const j of judged) progress.tick(j.row.deployment);
  };
  const asked = fleetJobs(opts.jobs, mine.length, availableParallelism());
  // Workers only from the built JavaScript: the worker is a .js module beside this one (tests also run the sources).
  const jobs = import.meta.url.endsWith('.js') ? asked : 1;
  const spec: FleetRunSpec = { opts, config, formats, outDir, colorLevel, now: now.getTime(), ...(outDir ? { fileBases: reportFileBases(mine) } : {}) };
  if (jobs > 1) {
    const { judgeInParallel } = await import('./fleet-workers.js');
    await judgeInParallel(mine, spec, jobs, emit);
  } else {
    // One thread: the pack is loaded here. (With workers the main thread never loads it: each worker loads its own,
    // and reports a bad rule directory or baseline file as the same usage error.)
    const { fleetEnv, judgeDeployment } = await import('./fleet-judge.js');
    const env = await fleetEnv(spec);
    for (const match of mine) {
      const judged = await judgeDeployment(match, env);
      await emit([judged], judged.out);
    }
  }

  progress.done();
  if (opts.writeBaseline !== undefined) await writeOutputFile(opts.writeBaseline, renderBaseline(baseline), '--write-baseline');
  if (formats.includes('json') && !outDir) {
    // The shard is named on the summary line, so `prodready merge` can tell a missing shard.
    process.stdout.write(`${JSON.stringify({ summary: rows, ...(shard ? { shard } : {}) })}\n`);
  } else {
    const table = summaryTable(rows, c);
    process.stdout.write(table);
    if (outDir) await writeOutputFile(join(outDir, 'summary.txt'), summaryTable(rows, new Chalk({ level: 0 })));
  }
  if (rows.some((r) => r.verdict === 'error')) return 2;
  return rows.some((r) => r.verdict === 'not-ready') ? 1 : 0;
}


