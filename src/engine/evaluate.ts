// Run loaded rules over a model and turn what they report into findings and one result per rule.
import type { DeploymentModel } from '../core/model.js';
import { effectiveBool } from '../model/query.js';
import { createCollector, type Collected } from './collector.js';
import type { RunConfig } from '../core/config-types.js';
import type { Report } from '../core/define.js';
import type { LoadedRule } from '../pack/load-rules.js';
import { renderMessage } from './messages.js';
import { applySecretPolicy, secretMasker, type SecretMasker } from './secret-policy.js';
import type { Finding, Section, Status, UnitResult } from '../core/types.js';

/** Runs the live probes of a check; wired by the CLI when a target is given. */
export type ProbeExecutor = (rules: LoadedRule[]) => Promise<Map<string, Collected>>;

export interface EvaluateOptions {
  model: DeploymentModel;
  config: RunConfig;
  rules: LoadedRule[];
  only?: string[];
  skip?: string[];
  probes?: ProbeExecutor;
  /** The variable that decides artifact or DB-only serving (the pack's service facts). */
  servingModeVariable: string;
}

function applicability(lr: LoadedRule, model: DeploymentModel, servingModeVariable: string): string | undefined {
  const when = lr.rule.when;
  if (!when) return undefined;
  if (when.production && !model.production) {
    return `applies to production only; this deployment is not production (${model.environmentSource})`;
  }
  if (when.servingMode) {
    const artifact = effectiveBool(model, servingModeVariable);
    if (when.servingMode === 'artifact' && artifact === false) return `DB-only mode: ${servingModeVariable} is false`;
    if (when.servingMode === 'db-only' && artifact === true) return `artifact mode: ${servingModeVariable} is true`;
  }
  return undefined;
}

/** Problems after which a file's data is missing altogether; a bad line in an env file is not one. */
const WHOLE_FILE_PROBLEMS = new Set(['yaml-syntax', 'yaml-alias', 'yaml-too-many-nodes', 'binary-file', 'values-not-a-map']);

export async function evaluate(opts: EvaluateOptions): Promise<UnitResult[]> {
  const { model, config } = opts;
  const mask = secretMasker(model);
  const selected = opts.rules.filter(
    (r) => (!opts.only || opts.only.includes(r.rule.id)) && !(opts.skip ?? []).includes(r.rule.id),
  );
  // Judging a deployment with a file missing would report its settings as unset: judge nothing instead.
  const unreadable = [...new Set(model.problems.filter((p) => WHOLE_FILE_PROBLEMS.has(p.code)).map((p) => p.file))];
  if (unreadable.length > 0) {
    const reason = `not judged: ${unreadable.join(', ')} could not be read, so the deployment is incomplete`;
    return selected.map((lr) => toUnitResult(lr, { failures: [], unknowns: [], evidence: [], skipReason: reason }, model, mask));
  }
  // What a check loads on demand for its params (RE2 for a pattern outside the subset RegExp runs), before run().
  for (const lr of selected) if (lr.check?.prepare) await lr.check.prepare(lr.params);
  const collected = new Map<string, Collected>();
  const skipped = new Map<string, string>();
  const probeRules: LoadedRule[] = [];
  for (const lr of selected) {
    const notApplicable = applicability(lr, model, opts.servingModeVariable);
    if (notApplicable) {
      skipped.set(lr.rule.id, notApplicable);
      continue;
    }
    if (lr.probe) {
      probeRules.push(lr);
      continue;
    }
    const { reporting, collected: c } = createCollector();
    // Built field by field: spreading `reporting` into a fresh object per rule showed in profiles of fleet runs.
    lr.check!.run({ report: reporting.report, unknown: reporting.unknown, skip: reporting.skip, evidence: reporting.evidence, model, config }, lr.params);
    collected.set(lr.rule.id, c);
  }
  if (probeRules.length > 0) {
    if (opts.probes) {
      for (const [id, c] of await opts.probes(probeRules)) collected.set(id, c);
    } else {
      for (const lr of probeRules) {
        const c: Collected = { failures: [], unknowns: [], evidence: [] };
        c.skipReason = 'live probe: not run, no live target given (--target, --jwks-url, --database-url-env)';
        collected.set(lr.rule.id, c);
      }
    }
  }
  return selected.map((lr) => {
    const reason = skipped.get(lr.rule.id);
    if (reason !== undefined) return toUnitResult(lr, { failures: [], unknowns: [], evidence: [], skipReason: reason }, model, mask);
    return toUnitResult(lr, collected.get(lr.rule.id)!, model, mask);
  });
}

function sectionOf(lr: LoadedRule, report: Report, model: DeploymentModel): Section {
  if (lr.rule.sectionFrom === 'variable' && typeof report.data?.variable === 'string') {
    const s = model.catalogue.get(report.data.variable)?.section;
    if (s !== undefined) return s as Section;
  }
  return lr.rule.section as Section;
}

function toUnitResult(lr: LoadedRule, said: Collected, model: DeploymentModel, mask: SecretMasker): UnitResult {
  // Every check and probe result passes the secret policy here, before anything is rendered.
  const c = applySecretPolicy(said, mask);
  const unit = lr.check ?? lr.probe!;
  const kind = lr.probe ? 'probe' : 'rule';
  const helpUrl = lr.rule.docs ?? `docs/rules/${lr.rule.id}.md`;
  const make = (r: Report, status: Status): Finding => {
    const severity = r.severity ?? lr.severity;
    return {
      ruleId: lr.rule.id,
      checkId: unit.meta.id,
      kind,
      section: sectionOf(lr, r, model),
      severity,
      status: status === 'fail' && severity !== 'error' ? 'warn' : status,
      messageId: r.messageId,
      message: renderMessage(`${kind} ${unit.meta.id}`, unit.meta.messages, r.messageId, r.data),
      data: r.data ?? {},
      ...(r.location ? { location: r.location } : {}),
      evidence: r.evidence ?? [],
      remediation: lr.rule.remediation,
      helpUrl,
    };
  };
  const findings = [...c.failures.map((r) => make(r, 'fail')), ...c.unknowns.map((r) => make(r, 'unknown'))];
  let status: Status;
  if (findings.some((f) => f.status === 'fail')) status = 'fail';
  else if (findings.some((f) => f.status === 'warn')) status = 'warn';
  else if (findings.length > 0) status = 'unknown';
  else if (c.skipReason !== undefined) status = 'skip';
  else status = 'pass';
  const reason =
    status === 'skip'
      ? c.skipReason
      : status === 'unknown'
        ? findings.map((f) => f.message).join('; ')
        : undefined;
  return {
    id: lr.rule.id,
    kind,
    checkId: unit.meta.id,
    title: lr.rule.title,
    section: lr.rule.section as Section,
    severity: lr.severity,
    status,
    ...(reason !== undefined ? { reason } : {}),
    remediation: lr.rule.remediation,
    helpUrl,
    findings,
    evidence: c.evidence,
  };
}
