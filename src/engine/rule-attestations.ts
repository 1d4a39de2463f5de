// An attestation of a rule item (4.migration-job) decides what its rules cannot see, and nothing else: each
// `unknown` result of the item's rules becomes a pass that names the attestation it rests on. What the files show
// wins over what a person says: when any of the item's rules fails on evidence, the attestation is not used for the
// item at all (the failure contradicts the statement), and every result it touched says so. Pure given the results,
// the entries and the clock; runs before waivers, so a waiver still only ever accepts a failure.
import type { ChecklistItem } from '../pack/checklist.js';
import type { Finding, Status, UnitResult } from '../core/types.js';
import { attestationFact, entryState, info, type AttestationEntry, type LoadedAttestations } from './attestations.js';

const failing = (s: Status): boolean => s === 'fail' || s === 'warn';

function appendNote(f: Finding, note: string): Finding {
  return { ...f, evidence: [...f.evidence, note] };
}

/** The unknown findings of `r` become passes resting on `entry`; the result says what the files could not decide. */
function attest(r: UnitResult, item: ChecklistItem, entry: AttestationEntry, where: string): UnitResult {
  const fact = attestationFact(entry);
  const decided = `decided by the attestation of ${item.id} (${where}), not by the files: ${fact}`;
  const findings = r.findings.map((f): Finding =>
    f.status === 'unknown' ? { ...appendNote(f, decided), status: 'pass', attestation: info(entry) } : f,
  );
  const undecided = r.findings.filter((f) => f.status === 'unknown').map((f) => `the files could not decide: ${f.message}`);
  const { reason: _undecided, ...rest } = r;
  return {
    ...rest,
    status: 'pass',
    findings,
    evidence: [...r.evidence, `rests on the attestation of ${item.id}: ${fact}; statement: ${entry.statement}`, ...undecided],
  };
}

/**
 * Apply the entries that name rule items to the evaluated results. Only results of the item's own rules
 * (`decidedBy`) are touched; rules that did not run (off, --only, --skip) have no result and are left alone.
 */
export function applyRuleAttestations(
  results: UnitResult[],
  items: ChecklistItem[],
  loaded: LoadedAttestations | undefined,
  now: Date,
): UnitResult[] {
  if (!loaded) return results;
  const out = [...results];
  for (const entry of loaded.entries) {
    const item = items.find((i) => i.id === entry.item);
    if (!item || item.kind !== 'rule') continue;
    const decidedBy = item.decidedBy ?? [];
    const mine = out.flatMap((r, i) => (r.kind === 'rule' && decidedBy.includes(r.id) ? [{ r, i }] : []));
    if (mine.length === 0) continue;
    const where = `${loaded.file}${entry.line !== undefined ? `:${entry.line}` : ''}`;
    const who = `the attestation of ${item.id} by ${entry.by} (${where})`;
    const state = entryState(entry, now);
    const failed = mine.filter(({ r }) => failing(r.status)).map(({ r }) => r.id);
    const overruled = failed.length > 0 ? `${who} was not used: ${failed.join(', ')} failed on evidence, which an attestation never overrides` : undefined;
    const invalid = state.valid
      ? undefined
      : state.messageId === 'expired'
        ? `${who} expired on ${entry.expires} and was not used: check it again and renew the entry`
        : `${who} is dated ${entry.date}, after today, and was not used: an attestation records a check already done`;
    for (const { r, i } of mine) {
      if (failing(r.status)) {
        // The failure stands; its findings say the attestation was seen and why it did not count.
        const note = overruled!;
        out[i] = { ...r, findings: r.findings.map((f) => (failing(f.status) ? appendNote(f, note) : f)) };
      } else if (r.status === 'unknown') {
        const note = overruled ?? invalid;
        if (note === undefined) {
          out[i] = attest(r, item, entry, where);
        } else {
          out[i] = {
            ...r,
            ...(r.reason !== undefined ? { reason: `${r.reason}; ${note}` } : { reason: note }),
            findings: r.findings.map((f) => (f.status === 'unknown' ? appendNote(f, note) : f)),
          };
        }
      } else if (r.status === 'pass') {
        const note = overruled ?? invalid ?? `${who} was not needed for this rule: it passed on evidence`;
        out[i] = { ...r, evidence: [...r.evidence, note] };
      }
    }
  }
  return out;
}
