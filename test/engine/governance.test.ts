import { describe, expect, it } from 'vitest';
import { parseAttestations } from '../../src/engine/attestations.js';
import { loadChecklist } from '../../src/pack/checklist.js';
import { defaultConfig } from '../../src/core/config-types.js';
import { UserError } from '../../src/core/errors.js';
import { userError } from '../helpers/user-error.js';
import { checkExpiryHorizon, configureRules, govern, governanceMetas } from '../../src/engine/governance.js';
import { parseConfig } from '../../src/engine/config.js';
import { loadRuleDirs } from '../../src/pack/load-rules.js';
import type { UnitResult } from '../../src/core/types.js';
import { BUILTIN_PACK_DIR, TEMPLATES } from '../helpers/pack.js';

const items = loadChecklist();
const NOW = new Date('2026-11-25T00:00:00Z');

describe('configureRules', async () => {
  const all = await loadRuleDirs([BUILTIN_PACK_DIR], TEMPLATES);

  it('turns rules off, changes severities and merges params through the template schema', () => {
    const config = { ...defaultConfig(), file: 'c.yaml', severities: { 'pprof-disabled': 'off' as const, 'dev-auth-disabled': 'warn' as const }, params: { 'production-env': { allowed: ['prod'] } } };
    const { rules, off } = configureRules(all, config, items);
    expect(rules.some((r) => r.rule.id === 'pprof-disabled')).toBe(false);
    expect(off).toEqual(new Set(['pprof-disabled']));
    expect(rules.find((r) => r.rule.id === 'dev-auth-disabled')?.severity).toBe('warn');
    const env = rules.find((r) => r.rule.id === 'production-env')!;
    expect(env.params).toMatchObject({ variable: 'ENV', allowed: ['prod'] });
    // The loaded pack itself is not changed.
    expect(all.find((r) => r.rule.id === 'production-env')!.params).toMatchObject({ allowed: ['prod', 'production'] });
  });

  it('an attestable item can be turned off too', () => {
    const { off } = configureRules(all, { ...defaultConfig(), severities: { '5.dashboards': 'off' } }, items);
    expect(off.has('5.dashboards')).toBe(true);
  });

  it('unknown ids and rejected params are one error listing each problem', () => {
    const config = { ...defaultConfig(), file: 'c.yaml', severities: { 'pprof-disable': 'off' as const }, params: { 'production-env': { allowed: 'prod' }, nope: {} } };
    let error: UserError | undefined;
    try {
      configureRules(all, config, items);
    } catch (e) {
      error = e as UserError;
    }
    expect(error?.code).toBe('invalid-config');
    expect(error?.details.map((d) => `${d.path}`)).toEqual(['severities.pprof-disable', 'params.nope', 'params.production-env.allowed']);
    expect(error?.details[0]!.message).toContain('did you mean "pprof-disabled"?');
  });
});

describe('govern', () => {
  const failing: UnitResult = {
    id: 'dev-auth-disabled', kind: 'rule', checkId: 'forbidden-value', title: 't', section: 1, severity: 'error', status: 'fail', evidence: [],
    findings: [{ ruleId: 'dev-auth-disabled', checkId: 'forbidden-value', kind: 'rule', section: 1, severity: 'error', status: 'fail', messageId: 'x', message: 'm', data: {}, evidence: [] }],
  };

  it('adds every attestable item, then applies waivers to rules and items alike', () => {
    const attestations = parseAttestations(
      'attestations:\n  - { item: 5.runbooks, statement: s, by: Ann, date: "2026-01-01", evidence: docs/r.md, expires: "2026-06-01" }\n',
      'a.yaml',
      items,
    );
    const config = {
      ...defaultConfig(),
      waivers: [
        { rule: 'dev-auth-disabled', by: 'B', reason: 'r', until: '2026-12-01' },
        { rule: '5.runbooks', by: 'C', reason: 'r', until: '2026-12-01' },
      ],
    };
    const out = govern([failing], { config, items, attestations, now: NOW, notRun: new Set() });
    expect(out.find((r) => r.id === 'dev-auth-disabled')?.status).toBe('waived');
    expect(out.find((r) => r.id === '5.runbooks')?.status).toBe('waived');
    expect(out.filter((r) => r.kind === 'attestation')).toHaveLength(items.filter((i) => i.kind === 'attestation').length);
  });

  it('--only and --skip select attestable items like rules; waivers of what did not run are not stale', () => {
    const config = { ...defaultConfig(), waivers: [{ rule: '4.restore-tested', by: 'B', reason: 'r', until: '2026-12-01' }] };
    const only = govern([], { config, items, attestations: undefined, now: NOW, only: ['5.runbooks'], notRun: new Set() });
    expect(only.map((r) => r.id)).toEqual(['5.runbooks']);
    const skipped = govern([], { config, items, attestations: undefined, now: NOW, skip: ['4.restore-tested'], notRun: new Set() });
    expect(skipped.some((r) => r.id === '4.restore-tested' || r.id === 'stale-waiver')).toBe(false);
    // Run, but manual: nothing failed, so the waiver is stale.
    const ran = govern([], { config, items, attestations: undefined, now: NOW, notRun: new Set() });
    expect(ran.find((r) => r.id === 'stale-waiver')?.findings[0]!.location?.path).toBe('waivers[0]');
  });

  it('metas describe the units governance adds', () => {
    const metas = governanceMetas(items, { ...defaultConfig(), severities: { '5.dashboards': 'off' } });
    expect(metas.some((m) => m.id === '5.dashboards')).toBe(false);
    expect(metas.find((m) => m.id === '4.restore-tested')).toMatchObject({ kind: 'attestation', checkId: 'attestation', section: 4, helpUrl: 'docs/checklist.md#4restore-tested' });
    expect(metas.some((m) => m.id === 'stale-waiver')).toBe(true);
  });
});

describe('waivers and attestations: a horizon and a real reason', () => {
  const entry = (expires: string) =>
    `attestations:\n  - { item: 5.runbooks, statement: s, by: Ann, date: "2026-01-01", evidence: docs/r.md, expires: "${expires}" }\n`;


  it('refuses a waiver or attestation that runs more than a year ahead, naming file and path', () => {
    // 2026-11-25 + 365 days = 2027-11-25: that day is allowed, the next is not.
    const ok = { ...defaultConfig(), file: 'c.yaml', waivers: [{ rule: 'r', by: 'B', reason: 'r', until: '2027-11-25' }] };
    expect(() => checkExpiryHorizon(ok, parseAttestations(entry('2027-11-25'), 'a.yaml', items), NOW)).not.toThrow();

    const far = { ...ok, waivers: [...ok.waivers, { rule: 'r', by: 'B', reason: 'r', until: '2099-01-01' }] };
    const w = userError(() => checkExpiryHorizon(far, undefined, NOW));
    expect(w.code).toBe('invalid-config');
    expect(w.details).toEqual([{ file: 'c.yaml', path: 'waivers[1].until', message: expect.stringContaining('2099-01-01 is more than 365 days after today (latest 2027-11-25') }]);

    const a = userError(() => checkExpiryHorizon(ok, parseAttestations(entry('2027-11-26'), 'a.yaml', items), NOW));
    expect(a.code).toBe('invalid-attestations');
    expect(a.details).toEqual([{ file: 'a.yaml', path: 'attestations[0].expires', message: expect.stringContaining('2027-11-26') }]);
  });

  it('the horizon is set in the config file', () => {
    const config = parseConfig('thresholds:\n  maxExpiryDays: 30\nwaivers:\n  - { rule: r, by: B, reason: r, until: "2026-12-26" }\n', 'c.yaml', '/x');
    expect(config.thresholds.maxExpiryDays).toBe(30);
    expect(userError(() => checkExpiryHorizon(config, undefined, NOW)).details[0]!.path).toBe('waivers[0].until');
    expect(() => checkExpiryHorizon(parseConfig('thresholds:\n  maxExpiryDays: 31\nwaivers:\n  - { rule: r, by: B, reason: r, until: "2026-12-26" }\n', 'c.yaml', '/x'), undefined, NOW)).not.toThrow();
  });

  it('refuses a waiver whose reason or author is only whitespace, and an attestation whose statement is', () => {
    const e = userError(() => parseConfig('waivers:\n  - { rule: r, by: "  ", reason: " \\t ", until: "2026-12-01" }\n', 'c.yaml', '/x'));
    expect(e.code).toBe('invalid-config');
    expect(e.details.map((d) => [d.file, d.path])).toEqual([['c.yaml', 'waivers[0].by'], ['c.yaml', 'waivers[0].reason']]);
    expect(e.details[1]!.message).toContain('not only whitespace');
    const a = userError(() =>
      parseAttestations('attestations:\n  - { item: 5.runbooks, statement: "   ", by: Ann, date: "2026-01-01", evidence: docs/r.md, expires: "2026-06-01" }\n', 'a.yaml', items),
    );
    expect(a.code).toBe('invalid-attestations');
    expect(a.details[0]!.path).toBe('attestations[0].statement');
  });
});
