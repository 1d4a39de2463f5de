import type { Finding, RunResult, UnitResult } from './types.js';

// Code-unit comparison, not localeCompare: the order must not depend on the machine's locale.
function compareText(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  // Findings without a file (live targets, whole-deployment facts) come after those with one.
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

function compareNumber(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a - b;
}

/** Section, rule, file, line, column, then the other location parts and the message, so ties are stable too. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.section - b.section ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.location?.file, b.location?.file) ||
    compareNumber(a.location?.line, b.location?.line) ||
    compareNumber(a.location?.column, b.location?.column) ||
    compareText(a.location?.path, b.location?.path) ||
    compareText(a.location?.resource, b.location?.resource) ||
    compareText(a.location?.target, b.location?.target) ||
    compareText(a.messageId, b.messageId) ||
    compareText(a.message, b.message)
  );
}

export function compareUnits(a: Pick<UnitResult, 'section' | 'id'>, b: Pick<UnitResult, 'section' | 'id'>): number {
  return a.section - b.section || compareText(a.id, b.id);
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

function inOrder<T>(list: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < list.length; i += 1) if (compare(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}

/**
 * Units by section and id, each with its findings sorted; the input is not modified. Units whose findings are
 * already in order are kept as they are rather than copied (results are never modified after they are built),
 * which spares a fleet run a copy of every unit of every deployment.
 */
export function sortUnits(units: readonly UnitResult[]): UnitResult[] {
  const sorted = inOrder(units, compareUnits) ? [...units] : [...units].sort(compareUnits);
  return sorted.map((u) => (inOrder(u.findings, compareFindings) ? u : { ...u, findings: sortFindings(u.findings) }));
}

/** The result with units, findings and fatal findings in report order (the result itself when it already is). */
export function orderResult(result: RunResult): RunResult {
  if (inOrder(result.fatal, compareFindings) && inOrder(result.results, compareUnits) && result.results.every((u) => inOrder(u.findings, compareFindings))) {
    return result;
  }
  return { ...result, fatal: sortFindings(result.fatal), results: sortUnits(result.results) };
}

/** Every finding of the run (fatal ones first), in report order. */
export function allFindings(result: RunResult): Finding[] {
  return [...sortFindings(result.fatal), ...sortFindings(result.results.flatMap((u) => u.findings))];
}
