import { describe, expect, it } from 'vitest';
import { attestationResults, attestationTemplate, parseAttestations } from '../../src/engine/attestations.js';
import { loadChecklist } from '../../src/pack/checklist.js';
import { UserError } from '../../src/core/errors.js';
import { userError } from '../helpers/user-error.js';

const items = loadChecklist();
const NOW = new Date('2026-11-25T12:00:00Z');

const entry = (over: Record<string, string> = {}): string => {
  const e = {
    item: '4.restore-tested',
    statement: 'Restored last night’s backup into staging and ran the smoke suite.',
    by: 'Dana Ops <dana@example.com>',
    date: '2026-11-20',
    evidence: 'https://wiki.example.com/runbooks/restore-2026-11',
    expires: '2027-05-20',
    ...over,
  };
  return ['attestations:', `  - item: ${e.item}`, ...Object.entries(e).filter(([k]) => k !== 'item').map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)].join('\n');
};

function unitFor(text: string, id = '4.restore-tested') {
  const loaded = parseAttestations(text, 'prodready.attestations.yaml', items);
  const unit = attestationResults(items, loaded, NOW).find((r) => r.id === id);
  if (!unit) throw new Error(`no result for ${id}`);
  return unit;
}


describe('attestations', () => {
  it('every attestable item is manual without an entry, with the reason saying how to attest it', () => {
    const results = attestationResults(items, undefined, NOW);
    const attestable = items.filter((i) => i.kind === 'attestation');
    expect(results.map((r) => r.id)).toEqual(attestable.map((i) => i.id));
    for (const r of results) {
      expect(r).toMatchObject({ kind: 'attestation', checkId: 'attestation', status: 'manual', findings: [] });
      expect(r.reason).toBe(`needs an attestation: add an entry for item ${r.id} to prodready.attestations.yaml (prodready attest --template)`);
      expect(r.title).toBe(items.find((i) => i.id === r.id)!.text);
      expect(r.section).toBe(Number(r.id[0]));
    }
  });

  it('a valid entry passes with who and until as evidence, and the attestation on its finding', () => {
    const unit = unitFor(entry());
    expect(unit.status).toBe('pass');
    expect(unit.evidence).toEqual(['attested by Dana Ops <dana@example.com> on 2026-11-20, until 2027-05-20: https://wiki.example.com/runbooks/restore-2026-11']);
    expect(unit.findings).toHaveLength(1);
    expect(unit.findings[0]!.attestation).toEqual({
      item: '4.restore-tested',
      statement: 'Restored last night’s backup into staging and ran the smoke suite.',
      by: 'Dana Ops <dana@example.com>',
      date: '2026-11-20',
      evidence: 'https://wiki.example.com/runbooks/restore-2026-11',
      expires: '2027-05-20',
    });
    expect(unit.findings[0]!.location).toEqual({ file: 'prodready.attestations.yaml', line: 2, path: 'attestations[0]' });
    // The other items stay manual.
    expect(attestationResults(items, parseAttestations(entry(), 'a.yaml', items), NOW).filter((r) => r.status === 'manual')).toHaveLength(
      items.filter((i) => i.kind === 'attestation').length - 1,
    );
  });

  it('an entry expiring today still counts; one that expired yesterday fails saying when', () => {
    expect(unitFor(entry({ expires: '2026-11-25' })).status).toBe('pass');
    const unit = unitFor(entry({ expires: '2026-11-24' }));
    expect(unit.status).toBe('fail');
    expect(unit.findings[0]!.status).toBe('fail');
    expect(unit.findings[0]!.messageId).toBe('expired');
    expect(unit.findings[0]!.message).toContain('expired on 2026-11-24');
    expect(unit.findings[0]!.attestation?.by).toBe('Dana Ops <dana@example.com>');
  });

  it('an entry dated after today fails: it records something not yet done', () => {
    const unit = unitFor(entry({ date: '2026-11-26', expires: '2027-01-01' }));
    expect(unit.status).toBe('fail');
    expect(unit.findings[0]!.messageId).toBe('futureDated');
    expect(unit.findings[0]!.message).toContain('dated 2026-11-26, after today (2026-11-25)');
  });

  it('config severities lower an expired entry to a warning or turn the item off', () => {
    const loaded = parseAttestations(entry({ date: '2025-06-01', expires: '2026-01-01' }), 'a.yaml', items);
    const warn = attestationResults(items, loaded, NOW, { '4.restore-tested': 'warn' }).find((r) => r.id === '4.restore-tested');
    expect(warn?.status).toBe('warn');
    const off = attestationResults(items, loaded, NOW, { '4.restore-tested': 'off' });
    expect(off.some((r) => r.id === '4.restore-tested')).toBe(false);
  });

  it('an unknown item is a user error naming the file, the path and the known ids, with a suggestion', () => {
    const e = userError(() => parseAttestations(entry({ item: '4.restore-test' }), 'att.yaml', items));
    expect(e.code).toBe('invalid-attestations');
    const text = e.format();
    expect(text).toContain('att.yaml: attestations[0].item: unknown item "4.restore-test"; did you mean "4.restore-tested"?');
    for (const i of items.filter((x) => x.kind === 'attestation')) expect(text).toContain(i.id);
  });

  it('an address in angle brackets is an answer, not a placeholder', () => {
    expect(unitFor(entry({ by: '<dana@example.com>' })).status).toBe('pass');
  });

  it('an item decided by a probe cannot be attested; one decided by rules can, and makes no result of its own', () => {
    const e = userError(() => parseAttestations(entry({ item: '4.migrations-applied' }), 'att.yaml', items));
    expect(e.format()).toContain('att.yaml: attestations[0].item: item "4.migrations-applied" is decided by probes (migrations-applied), which a person cannot attest for them');
    const loaded = parseAttestations(entry({ item: '4.migration-job' }), 'att.yaml', items);
    expect(loaded.entries.map((a) => a.item)).toEqual(['4.migration-job']);
    // The rule item's own rules carry the attestation (rule-attestations.ts); it adds no attestation result.
    expect(attestationResults(items, loaded, NOW).map((r) => r.id)).not.toContain('4.migration-job');
    expect(attestationResults(items, loaded, NOW).every((r) => r.status === 'manual')).toBe(true);
  });

  it('rejects placeholders, impossible dates, expiry before the date, duplicates and unknown keys, each at its path', () => {
    const cases: Array<[string, string]> = [
      [entry({ by: '<name and email, or team>' }), 'attestations[0].by: still a placeholder'],
      [entry({ date: '2026-02-30' }), 'attestations[0].date: expected a real calendar date YYYY-MM-DD'],
      [entry({ date: 'YYYY-MM-DD' }), 'attestations[0].date: expected a date YYYY-MM-DD'],
      [entry({ expires: '2026-01-01' }), 'attestations[0].expires: expires before date'],
      [entry({ evidence: 'ftp://example.com/x' }), 'attestations[0].evidence: expected an http(s) URL or a path'],
      [`${entry()}\n    expirs: "2027-01-01"`, 'attestations[0].expirs: unknown key; did you mean "expires"?'],
      [`${entry()}\n    signed: "yes"`, 'attestations[0].signed: unknown key (known: item, statement, by, date, evidence, expires)'],
      [`${entry()}\n${entry().split('\n').slice(1).join('\n')}`, 'item "4.restore-tested" is attested twice'],
    ];
    for (const [text, expected] of cases) {
      const e = userError(() => parseAttestations(text, 'att.yaml', items));
      expect(e.code).toBe('invalid-attestations');
      expect(e.format()).toContain(expected);
    }
  });

  it('a YAML syntax error names the line', () => {
    const e = userError(() => parseAttestations('attestations:\n  - item: [unclosed\n', 'att.yaml', items));
    expect(e.format()).toMatch(/att\.yaml:\d+: /);
  });

  it('the template lists every attestable item with its text, does not validate unfilled, and parses once filled', () => {
    const template = attestationTemplate(items);
    for (const i of items.filter((x) => x.kind === 'attestation')) {
      expect(template).toContain(`- item: ${i.id}`);
      expect(template).toContain(`# ${i.text}`);
    }
    expect(() => parseAttestations(template, 'tpl.yaml', items)).toThrow(UserError);
    // Rule items follow, commented out, each saying it decides only what its rules cannot.
    for (const i of items.filter((x) => x.kind === 'rule')) {
      expect(template).toContain(`  # Decides only what the rules cannot: ${(i.decidedBy ?? []).join(', ')}\n  # - item: ${i.id}\n`);
    }
    expect(template).toContain('a rule that fails on evidence still');
    for (const i of items.filter((x) => x.kind === 'probe')) expect(template).not.toContain(`item: ${i.id}\n`);
    const filled = template
      .replace(/"<what was checked or done, and how>"/g, '"Checked by walking through the runbook."')
      .replace(/"<name and email, or team>"/g, '"Platform team"')
      .replace(/"<link or path to the proof>"/g, '"docs/evidence/review-2026-11.md"')
      .replace(/date: "YYYY-MM-DD"/g, 'date: "2026-11-01"')
      .replace(/expires: "YYYY-MM-DD"/g, 'expires: "2027-11-01"');
    const loaded = parseAttestations(filled, 'tpl.yaml', items);
    const results = attestationResults(items, loaded, NOW);
    expect(results.length).toBeGreaterThan(5);
    expect(results.every((r) => r.status === 'pass')).toBe(true);
  });
});
