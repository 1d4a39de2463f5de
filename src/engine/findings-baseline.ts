// The findings baseline: adopt the gate on a deployment that is not clean yet. `--write-baseline FILE` records the
// failing findings by their stable fingerprint (src/core/fingerprint.ts, the one SARIF shows); `--baseline-findings
// FILE` accepts those (waived, reason "in baseline"), so only new findings fail, and reports entries that match
// nothing any more. The file holds rule ids, fingerprints, file names and message ids: never a message, a value or
// evidence, so it cannot carry a secret.
import { z } from 'zod';
import { lazy } from '../core/lazy.js';
import { fingerprintedFindings, type Roots } from '../core/fingerprint.js';
import { readInput } from '../io/read-file.js';
import { UserError } from '../core/errors.js';
import { sortUnits } from '../core/order.js';
import { summarize } from './result.js';
import type { Finding, RunResult, UnitHeader, UnitMeta, UnitResult } from '../core/types.js';

export const BASELINE_VERSION = 1;
export const BASELINE_GONE_ID = 'baseline-entry-gone';
export const BASELINE_REASON = 'in baseline';
/** A baseline is a list of short lines; a file this large is not one. */
const MAX_BASELINE_BYTES = 32 * 1024 * 1024;

const entrySchema = () =>
  z.strictObject({
    deployment: z.string().max(4096).optional(),
    ruleId: z.string().min(1).max(200),
    fingerprint: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hexadecimal digits'),
    file: z.string().max(4096),
    messageId: z.string().max(200),
  });
// Built on first use: only --baseline-findings parses with it.
const baselineSchema = lazy(() =>
  z.strictObject({
    version: z.literal(BASELINE_VERSION),
    tool: z.literal('prodready'),
    findings: z.array(entrySchema()),
  }),
);

export type BaselineEntry = z.infer<ReturnType<typeof entrySchema>>;

export interface FindingsBaseline {
  /** The file as the user named it. */
  file: string;
  entries: BaselineEntry[];
  /** 1-based line of each entry (one entry per line, as written). */
  lines: number[];
}

const keyOf = (deployment: string | undefined, fingerprint: string): string => `${deployment ?? ''}\u0000${fingerprint}`;

/** What a baseline records of a finding: it fails now and nothing but an earlier baseline accepts it. */
function recordable(f: Finding): boolean {
  if (f.fatal || f.ruleId === BASELINE_GONE_ID) return false;
  return f.status === 'fail' || f.status === 'warn' || (f.status === 'waived' && f.waiver?.source === 'baseline');
}

/** The entries of one run's failing findings (a fleet gives each deployment's its name). */
export function baselineEntries(result: RunResult, roots: Roots): BaselineEntry[] {
  return fingerprintedFindings(result, roots)
    .filter(({ finding }) => recordable(finding))
    .map(({ finding, fingerprint }) => {
      const file = finding.location?.file;
      return {
        ...(result.deployment ? { deployment: result.deployment } : {}),
        ruleId: finding.ruleId,
        fingerprint,
        file: file === undefined ? '' : file === '-' ? '<stdin>' : file,
        messageId: finding.messageId,
      };
    });
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  const text = (x: string, y: string): number => (x === y ? 0 : x < y ? -1 : 1);
  return text(a.deployment ?? '', b.deployment ?? '') || text(a.file, b.file) || text(a.ruleId, b.ruleId) || text(a.fingerprint, b.fingerprint);
}

/** The baseline file: versioned, sorted, one entry per line so a diff shows what changed. */
export function renderBaseline(entries: BaselineEntry[]): string {
  const sorted = [...entries].sort(compareEntries);
  const lines = sorted.map((e) =>
    JSON.stringify({ ...(e.deployment !== undefined ? { deployment: e.deployment } : {}), ruleId: e.ruleId, fingerprint: e.fingerprint, file: e.file, messageId: e.messageId }),
  );
  const body = lines.length ? `[\n    ${lines.join(',\n    ')}\n  ]` : '[]';
  return `{\n  "version": ${BASELINE_VERSION},\n  "tool": "prodready",\n  "findings": ${body}\n}\n`;
}

/** Read and validate a baseline; a missing, unreadable or invalid file is the user's mistake (exit 2). */
export async function readFindingsBaseline(file: string): Promise<FindingsBaseline> {
  const { text } = await readInput(file, MAX_BASELINE_BYTES);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserError('invalid-baseline', `${file} is not JSON; write one with check --write-baseline ${file}`);
  }
  const parsed = baselineSchema().safeParse(data);
  if (!parsed.success) {
    throw new UserError(
      'invalid-baseline',
      `${file} is not a prodready findings baseline (version ${BASELINE_VERSION})`,
      parsed.error.issues.slice(0, 20).map((i) => ({ file, path: i.path.map(String).join('.'), message: i.message })),
    );
  }
  // Each entry's line, found by its fingerprint (fingerprints are unique within a deployment, and hex only).
  const textLines = text.split('\n');
  const lines = parsed.data.findings.map((e) => {
    const i = textLines.findIndex((l) => l.includes(`"${e.fingerprint}"`));
    return i < 0 ? 1 : i + 1;
  });
  return { file, entries: parsed.data.findings, lines };
}

const REMEDIATION = 'Write the baseline again (check --write-baseline FILE) so it holds only findings that still fail.';
const TITLE = 'Every findings baseline entry still matches a finding';

/** The run with the baseline's findings accepted, and a warning for each entry of this deployment that is gone. */
export function applyFindingsBaseline(result: RunResult, baseline: FindingsBaseline, roots: Roots): RunResult {
  const mine = new Map<string, number>();
  baseline.entries.forEach((e, i) => {
    if ((e.deployment ?? '') === (result.deployment ?? '')) mine.set(keyOf(e.deployment, e.fingerprint), i);
  });
  const byFinding = new Map<Finding, string>();
  for (const { finding, fingerprint } of fingerprintedFindings(result, roots)) byFinding.set(finding, fingerprint);
  const matched = new Set<number>();
  const accept = (f: Finding): Finding => {
    const fp = byFinding.get(f);
    if (fp === undefined || f.fatal) return f;
    const i = mine.get(keyOf(result.deployment, fp));
    if (i === undefined) return f;
    matched.add(i);
    if (f.status !== 'fail' && f.status !== 'warn') return f;
    return { ...f, status: 'waived', waiver: { by: baseline.file, reason: BASELINE_REASON, source: 'baseline' } };
  };
  const results: UnitResult[] = result.results.map((u) => {
    const findings = u.findings.map(accept);
    if (findings.every((f, i) => f === u.findings[i])) return u;
    const status = findings.some((f) => f.status === 'fail')
      ? 'fail'
      : findings.some((f) => f.status === 'warn')
        ? 'warn'
        : findings.some((f) => f.status === 'waived')
          ? 'waived'
          : u.status;
    return { ...u, findings, status };
  });
  // Gone means judged again and not found: not when a file did not parse (nothing was judged), and not for a rule
  // that did not run or was skipped in this run (--only, --skip, not applicable).
  const judged = new Set(result.fatal.length > 0 ? [] : result.results.filter((u) => u.status !== 'skip').map((u) => u.id));
  const gone = [...mine.values()].filter((i) => !matched.has(i) && judged.has(baseline.entries[i]!.ruleId));
  if (gone.length > 0) results.push(goneUnit(baseline, gone));
  const ordered = sortUnits(results);
  return { ...result, results: ordered, summary: summarize(ordered, result.fatal, result.summary.failOn) };
}

function goneUnit(baseline: FindingsBaseline, gone: number[]): UnitResult {
  const findings: Finding[] = gone.map((i) => {
    const e = baseline.entries[i]!;
    const line = baseline.lines[i] ?? 1;
    return {
      ruleId: BASELINE_GONE_ID,
      checkId: 'findings-baseline',
      kind: 'rule',
      section: 0,
      severity: 'warn',
      status: 'warn',
      messageId: 'entryGone',
      message: `${baseline.file}:${line}: the ${e.ruleId} finding (${e.messageId}) in ${e.file || 'the deployment'} is gone; the baseline can drop it`,
      data: { rule: e.ruleId, fingerprint: e.fingerprint, file: e.file, messageIdOfEntry: e.messageId },
      location: { file: baseline.file, line },
      evidence: [],
      remediation: REMEDIATION,
    };
  });
  return { ...HEADER, status: 'warn', remediation: REMEDIATION, findings, evidence: [] };
}

/** The unit's name, shared by its result and its metadata. */
const HEADER: UnitHeader = { id: BASELINE_GONE_ID, kind: 'rule', checkId: 'findings-baseline', title: TITLE, section: 0, severity: 'warn' };

export const BASELINE_META: UnitMeta = {
  ...HEADER,
  description: 'A findings baseline entry that matches no finding of this run: what it recorded was fixed or moved out of the deployment.',
  remediation: REMEDIATION,
};
