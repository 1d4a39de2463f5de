// The user side of untrusted input, through the built CLI (a directory, a full disk and a silent FIFO are rows of
// docs/faults.md, tested in test/faults/faults.test.ts): an --output that cannot take the report, a FIFO
// given as --values, bytes that are not UTF-8, and a user rule whose pattern would backtrack for minutes.
// Each ends as one coded line and exit 2 (the user's mistake) or a finding with its line (the deployment's).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, run, runAsync } from '../helpers/cli.js';
import { closedPort } from '../helpers/http-server.js';

const fixture = (f: string): string => join(ROOT, 'fixtures', f);
const READY = ['--values', fixture('ready/values.yaml'), '--env', fixture('ready/prod.env'), '--manifests', fixture('ready/rendered.yaml')];

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill();
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'prodready-hostile-'));
}

/** One `prodready: error[code]: …` line on stderr, nothing else, no stack. */
function expectOneLineError(r: { code: number; stderr: string }, code: string): string {
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^prodready: error\\[${code}\\]: `));
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return lines[0]!;
}

describe('--output that cannot take the report', () => {
  it('a file name with a newline stays one line', () => {
    const dir = join(tmp(), 'a\nb');
    mkdirSync(dir);
    const line = expectOneLineError(run(['check', ...READY, '--format', 'json', '--output', dir]), 'output-unwritable');
    expect(line).toContain('a\\x0ab');
  });

  it('load --output naming a directory, and fleet --output naming a file', async () => {
    const dir = tmp();
    // Nothing listens there: one refused request, then the write fails.
    const port = await closedPort();
    expectOneLineError(run(['load', '--base-url', `http://127.0.0.1:${port}`, '--requests', '1', '--warmup', '0', '--output', dir]), 'output-unwritable');
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    expectOneLineError(run(['check', '--each', fixture('ready'), '--format', 'json', '--output', file]), 'output-unwritable');
  });
});

describe('a FIFO given as --values', () => {
  function fifo(): string {
    const path = join(tmp(), 'values.yaml');
    expect(spawnSync('mkfifo', [path]).status).toBe(0);
    return path;
  }

  it('a writer that feeds it is read like a file', async () => {
    const path = fifo();
    const w = spawn('sh', ['-c', 'exec cat "$1" > "$0"', path, fixture('ready/values.yaml')], { stdio: 'ignore' });
    children.push(w);
    const r = await runAsync(['check', '--values', path, '--format', 'json', '--input-timeout', '10'], { timeoutMs: 30_000 });
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.code);
    expect(JSON.parse(r.stdout).inputs).toEqual(expect.arrayContaining([expect.objectContaining({ file: path })]));
  }, 40_000);

  /** Runs the CLI with a stdin that sends one line, then stays open and silent; resolves with the exit and stderr. */
  const withSilentStdin = (args: string[]): Promise<{ code: number; stderr: string }> => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.write('apiVersion: v1\n'); // then nothing more, and never closed
    return new Promise((resolve) => child.on('close', (c) => resolve({ code: c ?? -1, stderr })));
  };

  it('standard input that stays open and silent ends at --input-timeout too', async () => {
    expectOneLineError(await withSilentStdin(['check', '--manifests', '-', '--input-timeout', '1']), 'input-deadline');
  }, 40_000);

  it('a FIFO named *.yaml in a rule directory is refused, not read', () => {
    const dir = tmp();
    expect(spawnSync('mkfifo', [join(dir, 'my-rule.yaml')]).status).toBe(0);
    const r = run(['check', ...READY, '--rules', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^prodready: error\[invalid-rule-definition\]/);
    expect(r.stderr).toContain('my-rule.yaml: is not a regular file');
  });

  it('a bad --input-timeout is a coded error', () => {
    expectOneLineError(run(['check', ...READY, '--input-timeout', 'soon']), 'invalid-option');
    expectOneLineError(run(['probe', '--target', 'http://127.0.0.1:9', '--manifests', '-', '--input-timeout', 'soon']), 'invalid-option');
  });

  it('probe: standard input that stays open and silent ends at --input-timeout too', async () => {
    expectOneLineError(await withSilentStdin(['probe', '--target', 'http://127.0.0.1:9', '--manifests', '-', '--input-timeout', '1']), 'input-deadline');
  }, 40_000);
});

describe('bytes that are not UTF-8', () => {
  it('are a fatal finding at their byte offset and line, not replaced silently', () => {
    const dir = tmp();
    const file = join(dir, 'values.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('api:\n  env:\n    LOG_LEVEL: "inf'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]));
    const r = run(['check', '--values', file, '--format', 'json']);
    expect(r.code).toBe(1);
    const fatal = (JSON.parse(r.stdout) as { fatal: Array<{ messageId: string; message: string; location: { file: string; line: number } }> }).fatal;
    const f = fatal.find((x) => x.messageId === 'invalid-utf8');
    expect(f, JSON.stringify(fatal)).toBeDefined();
    expect(f!.location).toMatchObject({ file, line: 3 });
    expect(f!.message).toContain('byte 31 (line 3, column 20)');
  });
});

describe('a user rule pattern', () => {
  const rule = (pattern: string) => ({
    id: 'my-algs',
    section: 2,
    severity: 'error',
    title: 'No algorithm of a catastrophic shape',
    description: 'A pattern that backtracks exponentially on a backtracking engine.',
    check: 'csv-items',
    params: { variable: 'JWT_ALLOWED_ALGS', forbidden: [{ pattern, why: 'test' }] },
    remediation: 'Change it.',
  });

  it('^(a+)+$ against 34 characters ends at once on a linear-time engine', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'my-algs.yaml'), stringify(rule('^(a+)+$')));
    const env = join(dir, 'prod.env');
    writeFileSync(env, `JWT_ALLOWED_ALGS=${'a'.repeat(34)}!\n`);
    // Bounded by the test timeout, not timed: on a backtracking engine this ran past 120 s.
    const r = await runAsync(['check', '--env', env, '--rules', dir, '--only', 'my-algs', '--format', 'json'], { timeoutMs: 30_000 });
    expect(r.stderr).toBe('');
    const unit = (JSON.parse(r.stdout) as { results: Array<{ id: string; status: string }> }).results.find((u) => u.id === 'my-algs');
    expect(unit?.status).toBe('pass');
  }, 40_000);

  it('a pattern RE2 cannot run (a backreference) is refused at load with the file and path', () => {
    const dir = tmp();
    const file = join(dir, 'my-algs.yaml');
    writeFileSync(file, stringify(rule('^(a)\\1$')));
    const r = run(['check', ...READY, '--rules', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^prodready: error\[invalid-check-params\]|^prodready: error\[invalid-rule-definition\]/);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('forbidden.0.pattern');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(file)).toBe(true);
  });
});
