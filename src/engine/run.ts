// The whole pipeline for one deployment: inputs read, the model built from them and the pack, the rules and
// probes run, governance applied, the result ordered. Commands, fleet mode, the demo and the tests all call judge().
import { CHECKS } from '../checks/index.js';
import type { RunConfig } from '../core/config-types.js';
import { didYouMean } from '../core/did-you-mean.js';
import { UserError } from '../core/errors.js';
import type { DeploymentModel } from '../core/model.js';
import type { InputDescription, LoadFigures, RunResult, Severity, UnitMeta } from '../core/types.js';
import { readInput } from '../io/read-file.js';
import { buildModel } from '../model/build.js';
import { loadPack, unitMetas, type Pack } from '../pack/pack.js';
import { probeImplementation } from '../pack/deferred-probe.js';
import { PROBES } from '../probes/index.js';
import { VERSION } from '../version.js';
import { anchorLiveFindings, type LiveFlags } from './anchor.js';
import { evaluate, type ProbeExecutor } from './evaluate.js';
import { configureRules, governCheck, type GovernanceMemo } from './governance.js';
import { buildRunResult } from './result.js';
import { applySuppressions, SUPPRESSION_META, type SuppressionOptions } from './suppressions.js';
import { applyFindingsBaseline, BASELINE_META, type FindingsBaseline } from './findings-baseline.js';
import { applyMaxWarnings } from './max-warnings.js';
import type { Roots } from '../core/fingerprint.js';
import type { LoadedRule } from '../pack/load-rules.js';

/** The built-in pack and the user's rule directories, with the config's severities and params applied once. */
export async function loadRunPack(config: RunConfig, extraDirs: string[] = []): Promise<Pack> {
  const pack = await loadPack({ checks: CHECKS, probes: PROBES }, [...config.ruleDirs, ...extraDirs]);
  // A probe whose params the config changes needs its schema: its implementation is loaded now.
  const rules = await Promise.all(
    pack.rules.map(async (lr) => (lr.probe && Object.hasOwn(config.params, lr.rule.id) ? { ...lr, probe: await probeImplementation(lr.probe) } : lr)),
  );
  // A check whose params the config changes may need a module before its schema parses them (configureRules).
  for (const lr of rules) {
    const extra = config.params[lr.rule.id];
    if (extra !== undefined && lr.check?.prepare) await lr.check.prepare({ ...lr.rule.params, ...extra });
  }
  return { ...pack, rules: configureRules(rules, config, pack.checklist).rules };
}

/** What one deployment is judged on: files by path (- for stdin) and the choices the flags made. */
export interface JudgeInputs {
  env: string[];
  values: string[];
  manifests: string[];
  config: RunConfig;
  failOn: Severity;
  environment?: string;
  only?: string[];
  skip?: string[];
  /** Merge the chart's own values under --values (default true). */
  chartDefaults?: boolean;
  /** Attestations file; without it prodready.attestations.yaml in the working directory, when present. */
  attestations?: string;
  /** `probe` judges the live target alone: no deployment files needed. */
  allowNoInputs?: boolean;
  /** Attestations and waivers (default on); `probe` reports the live units only. */
  governance?: boolean;
  /** How long a pipe or FIFO given as an input may stay silent (`--input-timeout`; default 30 s). */
  pipeDeadlineMs?: number;
  /** Which flags named a live input themselves: a live finding they decided points at the first input file. */
  liveFlags?: LiveFlags;
  /** The deployment's name in fleet mode. */
  deployment?: string;
  now?: Date;
  /** The findings baseline to accept (read once, also in fleet mode) and the root its file names start at. */
  findingsBaseline?: { baseline: FindingsBaseline; roots: Roots };
  /** More warning findings than this make the run not ready (`--max-warnings`). */
  maxWarnings?: number;
  /**
   * Fleet mode: what governance reads and computes once for every deployment of the run (the attestations file,
   * the attestable items' results). Needs the same `now`, config and attestations for every deployment.
   */
  governanceMemo?: GovernanceMemo;
}

/** The live half of a run: the probe executor for a model, and the load figures it measured or imported. */
export interface LiveHooks {
  probes?: (model: DeploymentModel) => ProbeExecutor | undefined;
  load?: LoadFigures[];
}

export interface Judgement {
  result: RunResult;
  model: DeploymentModel;
  /** Every unit that can appear in the result, for reporters. */
  units: UnitMeta[];
}

export function parseFailOn(v: string): Severity {
  if (v === 'error' || v === 'warn') return v;
  throw new UserError('invalid-option', `--fail-on must be error or warn, not "${v}"`);
}

export async function judge(inputs: JudgeInputs, pack: Pack, live: LiveHooks = {}): Promise<Judgement> {
  const { config, failOn } = inputs;
  if (inputs.env.length + inputs.values.length + inputs.manifests.length === 0 && !inputs.allowNoInputs) {
    throw new UserError('missing-input', 'nothing to check: give --values, --env or --manifests (or - for stdin)');
  }
  if ([...inputs.manifests, ...inputs.values, ...inputs.env].filter((f) => f === '-').length > 1) {
    throw new UserError('invalid-option', 'only one input can be read from stdin (-)');
  }
  const read = inputs.pipeDeadlineMs !== undefined ? { pipeDeadlineMs: inputs.pipeDeadlineMs } : {};
  const [envFiles, valuesFiles, manifestFiles] = await Promise.all([
    Promise.all(inputs.env.map((f) => readInput(f, read))),
    Promise.all(inputs.values.map((f) => readInput(f, read))),
    Promise.all(inputs.manifests.map((f) => readInput(f, read))),
  ]);
  const rules = pack.rules;
  const known = new Set(rules.map((r) => r.rule.id));
  for (const id of [...(inputs.only ?? []), ...(inputs.skip ?? [])]) {
    if (!known.has(id)) {
      const guess = didYouMean(id, known);
      throw new UserError('unknown-rule', `no rule "${id}"${guess ? `; did you mean "${guess}"?` : ''}`);
    }
  }
  const model = buildModel(
    {
      envFiles,
      valuesFiles,
      manifestFiles,
      ...(inputs.environment !== undefined ? { environment: inputs.environment } : {}),
      chartDefaults: inputs.chartDefaults !== false,
    },
    pack,
  );
  const probes = live.probes?.(model);
  // Live findings name a URL, not a file: each is anchored where the deployment configured what was probed.
  const evaluated = anchorLiveFindings(
    await evaluate({
      model,
      config,
      rules,
      servingModeVariable: pack.service.servingModeVariable,
      ...(inputs.only ? { only: inputs.only } : {}),
      ...(inputs.skip ? { skip: inputs.skip } : {}),
      ...(probes ? { probes } : {}),
    }),
    rules,
    model,
    inputs.liveFlags ?? {},
  );
  // Governance: the attestable items become results, then the config's waivers apply to every result.
  const now = inputs.now ?? new Date();
  const governed = inputs.governance === false ? { results: evaluated, inputs: [], units: [] } : await governCheck(evaluated, {
    config,
    items: pack.checklist,
    ruleIds: rules.map((r) => r.rule.id),
    ...(inputs.only ? { only: inputs.only } : {}),
    ...(inputs.skip ? { skip: inputs.skip } : {}),
    ...(inputs.attestations !== undefined ? { attestationsFile: inputs.attestations } : {}),
    now,
  }, inputs.governanceMemo);
  const described: InputDescription[] = [
    ...inputs.values.map((file) => ({ kind: 'helm-values' as const, file })),
    ...inputs.manifests.map((file) => ({ kind: 'manifests' as const, file: file === '-' ? '<stdin>' : file })),
    ...inputs.env.map((file) => ({ kind: 'env' as const, file })),
    ...governed.inputs,
  ];
  // Inline suppressions (src/engine/suppressions.ts): `# prodready-ignore` comments and prodready.io/ignore annotations.
  const results =
    inputs.governance === false ? governed.results : applySuppressions(governed.results, model, suppressionScope(rules, governed.units, config, inputs, now));
  const built = buildRunResult({
    version: VERSION,
    model,
    results,
    inputs: described,
    failOn,
    now,
    ...(inputs.deployment ? { deployment: inputs.deployment } : {}),
    ...(live.load ? { load: live.load } : {}),
  });
  // Adoption (findings-baseline.ts, max-warnings.ts): findings in the baseline are accepted, then the warning
  // limit applies to what is left.
  const baselined = inputs.findingsBaseline ? applyFindingsBaseline(built, inputs.findingsBaseline.baseline, inputs.findingsBaseline.roots) : built;
  const result = applyMaxWarnings(baselined, inputs.maxWarnings);
  return {
    result,
    model,
    units: [...unitMetas(rules), ...governed.units, ...(inputs.governance === false ? [] : [SUPPRESSION_META]), ...(inputs.findingsBaseline ? [BASELINE_META] : [])],
  };
}

/** Which rule ids a suppression may name, and which of them did not run (their suppressions are left alone). */
function suppressionScope(rules: LoadedRule[], extra: Array<{ id: string }>, config: RunConfig, inputs: JudgeInputs, now: Date): SuppressionOptions {
  const off = Object.entries(config.severities).filter(([, s]) => s === 'off').map(([id]) => id);
  const ids = [...rules.map((r) => r.rule.id), ...extra.map((u) => u.id)];
  const notRun = new Set(off);
  for (const id of ids) if ((inputs.only && !inputs.only.includes(id)) || (inputs.skip ?? []).includes(id)) notRun.add(id);
  return { now, maxExpiryDays: config.thresholds.maxExpiryDays, known: new Set([...ids, ...off]), notRun };
}
