// Inline suppressions: a failing finding accepted where it is written, with a reason.
//   .env and YAML files:  `# prodready-ignore <rule-id>[, <rule-id>]: <reason> [until YYYY-MM-DD]`
//                         on the finding's line, or alone on the line above it (several may be stacked);
//                         `# prodready-ignore-file <rule-id>: <reason>` among the comments at the top of a file.
//   manifests:            `metadata.annotations["prodready.io/ignore"]: "<rule-id>: <reason>"` on the object;
//                         several entries separated by newlines or `;`.
// `until` may also stand before the colon (`<rule-id> until 2026-03-31: <reason>`).
//
// Like waivers (waivers.ts), a suppression turns a failing finding into `waived`, with its reason. Like ESLint's
// `--report-unused-disable-directives` and eslint-comments' require-description, a directive that is unused,
// expired, has no reason, names no rule or sits in the wrong place is itself a warning finding at its file:line:
// it suppresses nothing, so the finding it meant stays visible. So is one whose `until` runs further ahead than
// thresholds.maxExpiryDays, the horizon config waivers are held to (expiry-horizon.ts): a comment in a deployment
// file must not accept a risk for longer than the config file may. Pure given the results, the model and the clock.
import type { ObjectAnnotation, SourceComment } from '../core/model.js';
import { isBeforeToday, isCalendarDay } from '../core/dates.js';
import { didYouMean } from '../core/did-you-mean.js';
import type { Finding, Location, Status, UnitHeader, UnitMeta, UnitResult } from '../core/types.js';
import { expiryHorizon } from './expiry-horizon.js';

export const SUPPRESSION_UNIT_ID = 'inline-suppression';
export const IGNORE_ANNOTATION = 'prodready.io/ignore';

const TITLE = 'Every inline suppression has a reason and matches a failing finding';
const REMEDIATION =
  'Write the suppression as `# prodready-ignore <rule-id>: <reason>` on the finding\'s line or the line above (in manifests, the annotation prodready.io/ignore: "<rule-id>: <reason>"), or remove it when nothing there fails any more.';

export type DirectiveScope = 'line' | 'file' | 'object';

/** One rule named by one directive, parsed; `problem` set when it cannot suppress anything. */
export interface Directive {
  scope: DirectiveScope;
  /** Where the directive is written (the comment, or the annotation's key). */
  at: { file: string; line: number; column: number };
  /** The line it speaks of (scope line), the object (scope object). */
  targetLine?: number;
  resource?: string;
  /** Lines of the annotated object (scope object). */
  objectLines?: { start: number; end: number };
  ruleId: string;
  reason: string;
  until?: string;
  problem?: { messageId: 'missingReason' | 'badDate' | 'misplaced' | 'malformed'; detail: string };
}

const DIRECTIVE = /^prodready-ignore(-file)?(?=$|[\s:,])/;
const RULE_ID = /^[A-Za-z0-9][\w./-]{0,99}$/;
const UNTIL_HEAD = /(?:^|\s)until\s+(\S+)\s*$/;
const UNTIL_TAIL = /[\s,;(]*\buntil\s+(\d{4}-\d{2}-\d{2})\)?\s*$/;

/** Control characters of a comment are shown escaped: a reason is printed in every report. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `<ids> [until D]: <reason> [until D]` → one directive per id (without scope and position). */
function parseBody(body: string): Array<Pick<Directive, 'ruleId' | 'reason' | 'until' | 'problem'>> {
  const colon = body.indexOf(':');
  let head = (colon < 0 ? body : body.slice(0, colon)).trim();
  let reason = colon < 0 ? '' : body.slice(colon + 1).trim();
  let until: string | undefined;
  const headUntil = UNTIL_HEAD.exec(head);
  if (headUntil) {
    until = headUntil[1]!;
    head = head.slice(0, headUntil.index).trim();
  } else {
    const tailUntil = UNTIL_TAIL.exec(reason);
    if (tailUntil) {
      until = tailUntil[1]!;
      reason = reason.slice(0, tailUntil.index).trim();
    }
  }
  const ids = head.split(/[\s,]+/).filter(Boolean);
  if (ids.length === 0 || !ids.every((id) => RULE_ID.test(id))) {
    return [{ ruleId: '', reason: '', problem: { messageId: 'malformed', detail: 'it names no rule id before the colon' } }];
  }
  // A directive that cannot work is one problem, however many rules it names.
  if (reason === '') return [{ ruleId: ids.join(', '), reason: '', problem: { messageId: 'missingReason', detail: 'a suppression needs a reason after the colon' } }];
  if (until !== undefined && !isCalendarDay(until)) {
    return [{ ruleId: ids.join(', '), reason: '', problem: { messageId: 'badDate', detail: `until ${printable(until.slice(0, 20))} is not a calendar day written YYYY-MM-DD` } }];
  }
  return ids.map((ruleId) => ({ ruleId, reason: printable(reason), ...(until !== undefined ? { until } : {}) }));
}

/** The directives in the comments of one run's files. Comments that are not directives are ignored. */
export function commentDirectives(comments: readonly SourceComment[]): Directive[] {
  const out: Directive[] = [];
  // A comment alone on its line speaks of the next line that is not itself a lone comment (stacked directives).
  const ownLines = new Map<string, Set<number>>();
  for (const c of comments) if (c.ownLine) (ownLines.get(c.file) ?? ownLines.set(c.file, new Set()).get(c.file)!).add(c.line);
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
    const fileScope = m[1] !== undefined;
    const at = { file: c.file, line: c.line, column: c.column };
    const parsed = parseBody(c.text.slice(m[0].length));
    for (const p of parsed) {
      const d: Directive = { scope: fileScope ? 'file' : 'line', at, ...p };
      if (fileScope && !c.leading && !d.problem) {
        d.problem = { messageId: 'misplaced', detail: 'prodready-ignore-file must be among the comments at the top of the file' };
      }
      if (!fileScope) {
        let target = c.line;
        if (c.ownLine) {
          target = c.line + 1;
          const lone = ownLines.get(c.file)!;
          while (lone.has(target)) target += 1;
        }
        d.targetLine = target;
      }
      out.push(d);
    }
  }
  return out;
}

/** The directives of `prodready.io/ignore` annotations: entries separated by newlines or `;`. */
export function annotationDirectives(annotations: readonly ObjectAnnotation[]): Directive[] {
  const out: Directive[] = [];
  for (const a of annotations) {
    if (a.key !== IGNORE_ANNOTATION) continue;
    const at = { file: a.file, line: a.line, column: a.column };
    const entries = a.value.slice(0, 4000).split(/[\n;]/).map((e) => e.trim()).filter(Boolean);
    if (entries.length === 0) {
      out.push({ scope: 'object', at, resource: a.resource, ruleId: '', reason: '', problem: { messageId: 'malformed', detail: 'the annotation is empty' } });
    }
    for (const e of entries) for (const p of parseBody(e)) out.push({ scope: 'object', at, resource: a.resource, objectLines: a.objectLines, ...p });
  }
  return out;
}

const isFailing = (s: Status): boolean => s === 'fail' || s === 'warn';

function directiveMatches(d: Directive, f: Finding): boolean {
  if (f.ruleId !== d.ruleId) return false;
  const loc = f.location ?? {};
  if (loc.file !== d.at.file) return false;
  if (d.scope === 'file') return true;
  // By position within the object: the finding's resource name may be shown masked by the secret policy.
  if (d.scope === 'object') {
    const r = d.objectLines;
    return r !== undefined && loc.line !== undefined ? loc.line >= r.start && loc.line <= r.end : loc.resource === d.resource;
  }
  return loc.line === d.targetLine;
}

function unitStatus(original: Status, findings: Finding[]): Status {
  if (findings.some((f) => f.status === 'fail')) return 'fail';
  if (findings.some((f) => f.status === 'warn')) return 'warn';
  if (findings.some((f) => f.status === 'waived')) return 'waived';
  return original;
}

export interface SuppressionOptions {
  now: Date;
  /** thresholds.maxExpiryDays of the config: a directive whose `until` lies further ahead suppresses nothing. */
  maxExpiryDays: number;
  /** Every unit id the pack has (rules, probes, attestable items): a directive naming another is a mistake. */
  known: ReadonlySet<string>;
  /** Units that exist but did not run (--only, --skip, severity off): their directives are neither applied nor unused. */
  notRun?: ReadonlySet<string>;
}

const where = (d: Directive): string => `${d.at.file}:${d.at.line}`;

/** The inline suppressions of the model applied to the results, plus a unit for directives that do not work. */
export function applySuppressions(
  results: UnitResult[],
  source: { comments?: readonly SourceComment[]; annotations?: readonly ObjectAnnotation[] },
  opts: SuppressionOptions,
): UnitResult[] {
  const directives = [...commentDirectives(source.comments ?? []), ...annotationDirectives(source.annotations ?? [])];
  if (directives.length === 0) return results;
  type Trouble = { d: Directive; messageId: string; detail: string };
  const troubles: Trouble[] = [];
  const live: Directive[] = [];
  const tooFar = expiryHorizon(opts.maxExpiryDays, opts.now);
  for (const d of directives) {
    const beyond = d.until !== undefined ? tooFar(d.until) : undefined;
    if (d.problem) troubles.push({ d, messageId: d.problem.messageId, detail: d.problem.detail });
    // Like a config waiver's, the date is judged whether or not the rule runs: it is wrong as written.
    else if (beyond !== undefined) troubles.push({ d, messageId: 'tooFarAhead', detail: `until ${beyond}` });
    else if (opts.notRun?.has(d.ruleId)) continue;
    else if (!opts.known.has(d.ruleId)) {
      const guess = didYouMean(d.ruleId, opts.known);
      troubles.push({ d, messageId: 'unknownRule', detail: `no rule, probe or item is called ${d.ruleId}${guess ? `; did you mean ${guess}?` : ''}` });
    } else live.push(d);
  }
  const used = new Set<Directive>();
  const out = results.map((unit) => {
    let touched = false;
    const findings = unit.findings.map((f) => {
      if (!isFailing(f.status) && f.status !== 'waived') return f;
      const matching = live.filter((d) => directiveMatches(d, f));
      if (matching.length === 0) return f;
      for (const d of matching) used.add(d);
      // Already waived in the config file: the suppression is used, the config's waiver stays the one shown.
      if (f.status === 'waived') return f;
      touched = true;
      const active = matching.find((d) => d.until === undefined || !isBeforeToday(d.until, opts.now));
      if (active) {
        return {
          ...f,
          status: 'waived' as const,
          waiver: { by: where(active), reason: active.reason, ...(active.until !== undefined ? { until: active.until } : {}), source: 'inline' as const },
        };
      }
      return { ...f, evidence: [...f.evidence, ...matching.map((d) => `the suppression at ${where(d)} expired on ${d.until}`)] };
    });
    if (!touched) return unit;
    return { ...unit, findings, status: unitStatus(unit.status, findings) };
  });
  for (const d of live) {
    if (d.until !== undefined && isBeforeToday(d.until, opts.now)) {
      troubles.push({ d, messageId: 'expired', detail: `it expired on ${d.until}, so it no longer suppresses ${d.ruleId}` });
    } else if (!used.has(d)) {
      // Unused means judged and not failing there: a rule skipped in this run (not applicable, or a file that does
      // not parse) was not judged, so its suppressions are left alone.
      if (results.find((r) => r.id === d.ruleId)?.status === 'skip') continue;
      const what = d.scope === 'file' ? 'in this file' : d.scope === 'object' ? `on ${d.resource}` : `on line ${d.targetLine}`;
      troubles.push({ d, messageId: 'unused', detail: `${d.ruleId} has no failing finding ${what}` });
    }
  }
  if (troubles.length === 0) return out;
  out.push(troubleUnit(troubles));
  return out;
}

function troubleUnit(troubles: Array<{ d: Directive; messageId: string; detail: string }>): UnitResult {
  const findings: Finding[] = troubles.map(({ d, messageId, detail }) => {
    const location: Location = { file: d.at.file, line: d.at.line, column: d.at.column, ...(d.resource ? { resource: d.resource } : {}) };
    const named = d.ruleId ? `prodready-ignore ${d.ruleId}` : 'prodready-ignore';
    return {
      ruleId: SUPPRESSION_UNIT_ID,
      checkId: 'suppression',
      kind: 'rule',
      section: 0,
      severity: 'warn',
      status: 'warn',
      messageId,
      message: `${where(d)}: ${named} suppresses nothing: ${detail}`,
      data: { rule: d.ruleId, scope: d.scope, ...(d.until !== undefined ? { until: d.until } : {}) },
      location,
      evidence: [],
      remediation: REMEDIATION,
    };
  });
  return { ...HEADER, status: 'warn', remediation: REMEDIATION, findings, evidence: [] };
}

/** The unit's name, shared by its result and its metadata. */
const HEADER: UnitHeader = { id: SUPPRESSION_UNIT_ID, kind: 'rule', checkId: 'suppression', title: TITLE, section: 0, severity: 'warn' };

/** Metadata of the unit for reporters that list rules (SARIF rules[], JUnit names). */
export const SUPPRESSION_META: UnitMeta = {
  ...HEADER,
  description:
    'An inline suppression (# prodready-ignore, prodready-ignore-file, or the prodready.io/ignore annotation) that suppresses nothing: it is unused, expired, runs further ahead than thresholds.maxExpiryDays, has no reason, names no rule or is misplaced.',
  remediation: REMEDIATION,
};
