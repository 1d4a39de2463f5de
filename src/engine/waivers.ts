// Waivers: a failure accepted by a named person until a date. A pass after evaluation, pure given the results,
// the waivers and the clock. A waiver that matches nothing is reported, so accepted risks do not outlive the code.
import { isBeforeToday } from '../core/dates.js';
import type { Waiver } from '../core/config-types.js';
import type { Finding, Status, UnitHeader, UnitResult } from '../core/types.js';

export const STALE_WAIVER_ID = 'stale-waiver';

/** The stale-waiver unit's name and remediation, shared by its result here and its metadata (governance.ts). */
export const STALE_WAIVER_HEADER: UnitHeader = {
  id: STALE_WAIVER_ID,
  kind: 'rule',
  checkId: 'waiver',
  title: 'Every waiver matches a failing finding',
  section: 0,
  severity: 'warn',
};
export const STALE_WAIVER_REMEDIATION = 'Remove the waiver from the config file, or correct its rule and location so it names the finding it accepts.';

/** A waiver as read from the config file, with the 1-based line of its entry when known. */
export interface LocatedWaiver extends Waiver {
  line?: number;
}

export interface WaiverOptions {
  now: Date;
  /** Display name of the config file the waivers came from. */
  file?: string;
  /** Units that exist but did not run (--only, --skip, severity off): their waivers are neither applied nor stale. */
  notRun?: ReadonlySet<string>;
}

const normalize = (p: string): string => p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');

function sameFile(findingFile: string, waiverFile: string): boolean {
  const f = normalize(findingFile);
  const w = normalize(waiverFile);
  return f === w || f.endsWith(`/${w}`) || w.endsWith(`/${f}`);
}

export function waiverMatches(w: Waiver, f: Finding): boolean {
  if (f.ruleId !== w.rule) return false;
  const at = w.location;
  if (!at) return true;
  const loc = f.location ?? {};
  if (at.file !== undefined && (loc.file === undefined || !sameFile(loc.file, at.file))) return false;
  if (at.line !== undefined && loc.line !== at.line) return false;
  if (at.path !== undefined && loc.path !== at.path && f.data.variable !== at.path && f.data.key !== at.path) return false;
  return true;
}

const isFailing = (s: Status): boolean => s === 'fail' || s === 'warn';

function unitStatus(original: Status, findings: Finding[]): Status {
  if (findings.some((f) => f.status === 'fail')) return 'fail';
  if (findings.some((f) => f.status === 'warn')) return 'warn';
  if (findings.some((f) => f.status === 'waived')) return 'waived';
  return original;
}

function describeWaiver(w: Waiver): string {
  const l = w.location ?? {};
  const at = [l.file, l.line !== undefined ? `line ${l.line}` : undefined, l.path !== undefined ? `path ${l.path}` : undefined]
    .filter((x) => x !== undefined)
    .join(', ');
  return `rule ${w.rule}${at ? ` at ${at}` : ''}, by ${w.by}, until ${w.until}`;
}

export function applyWaivers(results: UnitResult[], waivers: LocatedWaiver[], opts: WaiverOptions): UnitResult[] {
  if (waivers.length === 0) return results;
  const used = new Set<number>();
  const out = results.map((unit) => {
    let touched = false;
    const findings = unit.findings.map((f) => {
      if (!isFailing(f.status)) return f;
      const matching = waivers.map((w, i) => ({ w, i })).filter(({ w }) => waiverMatches(w, f));
      if (matching.length === 0) return f;
      for (const { i } of matching) used.add(i);
      touched = true;
      const active = matching.find(({ w }) => !isBeforeToday(w.until, opts.now));
      if (active) {
        const { by, reason, until } = active.w;
        return { ...f, status: 'waived' as const, waiver: { by, reason, until } };
      }
      const expired = matching.map(({ w }) => `waiver by ${w.by} expired on ${w.until}`);
      return { ...f, evidence: [...f.evidence, ...expired] };
    });
    if (!touched) return unit;
    return { ...unit, findings, status: unitStatus(unit.status, findings) };
  });

  const stale = waivers
    .map((w, i) => ({ w, i }))
    .filter(({ w, i }) => !used.has(i) && !(opts.notRun?.has(w.rule) ?? false));
  if (stale.length === 0) return out;
  const file = opts.file ?? '.prodready.yaml';
  const remediation = STALE_WAIVER_REMEDIATION;
  out.push({
    ...STALE_WAIVER_HEADER,
    status: 'warn',
    remediation,
    findings: stale.map(({ w, i }) => ({
      ruleId: STALE_WAIVER_ID,
      checkId: 'waiver',
      kind: 'rule',
      section: 0,
      severity: 'warn',
      status: 'warn',
      messageId: 'matchesNothing',
      message: `${file}${w.line !== undefined ? `:${w.line}` : ''}: waivers[${i}] (${describeWaiver(w)}) matches no failing finding`,
      data: { index: i, rule: w.rule, by: w.by, until: w.until },
      location: { file, ...(w.line !== undefined ? { line: w.line } : {}), path: `waivers[${i}]` },
      evidence: results.some((r) => r.id === w.rule) ? [`${w.rule} ran and has no failing finding there`] : [`no rule, probe or item ${w.rule} ran in this check`],
      remediation,
    })),
    evidence: [],
  });
  return out;
}
