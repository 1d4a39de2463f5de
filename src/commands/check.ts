import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { loadConfig } from '../engine/config.js';
import { exitCodeFor } from '../engine/result.js';
import { judge, loadRunPack, type Judgement } from '../engine/run.js';
import { pairFormatsWithOutputs } from '../reporters/output-pairs.js';
import { useColor, writeReports } from '../reporters/write.js';
import { createLiveSession, type LiveOptions } from '../engine/live.js';
import { addTargetOptions } from '../engine/target.js';
import { checkFlagPairs, collect, commaList, judgeInputs, type CheckOptions } from './flags.js';
import { baselineEntries, readFindingsBaseline, renderBaseline } from '../engine/findings-baseline.js';
import type { Roots } from '../core/fingerprint.js';
import { writeOutputFile } from '../reporters/lib/output-file.js';
import { addReportOptions, resolveReportOptions } from './report-options.js';

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
    .option('--jobs <n>', 'with --each: threads that judge (default: one per core, up to 4, from 4,000 deployments)')
    .option('--shard <I/N>', 'with --each: judge only shard I of N (1-based), chosen by a hash of each path; join them with prodready merge')
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
    .action(async (opts: CheckOptions & LiveOptions & { each?: string; shard?: string; jobs?: string }) => {
      checkFlagPairs(opts);
      if (opts.shard !== undefined && opts.each === undefined) throw new UserError('invalid-option', '--shard needs --each');
      if (opts.jobs !== undefined && opts.each === undefined) throw new UserError('invalid-option', '--jobs needs --each');
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
      let run: Judgement;
      try {
        const pack = await loadRunPack(config, opts.rules);
        run = await judge({ ...judgeInputs(opts, config), ...(findingsBaseline ? { findingsBaseline } : {}) }, pack, {
          probes: (model) => session.executor(model),
          load: session.load,
        });
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
