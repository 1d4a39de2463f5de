import { describe, expect, it } from 'vitest';
import type { Waiver } from '../../src/core/config-types.js';
import type { Finding, Status, UnitResult } from '../../src/core/types.js';
import { applyWaivers, STALE_WAIVER_ID } from '../../src/engine/waivers.js';

const NOW = new Date('2026-11-25T08:00:00Z');

function finding(ruleId: string, status: Status, location: Finding['location'], data: Finding['data'] = {}): Finding {
  return {
    ruleId,
    checkId: 'forbidden-value',
    kind: 'rule',
    section: 1,
    severity: status === 'warn' ? 'warn' : 'error',
    status,
    messageId: 'forbidden',
    message: `${ruleId} failed`,
    data,
    ...(location ? { location } : {}),
    evidence: [],
  };
}

function unit(id: string, status: Status, findings: Finding[]): UnitResult {
  return { id, kind: 'rule', checkId: 'forbidden-value', title: id, section: 1, severity: 'error', status, findings, evidence: [] };
}

const waiver = (over: Partial<Waiver> = {}): Waiver => ({
  rule: 'dev-auth-disabled',
  by: 'Alice Martin',
  reason: 'staging mirror, tracked in SEC-142',
  until: '2026-12-31',
  ...over,
});

const results = (): UnitResult[] => [
  unit('dev-auth-disabled', 'fail', [finding('dev-auth-disabled', 'fail', { file: 'deploy/values.yaml', line: 9, path: 'api.env.DEV_AUTH_ENABLED' }, { variable: 'DEV_AUTH_ENABLED' })]),
  unit('value-parses', 'fail', [
    finding('value-parses', 'fail', { file: 'deploy/prod.env', line: 2, path: 'PPROF_ENABLED' }),
    finding('value-parses', 'fail', { file: 'deploy/values.yaml', line: 15, path: 'api.env.LOG_LEVEL' }),
  ]),
  unit('pprof-disabled', 'pass', []),
];

describe('waivers', () => {
  it('a matching waiver turns the failure into waived, with who, why and until', () => {
    const out = applyWaivers(results(), [waiver()], { now: NOW, file: '.prodready.yaml' });
    const u = out.find((r) => r.id === 'dev-auth-disabled')!;
    expect(u.status).toBe('waived');
    expect(u.findings[0]!.status).toBe('waived');
    expect(u.findings[0]!.waiver).toEqual({ by: 'Alice Martin', reason: 'staging mirror, tracked in SEC-142', until: '2026-12-31' });
    expect(out.some((r) => r.id === STALE_WAIVER_ID)).toBe(false);
    // The other results are untouched.
    expect(out.find((r) => r.id === 'value-parses')!.status).toBe('fail');
  });

  it('a waiver valid through today still applies', () => {
    const out = applyWaivers(results(), [waiver({ until: '2026-11-25' })], { now: NOW });
    expect(out[0]!.status).toBe('waived');
  });

  it('a location narrows the waiver: the unit stays failing while one finding is not waived', () => {
    const out = applyWaivers(results(), [waiver({ rule: 'value-parses', location: { file: 'values.yaml', line: 15 } })], { now: NOW });
    const u = out.find((r) => r.id === 'value-parses')!;
    expect(u.status).toBe('fail');
    expect(u.findings.map((f) => f.status)).toEqual(['fail', 'waived']);
  });

  it('a path matches the YAML path or the variable', () => {
    const byPath = applyWaivers(results(), [waiver({ rule: 'value-parses', location: { path: 'PPROF_ENABLED' } })], { now: NOW });
    expect(byPath.find((r) => r.id === 'value-parses')!.findings.map((f) => f.status)).toEqual(['waived', 'fail']);
    const byVariable = applyWaivers(results(), [waiver({ location: { path: 'DEV_AUTH_ENABLED' } })], { now: NOW });
    expect(byVariable[0]!.status).toBe('waived');
  });

  it('waivers covering every failing finding make the unit waived', () => {
    const out = applyWaivers(
      results(),
      [waiver({ rule: 'value-parses', location: { line: 2 } }), waiver({ rule: 'value-parses', location: { file: 'deploy/values.yaml', line: 15 } })],
      { now: NOW },
    );
    expect(out.find((r) => r.id === 'value-parses')!.status).toBe('waived');
  });

  it('an expired waiver stops applying and the finding says so', () => {
    const out = applyWaivers(results(), [waiver({ until: '2026-11-24' })], { now: NOW });
    const u = out[0]!;
    expect(u.status).toBe('fail');
    expect(u.findings[0]!.status).toBe('fail');
    expect(u.findings[0]!.waiver).toBeUndefined();
    expect(u.findings[0]!.evidence).toContain('waiver by Alice Martin expired on 2026-11-24');
    // It matched, so it is not stale.
    expect(out.some((r) => r.id === STALE_WAIVER_ID)).toBe(false);
  });

  it('a waiver that matches nothing is a warning naming its place in the config file', () => {
    const out = applyWaivers(
      results(),
      [waiver(), waiver({ rule: 'pprof-disabled' }), waiver({ rule: 'dev-auth-disabled', location: { line: 99 } }), waiver({ rule: 'no-such-rule' })],
      { now: NOW, file: 'ops/.prodready.yaml' },
    );
    const stale = out.find((r) => r.id === STALE_WAIVER_ID)!;
    expect(stale).toMatchObject({ section: 0, status: 'warn', severity: 'warn' });
    expect(stale.findings.map((f) => f.location)).toEqual([
      { file: 'ops/.prodready.yaml', path: 'waivers[1]' },
      { file: 'ops/.prodready.yaml', path: 'waivers[2]' },
      { file: 'ops/.prodready.yaml', path: 'waivers[3]' },
    ]);
    expect(stale.findings[0]!.message).toBe('ops/.prodready.yaml: waivers[1] (rule pprof-disabled, by Alice Martin, until 2026-12-31) matches no failing finding');
    expect(stale.findings[0]!.evidence).toEqual(['pprof-disabled ran and has no failing finding there']);
    expect(stale.findings[2]!.evidence).toEqual(['no rule, probe or item no-such-rule ran in this check']);
  });

  it('waivers of units that did not run are neither applied nor stale', () => {
    const out = applyWaivers(results(), [waiver({ rule: 'docs-disabled' })], { now: NOW, notRun: new Set(['docs-disabled']) });
    expect(out.some((r) => r.id === STALE_WAIVER_ID)).toBe(false);
  });

  it('does not change its input', () => {
    const input = results();
    const before = structuredClone(input);
    applyWaivers(input, [waiver(), waiver({ rule: 'x' })], { now: NOW });
    expect(input).toEqual(before);
  });

  it('unknown and passing findings are never waived', () => {
    const input = [unit('exposure-hash-salt', 'unknown', [finding('exposure-hash-salt', 'unknown', undefined)])];
    const out = applyWaivers(input, [waiver({ rule: 'exposure-hash-salt' })], { now: NOW });
    expect(out[0]!.status).toBe('unknown');
    expect(out.find((r) => r.id === STALE_WAIVER_ID)?.findings).toHaveLength(1);
  });
});

describe('stale waiver messages', () => {
  it('name the location the waiver gave', () => {
    const out = applyWaivers([], [waiver({ rule: 'value-parses', location: { file: 'prod.env', line: 3, path: 'LOG_LEVEL' } })], { now: NOW });
    expect(out[0]!.findings[0]!.message).toBe('.prodready.yaml: waivers[0] (rule value-parses at prod.env, line 3, path LOG_LEVEL, by Alice Martin, until 2026-12-31) matches no failing finding');
  });
});
