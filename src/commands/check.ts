import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeOutputFile } from './output-file.js';
import type { Command } from 'commander';
import { loadConfig } from '../engine/config.js';
import { defaultConfig, type RunConfig } from '../engine/config-types.js';
import { governCheck } from '../engine/governance.js';
import { UserError } from '../engine/errors.js';
import { anchorLiveFindings } from '../engine/anchor.js';
import { evaluate, type ProbeExecutor } from '../engine/evaluate.js';
import type { LoadedRule } from '../engine/load-rules.js';
import { buildRunResult, exitCodeFor } from '../engine/result.js';
import { applySuppressions, SUPPRESSION_META, type SuppressionOptions } from '../engine/suppressions.js';
import { applyFindingsBaseline, BASELINE_META, baselineEntries, readFindingsBaseline, renderBaseline, type FindingsBaseline } from '../engine/findings-baseline.js';
import { applyMaxWarnings } from '../engine/max-warnings.js';
import type { Roots } from '../core/fingerprint.js';
import type { InputDescription, RunResult, Severity } from '../engine/types.js';
import { buildModel } from '../model/build.js';
import type { DeploymentModel } from '../model/types.js';
import { loadReporter, type FormatName } from '../reporters/index.js';
import { pairFormatsWithOutputs } from '../reporters/output-pairs.js';
import { PIPE_DEADLINE_MS, readInput } from '../sources/read-file.js';
import { didYouMean } from '../util/did-you-mean.js';
import { VERSION } from '../version.js';
import { loadPack, unitMetas } from './pack.js';
import { createLiveSession, type LiveOptions } from './live.js';
import { addTargetOptions } from './target-options.js';
import { addReportOptions, resolveReportOptions, type ReportOptions } from './report-options.js';

export interface CheckOptions {
  env: string[];
  values: string[];
  manifests: string[];
  format: string[];
  output: string[];
  failOn: string;
  environment?: string;
  only?: string[];
  skip?: string[];
  rules: string[];
  chartDefaults: boolean;
  color?: boolean;
  verbose?: boolean;
  /** Config file; without it the nearest .prodready.yaml above the working directory is used. */
  config?: string;
  /** Attestations file; without it prodready.attestations.yaml in the working directory, when present. */
  attestations?: string;
  /** `probe` judges the live target alone: no deployment files needed. */
  allowNoInputs?: boolean;
  /** Flags that name a live input themselves (a live finding then points at the first input file). */
  jwksUrl?: string;
  issuer?: string;
  /** Report options: file URIs relative to this folder, SARIF category, docs base URL. */
  root?: string;
  sarifCategory?: string;
  docsUrl?: string;
  /** Adoption: record the failing findings (`--write-baseline`), accept those recorded (`--baseline-findings`). */
  writeBaseline?: string;
  baselineFindings?: string;
  /** More warning findings than this make the run not ready (`--max-warnings`). */
  maxWarnings?: string;
  /** Text and Markdown show only what fails the gate, and the verdict. */
  quiet?: boolean;
  /** Seconds a pipe or FIFO given as an input may stay silent (default 30). */
  inputTimeout?: string;
}

/** `--input-timeout` in ms: a positive number of seconds, at most an hour. */
function inputTimeoutMs(raw: string | undefined): number {
  if (raw === undefined) return PIPE_DEADLINE_MS;
  const s = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(s > 0) || s > 3600) {
    throw new UserError('invalid-option', `--input-timeout must be a number of seconds between 0 and 3600, got ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return s * 1000;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

export function parseMaxWarnings(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isInteger(n) || n < 0) throw new UserError('invalid-option', `--max-warnings must be a whole number of 0 or more, not "${v}"`);
  return n;
}

/**
 * Flags that only mean something together: a load regression baseline without load results would be ignored
 * silently, so it is refused. (The findings baseline is --baseline-findings.)
 */
export function checkFlagPairs(opts: CheckOptions & { loadResults?: string[]; baseline?: string; maxRegression?: string }): void {
  if (opts.baseline !== undefined && (opts.loadResults ?? []).length === 0) {
    throw new UserError(
      'invalid-option',
      '--baseline compares imported load results and needs --load-results; to accept the findings of a baseline file use --baseline-findings',
    );
  }
  if (opts.maxRegression !== undefined && opts.baseline === undefined) throw new UserError('invalid-option', '--max-regression needs --baseline and --load-results');
  parseMaxWarnings(opts.maxWarnings);
}

export function parseFailOn(v: string): Severity {
  if (v === 'error' || v === 'warn') return v;
  throw new UserError('invalid-option', `--fail-on must be error or warn, not "${v}"`);
}

export interface CheckRun {
  result: RunResult;
  model: DeploymentModel;
  units: ReturnType<typeof unitMetas>;
}

/** The static half of a check, shared by `check`, fleet mode and the demo. */
export async function runCheck(
  opts: CheckOptions,
  config: RunConfig = defaultConfig(),
  extras: {
    probes?: (model: DeploymentModel) => ProbeExecutor | undefined;
    load?: unknown[];
    now?: Date;
    /** Rules already loaded (fleet mode loads the pack once for every deployment). */
    rules?: LoadedRule[];
    deployment?: string;
    /** Attestations and waivers (default on); `probe` reports the live units only. */
    governance?: boolean;
    /** The findings baseline to accept (read once, also in fleet mode) and the root its file names start at. */
    findingsBaseline?: { baseline: FindingsBaseline; roots: Roots };
  } = {},
): Promise<CheckRun> {
  const failOn = parseFailOn(opts.failOn);
  if (opts.env.length + opts.values.length + opts.manifests.length === 0 && !opts.allowNoInputs) {
    throw new UserError('missing-input', 'nothing to check: give --values, --env or --manifests (or - for stdin)');
  }
  if ([...opts.manifests, ...opts.values, ...opts.env].filter((f) => f === '-').length > 1) {
    throw new UserError('invalid-option', 'only one input can be read from stdin (-)');
  }
  const read = { pipeDeadlineMs: inputTimeoutMs(opts.inputTimeout) };
  const [envFiles, valuesFiles, manifestFiles] = await Promise.all([
    Promise.all(opts.env.map((f) => readInput(f, read))),
    Promise.all(opts.values.map((f) => readInput(f, read))),
    Promise.all(opts.manifests.map((f) => readInput(f, read))),
  ]);
  const rules = extras.rules ?? (await loadPack(config, opts.rules));
  const known = new Set(rules.map((r) => r.rule.id));
  for (const id of [...(opts.only ?? []), ...(opts.skip ?? [])]) {
    if (!known.has(id)) {
      const guess = didYouMean(id, known);
      throw new UserError('unknown-rule', `no rule "${id}"${guess ? `; did you mean "${guess}"?` : ''}`);
    }
  }
  const model = buildModel({
    envFiles,
    valuesFiles,
    manifestFiles,
    ...(opts.environment !== undefined ? { environment: opts.environment } : {}),
    chartDefaults: opts.chartDefaults,
  });
  const probes = extras.probes?.(model);
  const evaluated = anchorLiveFindings(
    await evaluate({
      model,
      config,
      rules,
      ...(opts.only ? { only: opts.only } : {}),
      ...(opts.skip ? { skip: opts.skip } : {}),
      ...(probes ? { probes } : {}),
    }),
    rules,
    model,
    { jwksUrl: opts.jwksUrl !== undefined, issuer: opts.issuer !== undefined },
  );
  // Governance: the attestable items become results, then the config's waivers apply to every result.
  const governed = extras.governance === false ? { results: evaluated, inputs: [], units: [] } : await governCheck(evaluated, {
    config,
    ruleIds: rules.map((r) => r.rule.id),
    ...(opts.only ? { only: opts.only } : {}),
    ...(opts.skip ? { skip: opts.skip } : {}),
    ...(opts.attestations !== undefined ? { attestationsFile: opts.attestations } : {}),
    now: extras.now ?? new Date(),
  });
  // Inline suppressions (src/engine/suppressions.ts): `# prodready-ignore` comments and prodready.io/ignore annotations.
  const results = extras.governance === false ? governed.results : applySuppressions(governed.results, model, suppressionScope(rules, governed.units, config, opts, extras.now));
  const inputs: InputDescription[] = [
    ...opts.values.map((file) => ({ kind: 'helm-values' as const, file })),
    ...opts.manifests.map((file) => ({ kind: 'manifests' as const, file: file === '-' ? '<stdin>' : file })),
    ...opts.env.map((file) => ({ kind: 'env' as const, file })),
    ...governed.inputs,
  ];
  const built = buildRunResult({
    version: VERSION,
    model,
    results,
    inputs,
    failOn,
    now: extras.now ?? new Date(),
    ...(extras.deployment ? { deployment: extras.deployment } : {}),
    ...(extras.load ? { load: extras.load } : {}),
  });
  // Adoption (src/engine/findings-baseline.ts, max-warnings.ts): findings in the baseline are accepted, then the
  // warning limit applies to what is left.
  const baselined = extras.findingsBaseline ? applyFindingsBaseline(built, extras.findingsBaseline.baseline, extras.findingsBaseline.roots) : built;
  const result = applyMaxWarnings(baselined, parseMaxWarnings(opts.maxWarnings));
  return {
    result,
    model,
    units: [...unitMetas(rules), ...governed.units, ...(extras.governance === false ? [] : [SUPPRESSION_META]), ...(extras.findingsBaseline ? [BASELINE_META] : [])],
  };
}

/** Which rule ids a suppression may name, and which of them did not run (their suppressions are left alone). */
function suppressionScope(rules: LoadedRule[], extra: Array<{ id: string }>, config: RunConfig, opts: CheckOptions, now: Date | undefined): SuppressionOptions {
  const off = Object.entries(config.severities).filter(([, s]) => s === 'off').map(([id]) => id);
  const ids = [...rules.map((r) => r.rule.id), ...extra.map((u) => u.id)];
  const notRun = new Set(off);
  for (const id of ids) if ((opts.only && !opts.only.includes(id)) || (opts.skip ?? []).includes(id)) notRun.add(id);
  return { now: now ?? new Date(), known: new Set([...ids, ...off]), notRun };
}

/**
 * The job summary GitHub Actions shows for a step ($GITHUB_STEP_SUMMARY): with `--format github` the full report
 * goes there (as Markdown), since annotations show only 10 of each kind; not when a --output already writes it.
 */
function jobSummaryFile(pairs: Array<{ format: FormatName; output?: string }>, env: NodeJS.ProcessEnv): string | undefined {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file || !pairs.some((p) => p.format === 'github')) return undefined;
  if (pairs.some((p) => p.output !== undefined && resolve(p.output) === resolve(file))) return undefined;
  return file;
}

/** Render every requested format; files are written, the one without --output goes to stdout. */
export async function writeReports(
  result: RunResult,
  pairs: Array<{ format: FormatName; output?: string }>,
  units: ReturnType<typeof unitMetas>,
  opts: { color: boolean; verbose: boolean; report?: ReportOptions; quiet?: boolean },
): Promise<void> {
  const summaryFile = jobSummaryFile(pairs, process.env);
  const ctx = (format: FormatName, output: string | undefined) => ({
    units,
    toolVersion: VERSION,
    cwd: process.cwd(),
    color: output ? false : opts.color && format === 'text',
    verbose: opts.verbose,
    ...(opts.quiet ? { quiet: true } : {}),
    ...opts.report,
    ...(summaryFile ? { jobSummary: true } : {}),
  });
  if (summaryFile) {
    const markdown = await loadReporter('markdown');
    await appendFile(summaryFile, markdown(result, ctx('markdown', summaryFile)));
  }
  for (const { format, output } of pairs) {
    const reporter = await loadReporter(format);
    const text = reporter(result, ctx(format, output));
    if (output) {
      await writeOutputFile(output, text);
    } else {
      process.stdout.write(text);
    }
  }
}

export function useColor(flag: boolean | undefined): boolean {
  if (flag === false || process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true;
}

export function registerCheckCommand(program: Command): void {
  addReportOptions(addTargetOptions(
    program.command('check').description('check a deployment (env files, Helm values, rendered manifests) and, with --target, the running service'),
  ))
    .option('--env <file>', '.env file with the api environment (repeatable)', collect, [])
    .option('--values <file>', 'Helm values file, merged like helm -f (repeatable)', collect, [])
    .option('--manifests <file>', 'rendered manifests, multi-document or a List; - for stdin (repeatable)', collect, [])
    .option('-f, --format <name>', 'text | json | sarif | junit | markdown | html | github (repeatable)', collect, [])
    .option('-o, --output <file>', 'file for the matching --format (repeatable)', collect, [])
    .option('--fail-on <severity>', 'exit 1 on findings at or above: error | warn', 'error')
    .option('--environment <name>', 'judge as this environment (production), whatever ENV says')
    .option('--only <ids>', 'run only these rules (comma-separated, repeatable)', commaList)
    .option('--skip <ids>', 'skip these rules (comma-separated, repeatable)', commaList)
    .option('--rules <dir>', 'an extra rule pack directory (repeatable)', collect, [])
    .option('--config <file>', 'config file (default: the nearest .prodready.yaml from here up)')
    .option('--attestations <file>', 'attestations file (default: ./prodready.attestations.yaml when present)')
    .option('--input-timeout <seconds>', 'longest a pipe or FIFO given as an input may stay silent (default 30)')
    .option('--no-chart-defaults', "do not merge the recsys chart's own values under --values")
    .option('--no-color', 'no colors in the text report')
    .option('-v, --verbose', 'show the evidence of passing rules too')
    .option('--load-results <file>', 'Locust, k6, recsys harness or prodready load results as section 6 evidence (repeatable)', collect, [])
    .option(
      '--load-results-date <date>',
      "with --load-results: when the test ran, YYYY-MM-DD[THH:MM] (UTC unless a zone follows), for files that carry no time",
    )
    .option('--baseline <file>', 'with --load-results: a previous result to gate regressions against')
    .option('--max-regression <ratio>', 'with --baseline: largest allowed p95 rise / rps drop (default 20%)')
    .option('--write-baseline <file>', 'record the failing findings by fingerprint in this file (JSON), to adopt the gate on what exists')
    .option('--baseline-findings <file>', 'accept the findings recorded in this baseline: only new findings fail; entries that are gone are warned about')
    .option('--max-warnings <n>', 'not ready when there are more than n warning findings')
    .option('-q, --quiet', 'text and Markdown: only what fails the gate, and the verdict')
    .option('--each <glob>', 'fleet mode: check every matched file or folder as its own deployment (quote the glob)')
    .addHelpText(
      'after',
      `
Examples:
  prodready check --values values.yaml --env prod.env --manifests rendered.yaml
  prodready check --values a.yaml --values b.yaml --format json --output report.json
  helm template recsys charts/recsys -f prod.yaml | prodready check --manifests -
  prodready check --each 'releases/*/values.yaml' --fail-on error
  prodready check --values prod.yaml -f sarif -o out.sarif -f junit -o junit.xml`,
    )
    .action(async (opts: CheckOptions & LiveOptions & { each?: string }) => {
      checkFlagPairs(opts);
      const config = await loadConfig(opts.config !== undefined ? { file: opts.config } : {});
      if (opts.each !== undefined) {
        const { runFleet } = await import('./fleet.js');
        process.exitCode = await runFleet({ ...opts, each: opts.each }, config);
        return;
      }
      const pairs = pairFormatsWithOutputs(opts.format, opts.output);
      const report = resolveReportOptions(opts);
      const session = createLiveSession(opts, config, process.env, () => new Date());
      const roots: Roots = { root: report.root, cwd: process.cwd() };
      const findingsBaseline = opts.baselineFindings !== undefined ? { baseline: await readFindingsBaseline(opts.baselineFindings), roots } : undefined;
      let run: CheckRun;
      try {
        run = await runCheck(opts, config, { probes: (model) => session.executor(model), load: session.load, ...(findingsBaseline ? { findingsBaseline } : {}) });
      } finally {
        await session.close();
      }
      const { result, units } = run;
      if (opts.writeBaseline !== undefined) await writeOutputFile(opts.writeBaseline, renderBaseline(baselineEntries(result, roots)), '--write-baseline');
      await writeReports(result, pairs, units, { color: useColor(opts.color), verbose: opts.verbose === true, report, quiet: opts.quiet === true });
      if (result.summary.tooManyWarnings) {
        const { count, max } = result.summary.tooManyWarnings;
        process.stderr.write(`prodready: ${count} warnings, more than --max-warnings ${max}\n`);
      }
      process.exitCode = exitCodeFor(result);
    });
}
