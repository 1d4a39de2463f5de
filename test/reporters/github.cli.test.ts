// `--format github` through the built CLI: what a GitHub Actions step shows of it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const BROKEN = ['--values', 'fixtures/broken/values.yaml', '--env', 'fixtures/broken/prod.env', '--manifests', 'fixtures/broken/rendered.yaml'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prodready-gh-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function commands(stdout: string): Array<{ command: string; title: string; message: string }> {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
      if (!m) throw new Error(`not a workflow command: ${line}`);
      const title = /(?:^|,)title=([^,]*)/.exec(m[2]!)?.[1] ?? '';
      return { command: m[1]!, title: decodeURIComponent(title), message: m[3]!.replace(/%0A/g, '\n').replace(/%25/g, '%') };
    });
}

describe('github annotations through the CLI', () => {
  it('the verdict first, at most 10 errors and 10 warnings, then one notice counting the rest, pointing at the job summary', () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = run(['check', ...BROKEN, '-f', 'github'], undefined, { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    const cmds = commands(r.stdout);
    expect(cmds[0]).toMatchObject({ command: 'error', title: 'prodready verdict' });
    expect(cmds[0]!.message).toMatch(/^NOT READY: \d+ fail/);
    const count = (c: string) => cmds.filter((x) => x.command === c).length;
    expect(count('error')).toBe(10);
    expect(count('warning')).toBe(10);
    expect(count('notice')).toBeLessThanOrEqual(10);
    const last = cmds.at(-1)!;
    expect(last).toMatchObject({ command: 'notice', title: 'prodready: more findings' });

    // The count is what was left out: every reportable finding is either annotated or counted.
    const json = JSON.parse(run(['check', ...BROKEN, '-f', 'json']).stdout);
    const findings = [...json.fatal, ...json.results.flatMap((u: any) => u.findings)].filter((f: any) => ['fail', 'warn', 'unknown'].includes(f.status));
    const annotated = cmds.length - 2;
    const rest = Number(/^(\d+) more findings? not annotated/.exec(last.message)![1]);
    expect(annotated + rest).toBe(findings.length);
    expect(last.message).toContain('the job summary has the full report');

    // The full report was appended to the job summary, after what earlier steps wrote.
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n')).toBe(true);
    expect(md).toContain('dev-auth-disabled');
    expect(md).toContain('NOT READY');
  }, 60_000);

  it('without a job summary the notice says where the full report is; a markdown --output to it is not written twice', () => {
    const r = run(['check', ...BROKEN, '-f', 'github'], undefined, { GITHUB_STEP_SUMMARY: '' });
    expect(commands(r.stdout).at(-1)!.message).toContain('the full report is in --format markdown or text');
    const summary = join(dir, 'once.md');
    writeFileSync(summary, '');
    run(['check', ...BROKEN, '-f', 'github', '-o', '-', '-f', 'markdown', '-o', summary], undefined, { GITHUB_STEP_SUMMARY: summary });
    const md = readFileSync(summary, 'utf8');
    expect(md.match(/^## prodready: /gm)).toHaveLength(1);
  }, 60_000);

  it('a ready deployment prints its verdict notice alone', () => {
    const r = run(['check', '--values', 'fixtures/ready/values.yaml', '--env', 'fixtures/ready/prod.env', '--manifests', 'fixtures/ready/rendered.yaml', '-f', 'github'], undefined, {
      GITHUB_STEP_SUMMARY: '',
    });
    expect(r.code).toBe(0);
    expect(commands(r.stdout)).toEqual([{ command: 'notice', title: 'prodready verdict', message: expect.stringMatching(/^READY: /) }]);
  }, 60_000);
});
