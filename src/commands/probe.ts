// `prodready probe`: the on-call check. Only the live probes, against a running service, in a few lines.
import type { Command } from 'commander';
import { Chalk } from 'chalk';
import { loadConfig } from '../engine/config.js';
import { exitCodeFor } from '../engine/result.js';
import type { RunResult, Status } from '../core/types.js';
import { collect, judgeInputs, type CheckOptions } from './flags.js';
import { addReportOptions, resolveReportOptions } from './report-options.js';
import { createLiveSession, LOAD_PROBE, wantsLive, type LiveOptions } from '../engine/live.js';
import { judge, loadRunPack, type Judgement } from '../engine/run.js';
import { useColor, writeReports } from '../reporters/write.js';
import { UserError } from '../core/errors.js';
import { addTargetOptions } from '../engine/target.js';
import { pairFormatsWithOutputs } from '../reporters/output-pairs.js';
import { safeResult } from '../reporters/lib/safe-result.js';

const MARK: Record<Status, string> = { pass: 'ok  ', fail: 'FAIL', warn: 'WARN', skip: 'skip', unknown: '??  ', manual: 'todo', waived: 'waiv' };

/** One line per probe: its verdict and the first fact behind it. */
export function compactProbeReport(unsafe: RunResult, color: boolean, elapsedMs: number): string {
  const result = safeResult(unsafe);
  const c = new Chalk({ level: color ? 1 : 0 });
  const width = Math.max(...result.results.map((r) => r.id.length));
  const lines: string[] = [];
  for (const r of result.results) {
    const first = r.findings[0]?.message ?? r.reason ?? r.evidence[0] ?? '';
    const mark = MARK[r.status];
    const painted = r.status === 'pass' ? c.green(mark) : r.status === 'fail' ? c.red.bold(mark) : r.status === 'warn' ? c.yellow(mark) : c.dim(mark);
    lines.push(`${painted} ${r.id.padEnd(width)}  ${r.status === 'pass' ? c.dim(first) : first}`);
  }
  const s = result.summary.counts;
  const verdict = result.summary.verdict === 'ready' ? c.green.bold('HEALTHY') : c.red.bold('UNHEALTHY');
  lines.push(`${verdict}  ${s.pass} ok, ${s.fail} failed, ${s.warn} warnings, ${s.unknown} unknown, ${s.skip} skipped  ${c.dim(`(${(elapsedMs / 1000).toFixed(2)} s)`)}`);
  return `${lines.join('\n')}\n`;
}

export function registerProbeCommand(program: Command): void {
  addReportOptions(addTargetOptions(program.command('probe').description('probe a running recsys-service: readiness, JWKS, database, versions (and a burst with --load)')))
    .option('--values <file>', 'Helm values to read JWT_JWKS_URL, JWT_ISSUER and allowed hosts from (repeatable)', collect, [])
    .option('--env <file>', '.env file to read them from (repeatable)', collect, [])
    .option('--manifests <file>', 'rendered manifests to read them from; - for stdin (repeatable)', collect, [])
    .option('--input-timeout <seconds>', 'longest a pipe or FIFO given as an input may stay silent (default 30)')
    .option('--load', 'also run the short load burst (off by default: the on-call check stays light)')
    .option('--config <file>', 'config file (default: .prodready.yaml found upwards)')
    .option('-f, --format <name>', 'compact (default) or any report format (repeatable)', collect, [])
    .option('-o, --output <file>', 'file for the matching --format (repeatable)', collect, [])
    .option('--no-color', 'no colors')
    .addHelpText(
      'after',
      `
Examples:
  prodready probe --target https://recsys.example.com --bearer-token-env RECSYS_TOKEN
  prodready probe --target http://127.0.0.1:8000 --dev-headers --tenant demo --database-url-env DATABASE_URL
  kubectl get cm,secret -n recsys -o yaml | prodready probe --manifests - --target https://recsys.example.com`,
    )
    .action(async (opts: CheckOptions & LiveOptions & { load?: boolean; config?: string }) => {
      const started = performance.now();
      if (!wantsLive(opts)) {
        throw new UserError('missing-input', 'nothing to probe: give --target, --jwks-url, --issuer, --database-url-env or --database-url-file');
      }
      const config = await loadConfig(opts.config !== undefined ? { file: opts.config } : {});
      const pack = await loadRunPack(config, []);
      const rules = pack.rules.filter((r) => r.probe && (opts.load === true || r.probe.meta.id !== LOAD_PROBE));
      const session = createLiveSession(opts, config, process.env, () => new Date());
      let run: Judgement;
      try {
        run = await judge(
          { ...judgeInputs({ ...opts, format: [], output: [], failOn: 'error', rules: [], chartDefaults: true, allowNoInputs: true }, config), governance: false },
          { ...pack, rules },
          { probes: (model) => session.executor(model), load: session.load },
        );
      } finally {
        await session.close();
      }
      const formats = opts.format.filter((f) => f !== 'compact');
      if (formats.length === 0) {
        process.stdout.write(compactProbeReport(run.result, useColor(opts.color), performance.now() - started));
      } else {
        await writeReports(run.result, pairFormatsWithOutputs(formats, opts.output), run.units, { color: useColor(opts.color), verbose: true, report: resolveReportOptions(opts) });
      }
      process.exitCode = exitCodeFor(run.result);
    });
}
