// Attestations: a person's dated, expiring statement with evidence, for what no machine can see.
// Every attestation item becomes a result: manual without an entry, pass with a valid one, fail when expired or
// dated in the future. An entry may also name a rule item, for what its rules cannot decide (rule-attestations.ts).
// Pure given the entries and the clock.
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { readInput } from '../io/read-file.js';
import { isAfterToday, isBeforeToday, utcDay } from '../core/dates.js';
import { didYouMean } from '../core/did-you-mean.js';
import { checklistHelpUrl, type ChecklistItem } from '../pack/checklist.js';
import { calendarDay } from './config-schema.js';
import { lazy } from '../core/lazy.js';
import { UserError, type ProblemDetail } from '../core/errors.js';
import {
  SECTION_TITLES,
  type AttestationInfo,
  type Finding,
  type Severity,
  type Status,
  type UnitResult,
} from '../core/types.js';
import { parseUserYaml } from './yaml-input.js';
import { dottedPath, keysAt, zodProblems } from '../core/zod-problems.js';

export const ATTESTATIONS_FILE_NAME = 'prodready.attestations.yaml';

// The template's placeholders: angle brackets around words; `<dana@example.com>` alone is a real answer.
const PLACEHOLDER = /^<[^@]*>$/s;

const filled = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `expected ${what}`)
    .refine((s) => !PLACEHOLDER.test(s), `still a placeholder: fill in ${what}`);


/** A link (http or https) or a path; anything with a scheme must be a well-formed web link. */
const evidence = () =>
  filled('a link or path to the evidence').refine((s) => {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return !/[\r\n]/.test(s);
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'expected an http(s) URL or a path');

// Built on first use: a run without an attestations file never parses with them.
export const attestationEntrySchema = lazy(() =>
  z
    .strictObject({
      item: z.string().min(1),
      statement: filled('what was checked or done'),
      by: filled('who attests'),
      date: calendarDay(),
      evidence: evidence(),
      expires: calendarDay(),
    })
    .refine((a) => a.expires >= a.date, { message: 'expires before date', path: ['expires'] }),
);

export const attestationsFileSchema = lazy(() => z.strictObject({ attestations: z.array(attestationEntrySchema()) }));

/** An entry with where it is: its index in the list and its 1-based line. */
export type AttestationEntry = z.infer<ReturnType<typeof attestationEntrySchema>> & { index: number; line?: number };

export interface LoadedAttestations {
  /** Display name of the file. */
  file: string;
  entries: AttestationEntry[];
}

function display(file: string, cwd: string): string {
  return isAbsolute(file) && !relative(cwd, file).startsWith('..') ? relative(cwd, file) : file;
}

/** Validate attestations text against the checklist's attestable items. */
export function parseAttestations(text: string, file: string, items: ChecklistItem[]): LoadedAttestations {
  const yaml = parseUserYaml(text, file, 'invalid-attestations', 'attestations file');
  const parsed = attestationsFileSchema().safeParse(yaml.data);
  if (!parsed.success) {
    const problems = zodProblems(file, parsed.error.issues, (path) => keysAt(attestationsFileSchema(), path));
    throw new UserError('invalid-attestations', `attestations file ${file} is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  }
  const attestable = attestableIds(items);
  const problems: ProblemDetail[] = [];
  const seen = new Map<string, number>();
  const entries: AttestationEntry[] = parsed.data.attestations.map((a, i) => {
    const path = dottedPath(['attestations', i, 'item']);
    const item = items.find((x) => x.id === a.item);
    if (!item) {
      const guess = didYouMean(a.item, attestable);
      problems.push({ file, path, message: `unknown item "${a.item}"${guess ? `; did you mean "${guess}"?` : ''} (attestable items: ${attestable.join(', ')})` });
    } else if (!attestable.includes(item.id)) {
      problems.push({ file, path, message: `item "${a.item}" is decided by ${item.kind}s (${(item.decidedBy ?? []).join(', ')}), which a person cannot attest for them (attestable items: ${attestable.join(', ')})` });
    } else if (seen.has(a.item)) {
      problems.push({ file, path, message: `item "${a.item}" is attested twice (also attestations[${seen.get(a.item)}]): keep one entry per item` });
    }
    seen.set(a.item, i);
    const line = yaml.lineOf(['attestations', i]);
    return { ...a, index: i, ...(line !== undefined ? { line } : {}) };
  });
  if (problems.length > 0) {
    throw new UserError('invalid-attestations', `attestations file ${file} names items it cannot attest`, problems);
  }
  return { file, entries };
}

/**
 * `--attestations <file>` when given (it must exist), else prodready.attestations.yaml in `cwd` when present,
 * else undefined: every attestable item is then manual.
 */
export async function loadAttestations(
  items: ChecklistItem[],
  opts: { file?: string; cwd?: string } = {},
): Promise<LoadedAttestations | undefined> {
  const cwd = opts.cwd ?? process.cwd();
  const path = resolve(cwd, opts.file ?? ATTESTATIONS_FILE_NAME);
  const shown = opts.file ?? display(path, cwd);
  let text: string;
  try {
    ({ text } = await readInput(path));
  } catch (e) {
    if (e instanceof UserError && e.code === 'file-not-found') {
      if (opts.file === undefined) return undefined;
      throw new UserError('file-not-found', `attestations file ${shown}: no such file`);
    }
    throw e;
  }
  return parseAttestations(text, shown, items);
}

/**
 * The items an entry may name: attestation items, and rule items, for which an attestation decides only what their
 * rules report `unknown` (src/engine/rule-attestations.ts). Probe items are not: a live system answers for itself.
 */
export function attestableIds(items: ChecklistItem[]): string[] {
  return items.filter((i) => i.kind === 'attestation' || i.kind === 'rule').map((i) => i.id);
}

/** The evidence line of an entry, the same for every item it attests. */
export function attestationFact(a: AttestationEntry): string {
  return `attested by ${a.by} on ${a.date}, until ${a.expires}: ${a.evidence}`;
}

export type EntryState =
  | { valid: true }
  | { valid: false; messageId: 'expired' | 'futureDated'; message: string; data: Finding['data'] };

/** Whether an entry counts today: not past `expires`, not dated after today. */
export function entryState(entry: AttestationEntry, now: Date): EntryState {
  const today = utcDay(now);
  if (isBeforeToday(entry.expires, now)) {
    return {
      valid: false,
      messageId: 'expired',
      message: `the attestation of ${entry.item} by ${entry.by} expired on ${entry.expires}: check it again and renew the entry`,
      data: { item: entry.item, by: entry.by, expires: entry.expires, today },
    };
  }
  if (isAfterToday(entry.date, now)) {
    return {
      valid: false,
      messageId: 'futureDated',
      message: `the attestation of ${entry.item} by ${entry.by} is dated ${entry.date}, after today (${today}): an attestation records a check already done`,
      data: { item: entry.item, by: entry.by, date: entry.date, today },
    };
  }
  return { valid: true };
}

export function info(a: AttestationEntry): AttestationInfo {
  return { item: a.item, statement: a.statement, by: a.by, date: a.date, expires: a.expires, evidence: a.evidence };
}

/**
 * One result per attestable item. `severities` (config) may turn an item off or lower what an expired or
 * future-dated entry counts as; a missing entry is always `manual`, which never fails a run by itself.
 */
export function attestationResults(
  items: ChecklistItem[],
  loaded: LoadedAttestations | undefined,
  now: Date,
  severities: Record<string, Severity | 'off'> = {},
): UnitResult[] {
  const fileName = loaded ? basename(loaded.file) : ATTESTATIONS_FILE_NAME;
  const results: UnitResult[] = [];
  for (const item of items) {
    if (item.kind !== 'attestation') continue;
    const sev = severities[item.id];
    if (sev === 'off') continue;
    const severity: Severity = sev ?? 'error';
    const base = {
      id: item.id,
      kind: 'attestation' as const,
      checkId: 'attestation',
      title: item.text,
      section: item.section,
      severity,
      remediation: `Have the person responsible check it and record a dated, expiring entry with evidence for item ${item.id} in ${fileName} (prodready attest --template).`,
      helpUrl: checklistHelpUrl(item.id),
    };
    const entry = loaded?.entries.find((a) => a.item === item.id);
    if (!entry) {
      results.push({
        ...base,
        status: 'manual',
        reason: `needs an attestation: add an entry for item ${item.id} to ${fileName} (prodready attest --template)`,
        findings: [],
        evidence: [],
      });
      continue;
    }
    const fact = attestationFact(entry);
    const finding = (status: Status, messageId: string, message: string, data: Finding['data']): Finding => ({
      ruleId: item.id,
      checkId: 'attestation',
      kind: 'attestation',
      section: item.section,
      severity,
      status: status === 'fail' && severity !== 'error' ? 'warn' : status,
      messageId,
      message,
      data,
      location: { file: loaded!.file, ...(entry.line !== undefined ? { line: entry.line } : {}), path: `attestations[${entry.index}]` },
      evidence: [fact],
      remediation: base.remediation,
      helpUrl: base.helpUrl,
      attestation: info(entry),
    });
    const state = entryState(entry, now);
    const f = state.valid
      ? finding('pass', 'attested', `${item.id} attested by ${entry.by}, until ${entry.expires}`, { item: item.id, by: entry.by, expires: entry.expires })
      : finding('fail', state.messageId, state.message, state.data);
    results.push({ ...base, status: f.status, findings: [f], evidence: f.status === 'pass' ? [fact] : [] });
  }
  return results;
}

/**
 * A skeleton for every attestation item, its text as a comment, placeholders that do not validate until filled; then
 * the rule items, commented out, each marked as deciding only what its rules cannot.
 */
export function attestationTemplate(items: ChecklistItem[]): string {
  const q = (s: string): string => JSON.stringify(s);
  const out = [
    `# ${ATTESTATIONS_FILE_NAME}: what no machine can check, attested by a person with evidence.`,
    '# Replace every <...> and YYYY-MM-DD. `date` is the day it was checked (not in the future);',
    '# the entry counts through `expires`, then the item fails until someone checks it again.',
    '# Delete the entries nobody can attest yet: their items stay "manual" in the report.',
    'attestations:',
  ];
  let section: number | undefined;
  for (const item of items) {
    if (item.kind !== 'attestation') continue;
    if (item.section !== section) {
      section = item.section;
      out.push('', `  # ${section}) ${SECTION_TITLES[item.section]}`);
    }
    out.push(
      `  # ${item.text.replace(/\s+/g, ' ')}`,
      `  - item: ${item.id}`,
      `    statement: ${q('<what was checked or done, and how>')}`,
      `    by: ${q('<name and email, or team>')}`,
      `    date: ${q('YYYY-MM-DD')}`,
      `    evidence: ${q('<link or path to the proof>')}`,
      `    expires: ${q('YYYY-MM-DD')}`,
    );
  }
  // Rule items are decided by their rules; an entry only decides what those rules report unknown (a step the files
  // cannot show), never a failure. Commented out: most deployments need none, and an entry nobody filled is refused.
  const ruleItems = items.filter((i) => i.kind === 'rule');
  if (ruleItems.length > 0) {
    out.push(
      '',
      '  # Items decided by rules. An entry here decides ONLY what those rules report "unknown" (what the files',
      '  # cannot show, e.g. a migration step whose image entrypoint runs it); a rule that fails on evidence still',
      '  # fails, attested or not. Uncomment and fill in an entry only when its rules say unknown.',
    );
    section = undefined;
    for (const item of ruleItems) {
      if (item.section !== section) {
        section = item.section;
        out.push('', `  # ${section}) ${SECTION_TITLES[item.section]}`);
      }
      out.push(
        `  # ${item.text.replace(/\s+/g, ' ')}`,
        `  # Decides only what the rules cannot: ${(item.decidedBy ?? []).join(', ')}`,
        `  # - item: ${item.id}`,
        `  #   statement: ${q('<what the files cannot show, how it was checked>')}`,
        `  #   by: ${q('<name and email, or team>')}`,
        `  #   date: ${q('YYYY-MM-DD')}`,
        `  #   evidence: ${q('<link or path to the proof>')}`,
        `  #   expires: ${q('YYYY-MM-DD')}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
