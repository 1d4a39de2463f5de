// The built CLI dates imported load results by the times they carry: a file freshly checked out
// (mtime now) from a 2020 run is old, a file with no time is of unknown age, and says so.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, run } from '../helpers/cli.js';

const READY = ['--values', 'fixtures/ready/values.yaml', '--env', 'fixtures/ready/prod.env', '--manifests', 'fixtures/ready/rendered.yaml'];
const dir = mkdtempSync(join(tmpdir(), 'prodready-load-age-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Copies fixtures as a CI checkout would: every mtime is now. */
function checkout(...names: string[]): string {
  for (const n of names) copyFileSync(join(ROOT, 'fixtures/load-results', n), join(dir, n));
  return join(dir, names[0]!);
}

interface Finding {
  messageId: string;
  status: string;
  message: string;
  location?: { file?: string; line?: number };
}

function loadFindings(stdout: string): Finding[] {
  const r = JSON.parse(stdout) as { results: Array<{ id: string; findings: Finding[] }> };
  return r.results.find((x) => x.id === 'load-burst-p95')!.findings;
}

function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

describe('imported load results tell their true age', () => {
  it('a 2020 Locust run checked out just now is old, dated from its stats history', () => {
    const stats = checkout('ran-2020_stats.csv', 'ran-2020_stats_history.csv', 'ran-2020_failures.csv');
    const r = run(['load', '--import', stats, '--p95-max', '500']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^prodready load --import: WARN$/m);
    expect(r.stdout).toContain(`ran 2020-06-12T10:00:00Z (`);
    expect(r.stdout).toContain(`from ${join(dir, 'ran-2020_stats_history.csv')}:2)`);
    expect(r.stdout).toMatch(/WARN +the locust test in .*ran-2020_stats\.csv ran \d+\.\d days ago \(2020-06-12T10:00:00Z\), older than 30 days/);
    expect(r.stdout).not.toMatch(/0\.0 days ago/);

    const c = run(['check', ...READY, '--load-results', stats, '--format', 'json']);
    expect(c.code).toBe(0);
    expect(loadFindings(c.stdout).find((f) => f.messageId === 'resultStale')).toMatchObject({
      status: 'warn',
      location: { file: join(dir, 'ran-2020_stats_history.csv'), line: 2 },
    });
  });

  it('a stats CSV with no time at all is of unknown age, with a warning that says how to date it', () => {
    const stats = checkout('undated_stats.csv');
    const r = run(['check', ...READY, '--load-results', stats, '--format', 'json']);
    expect(r.code).toBe(0);
    const age = loadFindings(r.stdout).find((f) => f.messageId === 'resultAgeUnknown')!;
    expect(age.status).toBe('warn');
    expect(age.message).toContain('does not say when the test ran');
    expect(age.message).toContain('--load-results-date');
    expect(r.stdout).not.toMatch(/ran [\d.]+ days ago/);
    // --fail-on warn turns the warning into exit 1.
    expect(run(['check', ...READY, '--load-results', stats, '--fail-on', 'warn']).code).toBe(1);
  });

  it('fails an undated or old result when .prodready.yaml says so', () => {
    const stats = checkout('undated_stats.csv');
    const config = join(dir, 'strict.prodready.yaml');
    writeFileSync(config, 'loadResults:\n  unknownAge: fail\n  stale: fail\n');
    const r = run(['check', ...READY, '--config', config, '--load-results', stats, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(loadFindings(r.stdout).find((f) => f.messageId === 'resultAgeUnknown')).toMatchObject({ status: 'fail' });
    const old = checkout('ran-2020_stats.csv', 'ran-2020_stats_history.csv');
    expect(run(['check', ...READY, '--config', config, '--load-results', old]).code).toBe(1);
    writeFileSync(config, 'loadResults:\n  unknownAge: never\n');
    const bad = run(['check', ...READY, '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid-config/);
  });

  it('takes the date the user states for a file that carries none', () => {
    const stats = checkout('undated_stats.csv');
    const fresh = run(['check', ...READY, '--load-results', stats, '--load-results-date', daysAgo(2), '--format', 'json']);
    expect(fresh.code).toBe(0);
    expect(loadFindings(fresh.stdout).map((f) => f.messageId)).not.toContain('resultAgeUnknown');
    expect(fresh.stdout).toContain('as stated with --load-results-date');
    const stale = run(['load', '--import', stats, '--load-results-date', `${daysAgo(40)}T09:30`]);
    expect(stale.stdout).toMatch(/WARN +the locust test in .* ran 4\d\.\d days ago/);
  });

  it('refuses a stated date that is malformed, in the future, or dates nothing', () => {
    const stats = checkout('undated_stats.csv');
    const future = run(['check', ...READY, '--load-results', stats, '--load-results-date', daysAgo(-3)]);
    expect(future.code).toBe(2);
    expect(future.stderr.trim().split('\n')).toHaveLength(1);
    expect(future.stderr).toMatch(/^prodready: error\[invalid-option\]: --load-results-date "[\d-]+": is after now/);
    expect(run(['load', '--import', stats, '--load-results-date', '12/03/2026']).code).toBe(2);
    const alone = run(['check', ...READY, '--load-results-date', daysAgo(1)]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/give --load-results too/);
  });

  it('names a k6 summary with no HTTP metrics', () => {
    const r = run(['load', '--import', join(ROOT, 'fixtures/load-results/browser.k6.json'), '--p95-max', '500']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('a k6 summary with no HTTP metrics (browser test)');
    expect(r.stdout).not.toContain('neither a k6 summary');
  });
});
