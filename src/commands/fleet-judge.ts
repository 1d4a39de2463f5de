// Judging one deployment of a fleet: what the main thread does when it judges alone, and what each worker thread
// does (src/commands/fleet-workers.ts). Kept apart from the fleet's orchestration (fleet.ts) so that, when workers
// judge, the main thread loads neither the engine nor the pack.
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Chalk } from 'chalk';
import type { RunConfig } from '../core/config-types.js';
import { isUserError, type UserError } from '../core/errors.js';
import { SECTIONS, type RunResult, type UnitMeta } from '../core/types.js';
import { judge, loadRunPack } from '../engine/run.js';
import type { GovernanceMemo } from '../engine/governance.js';
import { baselineEntries, BASELINE_META, readFindingsBaseline, type BaselineEntry, type FindingsBaseline } from '../engine/findings-baseline.js';
import { SUPPRESSION_META } from '../engine/suppressions.js';
import { unitMetas, type Pack } from '../pack/pack.js';
import { loadReporter, type FormatName } from '../reporters/index.js';
import { fleetRecord } from '../reporters/fleet/record.js';
import { compactText } from '../reporters/fleet/text.js';
import type { FleetRow } from '../reporters/fleet/types.js';
import { writeOutputFile } from '../reporters/lib/output-file.js';
import { VERSION } from '../version.js';
import type { FleetOptions } from './fleet.js';
import { judgeInputs } from './flags.js';
import { slug } from './fleet-names.js';
import { resolveReportOptions, type ReportOptions } from './report-options.js';

const EXTENSIONS: Partial<Record<FormatName, string>> = {
  json: 'json',
  sarif: 'sarif',
  junit: 'xml',
  markdown: 'md',
  html: 'html',
  text: 'txt',
  // Not txt: with --format text too, one would silently replace the other. One word, so that no deployment's
  // name can make another's file name (`x.github` + `.txt` would be `x` + `.github.txt`).
  github: 'github',
};

interface Deployment {
  name: string;
  values: string[];
  env: string[];
  manifests: string[];
}

/** One deployment's summary row: the same shape `prodready merge` reads back from the JSON Lines. */
export type Row = FleetRow;

/** A folder is one deployment: values*.yaml are Helm values, *.env env files, other YAML rendered manifests. */
async function deploymentOf(path: string): Promise<Deployment> {
  const st = statSync(path);
  if (!st.isDirectory()) {
    return extname(path) === '.env'
      ? { name: path, values: [], env: [path], manifests: [] }
      : { name: path, values: [path], env: [], manifests: [] };
  }
  const names = (await readdir(path)).sort();
  const d: Deployment = { name: path, values: [], env: [], manifests: [] };
  for (const n of names) {
    const full = join(path, n);
    if (n.endsWith('.env') || n === '.env') d.env.push(full);
    else if (/^values.*\.ya?ml$/.test(n)) d.values.push(full);
    else if (/\.ya?ml$/.test(n) && !n.startsWith('.prodready')) d.manifests.push(full);
  }
  return d;
}

/** What judging one deployment needs; built once per thread (the main one and each worker). */
export interface FleetEnv {
  opts: FleetOptions;
  config: RunConfig;
  formats: FormatName[];
  outDir: string | undefined;
  colorLevel: 0 | 1;
  /** Loaded once per thread and shared by every deployment it judges. */
  pack: Pack;
  units: UnitMeta[];
  reporters: Map<FormatName, Awaited<ReturnType<typeof loadReporter>>>;
  report: ReportOptions;
  /** `--baseline-findings`, read once per thread; entries name their deployment. */
  findingsBaseline?: FindingsBaseline;
  /** One instant for the whole run, on every thread: every deployment is judged as of the same time. */
  now: Date;
  /** The attestations file and the attestable items' results, computed once per thread. */
  governanceMemo: GovernanceMemo;
  /** With --output: each deployment's report file name. */
  fileBases?: Map<string, string>;
}

export interface Judged {
  row: Row;
  /** What goes to stdout for this deployment (reports written to --output are already on disk). */
  out: string;
  /** With --write-baseline: this deployment's entries. */
  baseline?: BaselineEntry[];
}

/**
 * What a fleet run is, the same for every thread: plain data, so a worker gets it as it is (workerData).
 * `now` is the run's instant (ms), so every deployment is judged as of the same time on any thread.
 */
export interface FleetRunSpec {
  opts: FleetOptions;
  config: RunConfig;
  formats: FormatName[];
  outDir: string | undefined;
  colorLevel: 0 | 1;
  now: number;
  /** With --output: each deployment's report file name, unique across the run (reportFileBases). */
  fileBases?: Map<string, string>;
}

export async function fleetEnv(spec: FleetRunSpec): Promise<FleetEnv> {
  const { opts, config, formats, outDir, colorLevel } = spec;
  const pack = await loadRunPack(config, opts.rules);
  const reporters = new Map<FormatName, Awaited<ReturnType<typeof loadReporter>>>();
  for (const f of formats) reporters.set(f, await loadReporter(f));
  const findingsBaseline = opts.baselineFindings !== undefined ? await readFindingsBaseline(opts.baselineFindings) : undefined;
  return {
    opts,
    config,
    formats,
    outDir,
    colorLevel,
    pack,
    units: [...unitMetas(pack.rules), SUPPRESSION_META, ...(findingsBaseline ? [BASELINE_META] : [])],
    reporters,
    report: resolveReportOptions(opts),
    ...(findingsBaseline ? { findingsBaseline } : {}),
    now: new Date(spec.now),
    governanceMemo: {},
    ...(spec.fileBases ? { fileBases: spec.fileBases } : {}),
  };
}

/** A deployment that could not be judged: its error row, and nothing for stdout. */
export function errorJudged(deployment: string, e: UserError): Judged {
  return { row: { deployment, verdict: 'error', failuresBySection: [], fatal: 0, error: e.format() }, out: '' };
}

export async function judgeDeployment(match: string, env: FleetEnv): Promise<Judged> {
  const { opts, config, pack, units, reporters, outDir } = env;
  const d = await deploymentOf(match);
  let result: RunResult;
  const roots = { root: env.report.root, cwd: process.cwd() };
  try {
    ({ result } = await judge(
      {
        ...judgeInputs({ ...opts, values: [...opts.values, ...d.values], env: [...opts.env, ...d.env], manifests: [...opts.manifests, ...d.manifests] }, config),
        deployment: d.name,
        now: env.now,
        governanceMemo: env.governanceMemo,
        ...(env.findingsBaseline ? { findingsBaseline: { baseline: env.findingsBaseline, roots } } : {}),
      },
      pack,
    ));
  } catch (e) {
    if (!isUserError(e)) throw e;
    return errorJudged(d.name, e);
  }
  const row: Row = {
    deployment: d.name,
    verdict: result.summary.verdict,
    failuresBySection: SECTIONS.map((s) => result.summary.sections[s]!.counts.fail + result.summary.sections[s]!.counts.warn),
    fatal: result.summary.fatal,
  };
  const ctx = { units, toolVersion: VERSION, cwd: process.cwd(), color: false, verbose: opts.verbose === true, ...(opts.quiet ? { quiet: true } : {}), ...env.report };
  let out = '';
  for (const [format, reporter] of reporters) {
    if (outDir) {
      await writeOutputFile(join(outDir, `${env.fileBases?.get(match) ?? slug(d.name)}.${EXTENSIONS[format] ?? 'txt'}`), reporter(result, ctx));
    } else if (format === 'json') {
      // One deployment per line (JSON Lines), so a consumer can stream a large fleet.
      out += fleetRecord(result);
    } else {
      out += compactText(result, new Chalk({ level: env.colorLevel }));
    }
  }
  return { row, out, ...(opts.writeBaseline !== undefined ? { baseline: baselineEntries(result, roots) } : {}) };
}

