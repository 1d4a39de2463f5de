// Inline suppressions read from real parsed sources: where a directive points, how it is written, and what it does
// to the results (waived with its reason, or a warning at its file:line).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config-types.js';
import { annotationDirectives, applySuppressions, commentDirectives, SUPPRESSION_UNIT_ID } from '../../src/engine/suppressions.js';
import type { Finding, UnitResult } from '../../src/core/types.js';
import { parseEnvFile } from '../../src/sources/env-file.js';
import { loadValues } from '../../src/sources/helm-values.js';
import { addManifestFile, emptyManifestSet } from '../../src/sources/manifests.js';
import { ROOT } from '../helpers/cli.js';
import { judgeFiles } from '../helpers/pack.js';

const NOW = new Date('2026-06-01T12:00:00Z');

function finding(ruleId: string, file: string, line: number | undefined, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    checkId: 'x',
    kind: 'rule',
    section: 1,
    severity: 'error',
    status: 'fail',
    messageId: 'm',
    message: `${ruleId} at ${file}:${line}`,
    data: {},
    location: { file, ...(line !== undefined ? { line } : {}) },
    evidence: [],
    ...extra,
  };
}

function unit(id: string, findings: Finding[]): UnitResult {
  return { id, kind: 'rule', checkId: 'x', title: id, section: 1, severity: 'error', status: 'fail', findings, evidence: [] };
}

describe('directives from comments', () => {
  it('env: on the line, the line above, stacked, and after a quoted value', () => {
    const env = parseEnvFile(
      'prod.env',
      [
        '# prodready-ignore-file rule-f: header',
        'A=1 # prodready-ignore rule-a: on the line',
        '# prodready-ignore rule-b: stacked one',
        '# prodready-ignore rule-c until 2027-01-01: stacked two',
        'B=2',
        'C="a # not a comment"  # prodready-ignore rule-d: after quotes',
        'D=\'multi',
        '# prodready-ignore inside-a-value: no',
        'line\'',
      ].join('\n'),
    );
    const ds = commentDirectives(env.comments);
    expect(ds.map((d) => [d.scope, d.ruleId, d.at.line, d.targetLine, d.reason, d.until ?? null, d.problem?.messageId ?? null])).toEqual([
      ['file', 'rule-f', 1, undefined, 'header', null, null],
      ['line', 'rule-a', 2, 2, 'on the line', null, null],
      ['line', 'rule-b', 3, 5, 'stacked one', null, null],
      ['line', 'rule-c', 4, 5, 'stacked two', '2027-01-01', null],
      ['line', 'rule-d', 6, 6, 'after quotes', null, null],
    ]);
    expect(env.comments.find((c) => c.line === 6)!.column).toBe(24);
  });

  it('YAML: comments with positions, a # inside a string is not one, a file directive below content is misplaced', () => {
    const values = loadValues([
      {
        name: 'values.yaml',
        text: ['# prodready-ignore-file rule-f: header', 'api:', '  env:', '    X: "a # b" # prodready-ignore rule-x, rule-y: two rules', '# prodready-ignore-file rule-g: too late', '    Y: |', '      # prodready-ignore in-block: no'].join('\n'),
      },
    ]);
    const ds = commentDirectives(values.comments);
    expect(ds.map((d) => [d.scope, d.ruleId, d.at.line, d.at.column, d.targetLine ?? null, d.problem?.messageId ?? null])).toEqual([
      ['file', 'rule-f', 1, 1, null, null],
      ['line', 'rule-x', 4, 16, 4, null],
      ['line', 'rule-y', 4, 16, 4, null],
      ['file', 'rule-g', 5, 1, null, 'misplaced'],
    ]);
  });

  it('malformed, reasonless and badly dated directives cannot suppress; other comments are not directives', () => {
    const env = parseEnvFile(
      'a.env',
      ['# prodready-ignore rule-a', '# prodready-ignore: no rule', '# prodready-ignore rule-b: r until 2026-02-30', '# prodready-ignored rule-c: a word', '# just a comment'].join('\n'),
    );
    expect(commentDirectives(env.comments).map((d) => d.problem?.messageId)).toEqual(['missingReason', 'malformed', 'badDate']);
  });

  it('annotations: entries separated by ; and newlines, on the object', () => {
    const set = emptyManifestSet();
    addManifestFile(
      set,
      'm.yaml',
      ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: cfg', '  annotations:', '    prodready.io/ignore: |', '      rule-a: one; rule-b: two', '      rule-c: three until 2020-01-01', '    other.io/x: y'].join('\n'),
    );
    expect(set.annotations).toEqual([expect.objectContaining({ file: 'm.yaml', line: 6, resource: 'ConfigMap/cfg', key: 'prodready.io/ignore', objectLines: { start: 1, end: 9 } })]);
    const ds = annotationDirectives(set.annotations);
    expect(ds.map((d) => [d.ruleId, d.reason, d.until ?? null, d.resource])).toEqual([
      ['rule-a', 'one', null, 'ConfigMap/cfg'],
      ['rule-b', 'two', null, 'ConfigMap/cfg'],
      ['rule-c', 'three', '2020-01-01', 'ConfigMap/cfg'],
    ]);
  });
});

describe('applySuppressions', () => {
  const env = parseEnvFile('prod.env', ['# prodready-ignore rule-a: accepted \u001b[31mred', 'A=1', 'B=2 # prodready-ignore rule-b: old until 2026-05-31', 'C=3 # prodready-ignore rule-c: nothing here', '# prodready-ignore rule-z: gone rule', 'D=4 # prodready-ignore rule-d: not run'].join('\n'));
  const known = new Set(['rule-a', 'rule-b', 'rule-c', 'rule-d']);

  it('waives the named finding with the reason (control characters escaped), keeps the expired one failing, warns about the rest', () => {
    const results = [unit('rule-a', [finding('rule-a', 'prod.env', 2), finding('rule-a', 'prod.env', 4)]), unit('rule-b', [finding('rule-b', 'prod.env', 3)]), unit('rule-c', [])];
    const out = applySuppressions(results, { comments: env.comments }, { now: NOW, maxExpiryDays: 365, known, notRun: new Set(['rule-d']) });
    const a = out.find((u) => u.id === 'rule-a')!;
    expect(a.status).toBe('fail');
    expect(a.findings[0]).toMatchObject({ status: 'waived', waiver: { by: 'prod.env:1', reason: 'accepted \\u001b[31mred', source: 'inline' } });
    expect(a.findings[1]!.status).toBe('fail');
    const b = out.find((u) => u.id === 'rule-b')!;
    expect(b.findings[0]).toMatchObject({ status: 'fail', evidence: ['the suppression at prod.env:3 expired on 2026-05-31'] });
    const trouble = out.find((u) => u.id === SUPPRESSION_UNIT_ID)!;
    expect(trouble.status).toBe('warn');
    expect(trouble.findings.map((f) => [f.messageId, f.location?.line])).toEqual([
      ['unknownRule', 5],
      ['expired', 3],
      ['unused', 4],
    ]);
    expect(trouble.findings[0]!.message).toBe('prod.env:5: prodready-ignore rule-z suppresses nothing: no rule, probe or item is called rule-z; did you mean rule-a?');
  });

  it('a unit whose every finding is suppressed is waived; an unknown finding is left alone', () => {
    const results = [unit('rule-a', [finding('rule-a', 'prod.env', 2)]), unit('rule-c', [finding('rule-c', 'prod.env', 4, { status: 'unknown' })])];
    const out = applySuppressions(results, { comments: env.comments }, { now: NOW, maxExpiryDays: 365, known, notRun: new Set(['rule-d']) });
    expect(out.find((u) => u.id === 'rule-a')!.status).toBe('waived');
    expect(out.find((u) => u.id === 'rule-c')!.findings[0]!.status).toBe('unknown');
  });

  it('a rule skipped in this run leaves its suppressions alone (not judged is not unused)', () => {
    const skipped = { ...unit('rule-c', []), status: 'skip' as const, reason: 'not judged: values.yaml could not be read' };
    const out = applySuppressions([skipped], { comments: env.comments }, { now: NOW, maxExpiryDays: 365, known, notRun: new Set(['rule-d']) });
    const trouble = out.find((u) => u.id === SUPPRESSION_UNIT_ID)!;
    expect(trouble.findings.map((f) => f.messageId)).toEqual(['unknownRule', 'unused', 'expired']);
    expect(trouble.findings.map((f) => f.data.rule)).toEqual(['rule-z', 'rule-a', 'rule-b']);
  });

  it('without directives the results are returned as they are', () => {
    const results = [unit('rule-a', [finding('rule-a', 'prod.env', 2)])];
    expect(applySuppressions(results, { comments: [] }, { now: NOW, maxExpiryDays: 365, known })).toBe(results);
  });
});

describe('the expiry horizon (thresholds.maxExpiryDays) holds for inline suppressions as for config waivers', () => {
  // NOW is 2026-06-01: with the default 365 days, 2027-06-01 is the last day a suppression may run to.
  const env = parseEnvFile(
    'prod.env',
    [
      'A=1 # prodready-ignore rule-a: accepted for decades until 2099-01-01',
      'B=2 # prodready-ignore rule-b until 2027-06-01: up to the horizon',
      'C=3 # prodready-ignore rule-c: no date at all',
    ].join('\n'),
  );
  const known = new Set(['rule-a', 'rule-b', 'rule-c']);
  const results = (): UnitResult[] => [unit('rule-a', [finding('rule-a', 'prod.env', 1)]), unit('rule-b', [finding('rule-b', 'prod.env', 2)]), unit('rule-c', [finding('rule-c', 'prod.env', 3)])];

  it('a suppression running past the horizon suppresses nothing and says why at its file:line; one up to it, or without until, suppresses', () => {
    const out = applySuppressions(results(), { comments: env.comments }, { now: NOW, maxExpiryDays: 365, known });
    expect(out.find((u) => u.id === 'rule-a')!.findings[0]!.status).toBe('fail');
    expect(out.find((u) => u.id === 'rule-a')!.status).toBe('fail');
    expect(out.find((u) => u.id === 'rule-b')!.findings[0]).toMatchObject({ status: 'waived', waiver: { by: 'prod.env:2', until: '2027-06-01', source: 'inline' } });
    // Without until a suppression holds until it is removed or stops matching, as before.
    expect(out.find((u) => u.id === 'rule-c')!.findings[0]).toMatchObject({ status: 'waived', waiver: { by: 'prod.env:3', reason: 'no date at all' } });
    const trouble = out.find((u) => u.id === SUPPRESSION_UNIT_ID)!;
    expect(trouble.findings.map((f) => [f.messageId, f.location?.file, f.location?.line, f.status])).toEqual([['tooFarAhead', 'prod.env', 1, 'warn']]);
    expect(trouble.findings[0]!.message).toBe(
      'prod.env:1: prodready-ignore rule-a suppresses nothing: until 2099-01-01 is more than 365 days after today (latest 2027-06-01; thresholds.maxExpiryDays in the config file sets this)',
    );
    expect(trouble.findings[0]!.data).toMatchObject({ rule: 'rule-a', until: '2099-01-01' });
  });

  it('the horizon is the config\'s: a shorter one refuses what the default allows', () => {
    const out = applySuppressions(results(), { comments: env.comments }, { now: NOW, maxExpiryDays: 30, known });
    expect(out.find((u) => u.id === 'rule-b')!.findings[0]!.status).toBe('fail');
    expect(out.find((u) => u.id === 'rule-c')!.findings[0]!.status).toBe('waived');
    const trouble = out.find((u) => u.id === SUPPRESSION_UNIT_ID)!;
    expect(trouble.findings.map((f) => [f.messageId, f.location?.line])).toEqual([
      ['tooFarAhead', 1],
      ['tooFarAhead', 2],
    ]);
    expect(trouble.findings[1]!.message).toContain('until 2027-06-01 is more than 30 days after today (latest 2026-07-01;');
  });

  describe('through judge(), on the ready fixture with a failing line suppressed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-suppress-horizon-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const files = (name: string, until: string) => {
      for (const f of ['values.yaml', 'rendered.yaml']) copyFileSync(join(ROOT, 'fixtures/ready', f), join(dir, f));
      const env = join(dir, `${name}.env`);
      writeFileSync(env, `AUTH_REQUIRED=false # prodready-ignore auth-required: public demo tenant${until}\n`);
      return { env: [env], values: [join(dir, 'values.yaml')], manifests: [join(dir, 'rendered.yaml')], now: NOW };
    };
    const suppression = (units: UnitResult[]) => units.find((u) => u.id === SUPPRESSION_UNIT_ID)?.findings ?? [];

    it('until 2099-01-01: not ready, auth-required fails, and the report says why at the file and line', async () => {
      const { result } = await judgeFiles(files('far', ' until 2099-01-01'));
      expect(result.summary.verdict).toBe('not-ready');
      expect(result.results.find((u) => u.id === 'auth-required')!.status).toBe('fail');
      const troubles = suppression(result.results);
      expect(troubles.map((f) => [f.messageId, f.location?.line])).toEqual([['tooFarAhead', 1]]);
      expect(troubles[0]!.message).toMatch(/far\.env:1: prodready-ignore auth-required suppresses nothing: until 2099-01-01 is more than 365 days after today \(latest 2027-06-01;/);
    });

    it('with a config horizon that reaches it, or without until, the same suppression holds', async () => {
      const config = defaultConfig();
      config.thresholds.maxExpiryDays = 400;
      const near = await judgeFiles({ ...files('near', ' until 2027-07-01'), config });
      expect(near.result.summary.verdict).toBe('ready');
      expect(near.result.results.find((u) => u.id === 'auth-required')!.status).toBe('waived');
      expect(suppression(near.result.results)).toEqual([]);
      const undated = await judgeFiles(files('undated', ''));
      expect(undated.result.summary.verdict).toBe('ready');
      expect(undated.result.results.find((u) => u.id === 'auth-required')!.findings[0]!.waiver).toMatchObject({ reason: 'public demo tenant', source: 'inline' });
    });
  });
});
