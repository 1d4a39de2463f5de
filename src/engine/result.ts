import type { DeploymentModel } from '../core/model.js';
import {
  SECTIONS,
  SECTION_TITLES,
  type Finding,
  type InputDescription,
  type LoadFigures,
  type RunResult,
  type RunSummary,
  type Severity,
  type Status,
  type UnitResult,
} from '../core/types.js';
import { sortFindings, sortUnits } from '../core/order.js';

const PARSE_MESSAGES: Record<string, string> = {
  'yaml-syntax': 'does not parse as YAML',
  'yaml-alias': 'has aliases that cannot be expanded within bounds',
  'yaml-too-many-nodes': 'is too large to parse within bounds',
  'binary-file': 'is not a text file',
  'invalid-utf8': 'is not valid UTF-8',
  'env-syntax': 'has a line that is not KEY=VALUE',
  'env-unterminated-quote': 'has an unterminated quote',
  'values-not-a-map': 'is not a map of values',
};

/** A file that cannot be read as what it claims to be: fatal, with its position. */
export function fatalFindings(model: DeploymentModel): Finding[] {
  return model.problems.map((p) => ({
    ruleId: 'parse-error',
    checkId: 'source',
    kind: 'rule',
    section: 0,
    severity: 'error',
    status: 'fail',
    messageId: p.code,
    message: `${p.file} ${PARSE_MESSAGES[p.code] ?? 'cannot be read'}: ${p.message}`,
    data: { file: p.file, line: p.line, column: p.column },
    location: { file: p.file, line: p.line, column: p.column },
    evidence: [],
    remediation:
      p.code === 'invalid-utf8'
        ? 'Save the file as UTF-8 (fix the byte at the given line); the rest of it was checked with U+FFFD in its place.'
        : 'Fix the syntax at the given line so the file can be read; nothing else in it was checked.',
    fatal: true,
  }));
}

/**
 * A literal in STATUSES' order (the report's key order), not built with Object.fromEntries: objects built that way
 * stay slow to update and to serialise, and every section of every deployment of a fleet has one.
 */
function zeroCounts(): Record<Status, number> {
  return { pass: 0, fail: 0, warn: 0, skip: 0, unknown: 0, manual: 0, waived: 0 } satisfies Record<Status, number>;
}

export function summarize(results: UnitResult[], fatal: Finding[], failOn: Severity): RunSummary {
  const counts = zeroCounts();
  const sections = SECTIONS.map((section) => ({ section, title: SECTION_TITLES[section], counts: zeroCounts() }));
  for (const r of results) {
    counts[r.status] += 1;
    sections[r.section]!.counts[r.status] += 1;
  }
  const failing = counts.fail > 0 || fatal.length > 0 || (failOn !== 'error' && counts.warn > 0);
  return { verdict: failing ? 'not-ready' : 'ready', failOn, counts, sections, fatal: fatal.length };
}

export function buildRunResult(args: {
  version: string;
  model: DeploymentModel;
  results: UnitResult[];
  inputs: InputDescription[];
  failOn: Severity;
  now: Date;
  deployment?: string;
  load?: LoadFigures[];
}): RunResult {
  const fatal = sortFindings(fatalFindings(args.model));
  const results = sortUnits(args.results);
  return {
    schemaVersion: '1.0',
    tool: { name: 'prodready', version: args.version },
    generatedAt: args.now.toISOString(),
    environment: { production: args.model.production, source: args.model.environmentSource },
    ...(args.deployment ? { deployment: args.deployment } : {}),
    inputs: args.inputs,
    fatal,
    results,
    summary: summarize(results, fatal, args.failOn),
    ...(args.load && args.load.length > 0 ? { load: args.load } : {}),
  };
}

/** Exit code for a run: 1 when anything at or above --fail-on failed (or a file did not parse), else 0. */
export function exitCodeFor(result: RunResult): 0 | 1 {
  return result.summary.verdict === 'ready' ? 0 : 1;
}
