import { describe, expect, it } from 'vitest';
import { parseAttestations } from '../../src/engine/attestations.js';
import { applyRuleAttestations } from '../../src/engine/rule-attestations.js';
import { govern } from '../../src/engine/governance.js';
import { defaultConfig } from '../../src/core/config-types.js';
import { loadChecklist } from '../../src/pack/checklist.js';
import type { Finding, Status, UnitResult } from '../../src/core/types.js';

const items = loadChecklist();
const NOW = new Date('2026-11-25T12:00:00Z');

const ATTESTATION = [
  'attestations:',
  '  - item: 4.migration-job',
  '    statement: "The app image entrypoint runs `migrate up` before exiting; read in its Dockerfile."',
  '    by: Dana Ops <dana@example.com>',
  '    date: "2026-11-20"',
  '    evidence: https://git.example.com/app/blob/main/Dockerfile',
  '    expires: "2027-05-20"',
].join('\n');
const FACT = 'attested by Dana Ops <dana@example.com> on 2026-11-20, until 2027-05-20: https://git.example.com/app/blob/main/Dockerfile';

function finding(ruleId: string, status: Status, message: string, messageId = 'm'): Finding {
  return {
    ruleId,
    checkId: ruleId === 'migration-job-present' ? 'migration-job' : 'forbidden-value',
    kind: 'rule',
    section: 4,
    severity: status === 'warn' ? 'warn' : 'error',
    status,
    messageId,
    message,
    data: {},
    location: { file: 'rendered.yaml', line: 13, resource: 'Job/app-migrate' },
    evidence: [],
  };
}

function unit(id: string, status: Status, findings: Finding[] = [], extra: Partial<UnitResult> = {}): UnitResult {
  return {
    id,
    kind: 'rule',
    checkId: findings[0]?.checkId ?? 'forbidden-value',
    title: id,
    section: 4,
    severity: 'error',
    status,
    findings,
    evidence: [],
    ...(status === 'unknown' ? { reason: findings.map((f) => f.message).join('; ') } : {}),
    ...extra,
  };
}

const UNRECOGNISED = 'Job/app-migrate is named as a migration step but its command is not one this rule recognises (`/app/bootstrap --mode=schema`)';
const unknownJob = (): UnitResult => unit('migration-job-present', 'unknown', [finding('migration-job-present', 'unknown', UNRECOGNISED, 'unrecognised')]);
const startOff = (): UnitResult => unit('migrate-on-start-disabled', 'pass', [], { evidence: ['MIGRATE_ON_START is false'] });

function apply(results: UnitResult[], text = ATTESTATION, now = NOW): UnitResult[] {
  return applyRuleAttestations(results, items, parseAttestations(text, 'prodready.attestations.yaml', items), now);
}
const byId = (results: UnitResult[], id: string): UnitResult => results.find((r) => r.id === id)!;

describe('an attestation of a rule item', () => {
  it('turns the unknown results of its rules into passes that say they rest on the attestation', () => {
    const out = apply([startOff(), unknownJob()]);
    const job = byId(out, 'migration-job-present');
    expect(job.status).toBe('pass');
    expect(job.reason).toBeUndefined();
    expect(job.evidence).toEqual([
      `rests on the attestation of 4.migration-job: ${FACT}; statement: The app image entrypoint runs \`migrate up\` before exiting; read in its Dockerfile.`,
      `the files could not decide: ${UNRECOGNISED}`,
    ]);
    const f = job.findings[0]!;
    expect(f).toMatchObject({ status: 'pass', messageId: 'unrecognised', message: UNRECOGNISED, location: { file: 'rendered.yaml', line: 13 } });
    expect(f.evidence).toEqual([`decided by the attestation of 4.migration-job (prodready.attestations.yaml:2), not by the files: ${FACT}`]);
    expect(f.attestation).toEqual({
      item: '4.migration-job',
      statement: 'The app image entrypoint runs `migrate up` before exiting; read in its Dockerfile.',
      by: 'Dana Ops <dana@example.com>',
      date: '2026-11-20',
      evidence: 'https://git.example.com/app/blob/main/Dockerfile',
      expires: '2027-05-20',
    });
    // The rule that decided on evidence keeps its pass, and says the attestation was not needed for it.
    expect(byId(out, 'migrate-on-start-disabled')).toMatchObject({ status: 'pass', findings: [] });
    expect(byId(out, 'migrate-on-start-disabled').evidence).toEqual([
      'MIGRATE_ON_START is false',
      'the attestation of 4.migration-job by Dana Ops <dana@example.com> (prodready.attestations.yaml:2) was not needed for this rule: it passed on evidence',
    ]);
  });

  it('never overrides a failure: the failing rule keeps failing and its finding says the attestation was not used', () => {
    const failed = unit('migration-job-present', 'fail', [
      finding('migration-job-present', 'fail', 'Job/app-migrate looks like a migration by name but its command does not apply migrations', 'lookalike'),
      finding('migration-job-present', 'unknown', UNRECOGNISED, 'unrecognised'),
    ]);
    const out = apply([startOff(), failed]);
    const job = byId(out, 'migration-job-present');
    expect(job.status).toBe('fail');
    expect(job.findings.map((f) => f.status)).toEqual(['fail', 'unknown']);
    expect(job.findings[0]!.evidence).toEqual([
      'the attestation of 4.migration-job by Dana Ops <dana@example.com> (prodready.attestations.yaml:2) was not used: migration-job-present failed on evidence, which an attestation never overrides',
    ]);
    expect(job.findings[0]!.attestation).toBeUndefined();
    expect(job.findings[1]!.attestation).toBeUndefined();
  });

  it('a failure of another rule of the same item keeps the unknown unknown, saying why the attestation was not used', () => {
    const onStart = unit('migrate-on-start-disabled', 'warn', [finding('migrate-on-start-disabled', 'warn', 'MIGRATE_ON_START is true')]);
    const out = apply([onStart, unknownJob()]);
    expect(byId(out, 'migrate-on-start-disabled').status).toBe('warn');
    const job = byId(out, 'migration-job-present');
    expect(job.status).toBe('unknown');
    const note = 'the attestation of 4.migration-job by Dana Ops <dana@example.com> (prodready.attestations.yaml:2) was not used: migrate-on-start-disabled failed on evidence, which an attestation never overrides';
    expect(job.reason).toBe(`${UNRECOGNISED}; ${note}`);
    expect(job.findings[0]!).toMatchObject({ status: 'unknown', evidence: [note] });
    expect(byId(out, 'migrate-on-start-disabled').findings[0]!.evidence).toEqual([note]);
  });

  it('an expired or future-dated entry decides nothing: the unknown stays unknown and says so', () => {
    const expired = byId(apply([unknownJob()], ATTESTATION, new Date('2027-05-21T00:00:00Z')), 'migration-job-present');
    expect(expired.status).toBe('unknown');
    expect(expired.reason).toContain('the attestation of 4.migration-job by Dana Ops <dana@example.com> (prodready.attestations.yaml:2) expired on 2027-05-20 and was not used');
    const early = byId(apply([unknownJob()], ATTESTATION, new Date('2026-11-19T00:00:00Z')), 'migration-job-present');
    expect(early.status).toBe('unknown');
    expect(early.reason).toContain('is dated 2026-11-20, after today, and was not used');
    // Through its last day it still counts.
    expect(byId(apply([unknownJob()], ATTESTATION, new Date('2027-05-20T23:00:00Z')), 'migration-job-present').status).toBe('pass');
  });

  it("decides only its own item's rules: an unknown of another rule stays unknown, and nothing without an entry changes", () => {
    const other = unit('dev-auth-disabled', 'unknown', [finding('dev-auth-disabled', 'unknown', 'DEV_AUTH_ENABLED comes from a Secret whose keys are not visible')]);
    const out = apply([unknownJob(), other]);
    expect(byId(out, 'dev-auth-disabled')).toEqual(other);
    expect(byId(out, 'migration-job-present').status).toBe('pass');
    const none = [unknownJob(), other];
    expect(applyRuleAttestations(none, items, undefined, NOW)).toEqual(none);
  });

  it('any rule item is attestable: 1.dev-headers-disabled decides the unknown of dev-auth-disabled', () => {
    const other = unit('dev-auth-disabled', 'unknown', [finding('dev-auth-disabled', 'unknown', 'DEV_AUTH_ENABLED comes from a Secret whose keys are not visible')]);
    const out = apply([other], ATTESTATION.replace('item: 4.migration-job', 'item: 1.dev-headers-disabled'));
    expect(byId(out, 'dev-auth-disabled').status).toBe('pass');
    expect(byId(out, 'dev-auth-disabled').findings[0]!.attestation?.item).toBe('1.dev-headers-disabled');
  });

  it('in govern it comes before waivers: a waiver still accepts the failure, the attested pass is not a waiver', () => {
    const config = {
      ...defaultConfig(),
      file: 'c.yaml',
      waivers: [{ rule: 'migrate-on-start-disabled', by: 'Ann', reason: 'one replica migrates during the freeze', until: '2026-12-31' }],
    };
    const onStart = unit('migrate-on-start-disabled', 'fail', [finding('migrate-on-start-disabled', 'fail', 'MIGRATE_ON_START is true')]);
    const loaded = parseAttestations(ATTESTATION, 'prodready.attestations.yaml', items);
    const out = govern([onStart, unknownJob()], { config, items, attestations: loaded, now: NOW, notRun: new Set() });
    expect(byId(out, 'migrate-on-start-disabled').status).toBe('waived');
    // The failure was waived after the fact; the attestation still did not decide the unknown.
    expect(byId(out, 'migration-job-present').status).toBe('unknown');
    expect(out.some((r) => r.id === '4.migration-job')).toBe(false);

    const passing = govern([startOff(), unknownJob()], { config: defaultConfig(), items, attestations: loaded, now: NOW, notRun: new Set() });
    expect(byId(passing, 'migration-job-present').status).toBe('pass');
  });
});
