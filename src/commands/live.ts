// The live half of `check` and `probe`: which probes run, against what, and where imported load results fit.
// Probes run only when the user names a live input: a static CI gate never reaches the network on its own,
// even when the deployment names a JWKS URL.
import type { Collected } from '../engine/collector.js';
import type { RunConfig } from '../engine/config-types.js';
import type { Report } from '../engine/define.js';
import type { ProbeExecutor } from '../engine/evaluate.js';
import type { LoadedRule } from '../engine/load-rules.js';
import type { DeploymentModel } from '../model/types.js';
import { UserError } from '../engine/errors.js';
import { parseRunDate } from '../load/run-date.js';
// The probe runner (undici, pg) is loaded only when something live runs: a static check never loads it.
import type { LiveProbes } from './live-probes.js';
import { resolveTarget, type TargetOptions } from './target-options.js';

export const LOAD_UNIT = 'load-burst-p95';

export interface LiveOptions extends TargetOptions {
  loadResults?: string[];
  /** `--load-results-date`: when the imported test ran, for files that carry no time. */
  loadResultsDate?: string;
  baseline?: string;
  maxRegression?: string;
}

export function wantsLive(opts: LiveOptions): boolean {
  return (
    opts.target !== undefined ||
    opts.jwksUrl !== undefined ||
    opts.issuer !== undefined ||
    opts.databaseUrlEnv !== undefined ||
    opts.databaseUrlFile !== undefined
  );
}

function parseRatio(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  const n = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export interface LiveSession {
  /** The executor evaluate() calls for probe rules, or undefined when nothing live was asked for. */
  executor(model: DeploymentModel): ProbeExecutor | undefined;
  /** Load results measured by the burst or imported, for RunResult.load. */
  load: unknown[];
  close(): Promise<void>;
}

export function createLiveSession(opts: LiveOptions, config: RunConfig, env: NodeJS.ProcessEnv, now: () => Date): LiveSession {
  const load: unknown[] = [];
  let live: LiveProbes | undefined;
  const imports = opts.loadResults ?? [];
  // Read before anything runs, so a mistaken date is one line and exit 2, not a finding.
  if (opts.loadResultsDate !== undefined && imports.length === 0) {
    throw new UserError('invalid-option', '--load-results-date dates the files of --load-results; give --load-results too');
  }
  const stated = opts.loadResultsDate !== undefined ? parseRunDate(opts.loadResultsDate, now()) : undefined;
  return {
    load,
    executor(model) {
      const probing = wantsLive(opts);
      if (!probing && imports.length === 0) return undefined;
      return async (rules: LoadedRule[]) => {
        const out = new Map<string, Collected>();
        let probeRules = rules;
        if (imports.length > 0) {
          // Imported results decide section 6's load unit instead of a burst from this machine.
          const loadRule = rules.find((r) => r.rule.id === LOAD_UNIT);
          if (loadRule) {
            out.set(LOAD_UNIT, await importedLoad(loadRule, opts, config, now(), load, stated));
            probeRules = rules.filter((r) => r !== loadRule);
          }
        }
        if (!probing) {
          for (const r of probeRules) {
            out.set(r.rule.id, { failures: [], unknowns: [], evidence: [], skipReason: 'live probe: not run, no live target given (--target, --jwks-url, --database-url-env)' });
          }
          return out;
        }
        const target = resolveTarget(opts, env, model);
        const { createLiveProbes } = await import('./live-probes.js');
        live = createLiveProbes({ target, model, config, now, recordLoad: (r) => void load.push(r) });
        for (const [id, c] of await live.run(probeRules)) out.set(id, c);
        return out;
      };
    },
    close: async () => {
      await live?.close();
    },
  };
}

async function importedLoad(
  rule: LoadedRule,
  opts: LiveOptions,
  config: RunConfig,
  now: Date,
  load: unknown[],
  stated: Date | undefined,
): Promise<Collected> {
  const { judgeLoadResultFiles, renderLoadMessage } = await import('../load/judge-evidence.js');
  const params = { ...(rule.params as Record<string, unknown>), ...(config.params[LOAD_UNIT] ?? {}) } as {
    p95MaxMs?: number;
    p99MaxMs?: number;
    errorRateMax?: number;
  };
  const maxRegression = parseRatio(opts.maxRegression);
  const evidence = await judgeLoadResultFiles(
    opts.loadResults ?? [],
    {
      ...(params.p95MaxMs !== undefined ? { p95MaxMs: params.p95MaxMs } : {}),
      ...(params.p99MaxMs !== undefined ? { p99MaxMs: params.p99MaxMs } : {}),
      ...(params.errorRateMax !== undefined ? { errorRateMax: params.errorRateMax } : {}),
      ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}),
      ...(maxRegression !== undefined ? { maxRegression } : {}),
      maxAgeDays: config.thresholds.loadResultMaxAgeDays,
      agePolicy: config.loadResults,
    },
    { now, ...(stated ? { stated } : {}) },
  );
  load.push(...evidence.results);
  const c: Collected = { failures: [], unknowns: [], evidence: [] };
  for (const r of evidence.reports) {
    const report: Report = {
      messageId: r.messageId,
      data: r.data,
      evidence: r.evidence,
      ...(r.location.file ? { location: { file: r.location.file, ...(r.location.line ? { line: r.location.line } : {}) } } : {}),
    };
    if (r.status === 'fail') c.failures.push(report);
    else if (r.status === 'warn') c.failures.push({ ...report, severity: 'warn' });
    else if (r.status === 'unknown') c.unknowns.push(report);
    else c.evidence.push(renderLoadMessage(r.messageId, r.data), ...r.evidence);
  }
  return c;
}
