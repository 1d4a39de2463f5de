import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfigFile, loadConfig, parseConfig } from '../../src/engine/config.js';
import { DEFAULT_THRESHOLDS, defaultConfig } from '../../src/core/config-types.js';
import { userError } from '../helpers/user-error.js';


const FULL = `
severities:
  docs-disabled: off
  replicas-ha: error
thresholds:
  secretMinLength: { hash: 48 }
  replicasMin: 3
  backupMaxAgeHours: 12
waivers:
  - rule: cors-restricted
    location: { file: values.yaml, line: 22 }
    by: Alice Martin
    reason: public widget, no credentials (SEC-142)
    until: 2026-12-31
rules: [../team-rules]
backupMarkerQuery: SELECT max(finished_at) AS completed_at FROM ops.backups
params:
  load-burst-p95: { requests: 200 }
`;

describe('config file', () => {
  it('an empty file is the defaults', () => {
    expect(parseConfig('', '.prodready.yaml', '/x')).toEqual({ ...defaultConfig(), file: '.prodready.yaml' });
  });

  it('merges what it sets over the defaults and resolves rule directories against its own folder', () => {
    const c = parseConfig(FULL, 'deploy/.prodready.yaml', '/repo/deploy');
    expect(c.severities).toEqual({ 'docs-disabled': 'off', 'replicas-ha': 'error' });
    expect(c.thresholds).toEqual({
      ...DEFAULT_THRESHOLDS,
      secretMinLength: { ...DEFAULT_THRESHOLDS.secretMinLength, hash: 48 },
      replicasMin: 3,
      backupMaxAgeHours: 12,
    });
    expect(c.waivers).toEqual([
      { rule: 'cors-restricted', location: { file: 'values.yaml', line: 22 }, by: 'Alice Martin', reason: 'public widget, no credentials (SEC-142)', until: '2026-12-31', line: 10 },
    ]);
    expect(c.ruleDirs).toEqual(['/repo/team-rules']);
    expect(c.backupMarkerQuery).toBe('SELECT max(finished_at) AS completed_at FROM ops.backups');
    expect(c.params).toEqual({ 'load-burst-p95': { requests: 200 } });
    expect(c.file).toBe('deploy/.prodready.yaml');
  });

  it('a wrong type names the file, the path and what was expected', () => {
    const e = userError(() => parseConfig('thresholds:\n  replicasMin: "two"\n', '.prodready.yaml', '/x'));
    expect(e.code).toBe('invalid-config');
    expect(e.format().split('\n')).toContain('  .prodready.yaml: thresholds.replicasMin: expected number, received string');
  });

  it('an unknown key suggests the nearest one at its level', () => {
    const e = userError(() => parseConfig('threshold:\n  replicasMin: 2\nthresholds:\n  replicaMin: 2\n', '.prodready.yaml', '/x'));
    const lines = e.format().split('\n');
    expect(lines).toContain('  .prodready.yaml: threshold: unknown key; did you mean "thresholds"?');
    expect(lines).toContain('  .prodready.yaml: thresholds.replicaMin: unknown key; did you mean "replicasMin"?');
  });

  it('checks waivers, severities and every problem at once', () => {
    const text = [
      'severities: { dev-auth-disabled: fatal }',
      'waivers:',
      '  - rule: cors-restricted',
      '    by: Alice',
      '    reason: ok',
      '    until: 2026-02-30',
      '  - rule: docs-disabled',
      '    reason: ok',
      '    until: "31/12/2026"',
    ].join('\n');
    const lines = userError(() => parseConfig(text, 'c.yaml', '/x')).format().split('\n');
    expect(lines[0]).toBe('prodready: error[invalid-config]: config file c.yaml is not valid (4 problems)');
    expect(lines).toContain('  c.yaml: waivers[0].until: expected a real calendar date YYYY-MM-DD');
    expect(lines).toContain('  c.yaml: waivers[1].by: expected string, received undefined');
    expect(lines).toContain('  c.yaml: waivers[1].until: expected a date YYYY-MM-DD');
    expect(lines.some((l) => l.startsWith('  c.yaml: severities.dev-auth-disabled: '))).toBe(true);
  });

  it('a YAML syntax error names the line', () => {
    const e = userError(() => parseConfig('thresholds:\n  replicasMin: [2\n', '.prodready.yaml', '/x'));
    expect(e.code).toBe('invalid-config');
    expect(e.format()).toMatch(/\.prodready\.yaml:\d+: /);
  });

  it('is found from the working directory up; the nearest one wins', async () => {
    const root = mkdtempSync(join(tmpdir(), 'prodready-config-'));
    const deep = join(root, 'a', 'b', 'c');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(root, '.prodready.yaml'), 'thresholds: { replicasMin: 5 }\nrules: [rules]\n');
    expect(findConfigFile(deep)).toBe(join(root, '.prodready.yaml'));
    const c = await loadConfig({ cwd: deep });
    expect(c.thresholds.replicasMin).toBe(5);
    expect(c.file).toBe('../../../.prodready.yaml');
    expect(c.ruleDirs).toEqual([join(root, 'rules')]);
    writeFileSync(join(root, 'a', '.prodready.yaml'), 'thresholds: { replicasMin: 4 }\n');
    expect((await loadConfig({ cwd: deep })).thresholds.replicasMin).toBe(4);
  });

  it('without a file anywhere above, the defaults apply', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-noconfig-'));
    // tmpdir() itself may hold a stray config on a developer machine; only assert when none is above.
    if (findConfigFile(dir) === undefined) expect(await loadConfig({ cwd: dir })).toEqual(defaultConfig());
    else expect(findConfigFile(dir)).not.toContain(dir);
  });

  it('--config must exist', async () => {
    await expect(loadConfig({ file: 'nope.yaml', cwd: tmpdir() })).rejects.toMatchObject({ code: 'file-not-found', message: 'config file nope.yaml: no such file' });
  });
});
