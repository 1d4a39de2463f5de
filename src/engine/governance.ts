// What the config file and the attestations change about a run, applied around evaluation:
// before it, severities and params per unit; after it, the attestable items, the attested unknowns of rule items
// and the waivers.
import { didYouMean } from '../core/did-you-mean.js';
import { attestationResults, loadAttestations, type LoadedAttestations } from './attestations.js';
import { checklistHelpUrl, type ChecklistItem } from '../pack/checklist.js';
import type { RunConfig } from '../core/config-types.js';
import { UserError, type ProblemDetail } from '../core/errors.js';
import type { LoadedRule } from '../pack/load-rules.js';
import type { InputDescription, Severity, UnitMeta, UnitResult } from '../core/types.js';
import { applyRuleAttestations } from './rule-attestations.js';
import { expiryHorizon } from './expiry-horizon.js';
import { applyWaivers, STALE_WAIVER_HEADER, STALE_WAIVER_REMEDIATION } from './waivers.js';

export interface ConfiguredRules {
  rules: LoadedRule[];
  /** Ids turned off by `severities`. */
  off: Set<string>;
}

/**
 * Apply `severities` and `params` from the config to the pack loaded without them. An id that names no rule,
 * probe or attestable item, or params the unit's schema rejects, is an invalid config (exit 2).
 */
export function configureRules(all: LoadedRule[], config: RunConfig, items: ChecklistItem[]): ConfiguredRules {
  const file = config.file ?? '.prodready.yaml';
  const ruleIds = all.map((r) => r.rule.id);
  const attestable = items.filter((i) => i.kind === 'attestation').map((i) => i.id);
  const problems: ProblemDetail[] = [];
  const unknown = (section: string, id: string, candidates: string[]): void => {
    const guess = didYouMean(id, candidates);
    problems.push({ file, path: `${section}.${id}`, message: `no rule${section === 'severities' ? ', probe or attestable item' : ' or probe'} "${id}"${guess ? `; did you mean "${guess}"?` : ''}` });
  };
  for (const id of Object.keys(config.severities)) if (!ruleIds.includes(id) && !attestable.includes(id)) unknown('severities', id, [...ruleIds, ...attestable]);
  for (const id of Object.keys(config.params)) if (!ruleIds.includes(id)) unknown('params', id, ruleIds);

  const off = new Set<string>();
  const rules: LoadedRule[] = [];
  for (const lr of all) {
    const id = lr.rule.id;
    const sev = config.severities[id];
    if (sev === 'off') {
      off.add(id);
      continue;
    }
    let params = lr.params;
    const extra = config.params[id];
    if (extra) {
      const unit = (lr.check ?? lr.probe)!;
      const parsed = unit.meta.params.safeParse({ ...lr.rule.params, ...extra });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          problems.push({ file, path: ['params', id, ...issue.path.map(String)].join('.'), message: issue.message.replace(/^Invalid input: /, '') });
        }
        continue;
      }
      params = parsed.data;
    }
    rules.push({ ...lr, params, severity: sev ?? lr.severity });
  }
  for (const id of attestable) if (config.severities[id] === 'off') off.add(id);
  if (problems.length > 0) {
    throw new UserError('invalid-config', `config file ${file} names what the rule pack does not have`, problems);
  }
  return { rules, off };
}

export interface GovernOptions {
  config: RunConfig;
  items: ChecklistItem[];
  attestations: LoadedAttestations | undefined;
  now: Date;
  only?: string[];
  skip?: string[];
  /** Units that exist but were not run (off, or left out by --only/--skip). */
  notRun: ReadonlySet<string>;
}

/**
 * The attestation items as results, the entries of rule items over the unknowns of their rules, then the waivers
 * over everything: what check reports.
 */
export function govern(evaluated: UnitResult[], opts: GovernOptions, memo?: GovernanceMemo): UnitResult[] {
  const results = applyRuleAttestations(evaluated, opts.items, opts.attestations, opts.now);
  const attested =
    memo?.attested ??
    attestationResults(opts.items, opts.attestations, opts.now, opts.config.severities).filter(
      (r) => (!opts.only || opts.only.includes(r.id)) && !(opts.skip ?? []).includes(r.id),
    );
  if (memo) memo.attested = attested;
  const notRun = new Set(opts.notRun);
  for (const i of opts.items) if (i.kind === 'attestation' && !attested.some((r) => r.id === i.id)) notRun.add(i.id);
  return applyWaivers([...results, ...attested], opts.config.waivers, {
    now: opts.now,
    ...(opts.config.file !== undefined ? { file: opts.config.file } : {}),
    notRun,
  });
}

/** Metadata of the units governance adds, for reporters that list rules (SARIF rules[], JUnit names). */
export function governanceMetas(items: ChecklistItem[], config: RunConfig): UnitMeta[] {
  const metas: UnitMeta[] = items
    .filter((i) => i.kind === 'attestation' && config.severities[i.id] !== 'off')
    .map((i) => ({
      id: i.id,
      kind: 'attestation',
      checkId: 'attestation',
      title: i.text,
      section: i.section,
      severity: (config.severities[i.id] as Severity | undefined) ?? 'error',
      description: `Checklist item ${i.id}, which no machine can check: a person attests it, with evidence, until a date.`,
      remediation: `Record a dated, expiring entry with evidence for item ${i.id} in the attestations file (prodready attest --template).`,
      helpUrl: checklistHelpUrl(i.id),
    }));
  metas.push({
    ...STALE_WAIVER_HEADER,
    description: 'A waiver in the config file that accepts no failing finding: the rule passes now, or the waiver names the wrong rule or place.',
    remediation: STALE_WAIVER_REMEDIATION,
  });
  return metas;
}

/**
 * A waiver or attestation that runs further ahead than `thresholds.maxExpiryDays` is refused with its file and
 * path: an accepted risk or a statement about a system is reviewed at least that often, not waved through for years.
 * (Inline suppressions are held to the same horizon in suppressions.ts, as findings: they live in deployment files.)
 */
export function checkExpiryHorizon(config: RunConfig, attestations: LoadedAttestations | undefined, now: Date): void {
  const tooFar = expiryHorizon(config.thresholds.maxExpiryDays, now);
  const file = config.file ?? '.prodready.yaml';
  const waivers: ProblemDetail[] = config.waivers.flatMap((w, i) => {
    const why = tooFar(w.until);
    return why !== undefined ? [{ file, path: `waivers[${i}].until`, message: why }] : [];
  });
  if (waivers.length > 0) throw new UserError('invalid-config', `config file ${file} has waivers that run too far ahead`, waivers);
  const entries: ProblemDetail[] = (attestations?.entries ?? []).flatMap((a) => {
    const why = tooFar(a.expires);
    return why !== undefined ? [{ file: attestations!.file, path: `attestations[${a.index}].expires`, message: why }] : [];
  });
  if (entries.length > 0) {
    throw new UserError('invalid-attestations', `attestations file ${attestations!.file} has entries that run too far ahead`, entries);
  }
}

/**
 * What governance computes the same way for every deployment of a fleet run (one config, one attestations file,
 * one `now`): kept by the caller for one run and handed to every governCheck of it. The results are never
 * modified downstream (every later step copies what it changes), so sharing them is safe.
 */
export interface GovernanceMemo {
  attestations?: Promise<LoadedAttestations | undefined>;
  attested?: UnitResult[];
  metas?: UnitMeta[];
}

export interface GovernedCheck {
  results: UnitResult[];
  /** The config and attestations files read, for RunResult.inputs. */
  inputs: InputDescription[];
  /** Metadata of the attestable items and stale-waiver, for reporters. */
  units: UnitMeta[];
}

/**
 * The governance step of `check`, after evaluation: reads the attestations file (exit 2 when invalid), adds the
 * attestable items, applies the config's waivers. `ruleIds` are the units of the loaded pack (severity off already
 * removed); those that did not run because of --only/--skip keep their waivers from going stale.
 */
export async function governCheck(
  evaluated: UnitResult[],
  args: { config: RunConfig; items: ChecklistItem[]; ruleIds: string[]; only?: string[]; skip?: string[]; attestationsFile?: string; now: Date; cwd?: string },
  memo?: GovernanceMemo,
): Promise<GovernedCheck> {
  const items = args.items;
  const loading =
    memo?.attestations ??
    loadAttestations(items, {
      ...(args.attestationsFile !== undefined ? { file: args.attestationsFile } : {}),
      ...(args.cwd !== undefined ? { cwd: args.cwd } : {}),
    });
  if (memo) memo.attestations = loading;
  const attestations = await loading;
  checkExpiryHorizon(args.config, attestations, args.now);
  const notRun = new Set(Object.entries(args.config.severities).filter(([, s]) => s === 'off').map(([id]) => id));
  for (const id of args.ruleIds) if ((args.only && !args.only.includes(id)) || (args.skip ?? []).includes(id)) notRun.add(id);
  const results = govern(
    evaluated,
    {
      config: args.config,
      items,
      attestations,
      now: args.now,
      ...(args.only ? { only: args.only } : {}),
      ...(args.skip ? { skip: args.skip } : {}),
      notRun,
    },
    memo,
  );
  const inputs: InputDescription[] = [
    ...(args.config.file !== undefined ? [{ kind: 'config' as const, file: args.config.file }] : []),
    ...(attestations ? [{ kind: 'attestations' as const, file: attestations.file }] : []),
  ];
  const units = memo?.metas ?? governanceMetas(items, args.config);
  if (memo) memo.metas = units;
  return { results, inputs, units };
}
