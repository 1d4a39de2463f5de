// The packed tarball, installed into an empty folder without the network, runs as a user would run it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'prodready-pack-'));
let bin = '';
let listing: string[] = [];

beforeAll(() => {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_ignore_scripts: 'true' } });
  const packed = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
  listing = packed[0]!.files.map((f) => f.path);
  const app = join(work, 'app');
  execFileSync('npm', ['init', '-y'], { cwd: work, encoding: 'utf8' });
  execFileSync('mkdir', ['-p', app]);
  execFileSync('npm', ['init', '-y'], { cwd: app, encoding: 'utf8' });
  // --offline: every dependency must come from the local cache that `npm ci` filled; nothing is fetched.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, packed[0]!.filename)], { cwd: app, encoding: 'utf8' });
  bin = join(app, 'node_modules', '.bin', 'prodready');
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, cwd: join(work, 'app') });

describe('the installed package', () => {
  it('carries the rule pack and the docs, and nothing from tests, benches or the demo', () => {
    expect(listing).toContain('rules/recsys/variables.yaml');
    expect(listing).toContain('dist/cli.js');
    expect(listing).toContain('docs/json-report.md');
    expect(listing.filter((p) => /^(test|bench|fixtures|src)\//.test(p) || p.startsWith('dist/demo/'))).toEqual([]);
  });

  it('prints its version', () => {
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists its rules', () => {
    const r = run(['rules']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/dev-auth-disabled/);
  });

  it('checks a fixture', () => {
    const fx = join(ROOT, 'fixtures/ready');
    const r = run(['check', '--values', join(fx, 'values.yaml'), '--env', join(fx, 'prod.env'), '--manifests', join(fx, 'rendered.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^READY/m);
    expect(readdirSync(join(work, 'app', 'node_modules'))).toContain('prodready');
  });
});
