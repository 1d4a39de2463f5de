// `npm run demo` as a newcomer runs it: the built demo as a child process, then a look at what it left behind.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const DEMO = join(ROOT, 'dist/demo/run.js');
/** Generous: the demo takes a few seconds; a hang must still end the test. */
const KILL_AFTER_MS = 90_000;

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Started {
  ports: number[];
  tempDir: string;
}

/** The line the demo prints once everything it started is up. */
function parseStarted(stdout: string): Started | undefined {
  const m = /^demo: target http:\/\/127\.0\.0\.1:(\d+) · identity https:\/\/127\.0\.0\.1:(\d+) · postgresql 127\.0\.0\.1:(\d+) · temp (\S+)$/m.exec(stdout);
  return m ? { ports: [Number(m[1]), Number(m[2]), Number(m[3])], tempDir: m[4]! } : undefined;
}

function runDemo(args: string[], onStarted?: (child: ReturnType<typeof spawn>) => void): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let notified = false;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      if (!notified && onStarted && parseStarted(stdout)) {
        notified = true;
        onStarted(child);
      }
    });
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The error code of a connection attempt, or 'connected'. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(3000);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

async function expectNothingLeft(started: Started): Promise<void> {
  for (const port of started.ports) expect(await connectOutcome(port), `port ${port}`).toBe('ECONNREFUSED');
  expect(existsSync(started.tempDir), started.tempDir).toBe(false);
}

function statuses(report: { results: Array<{ id: string; status: string }> }): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.id, r.status]));
}

let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(join(os.tmpdir(), 'prodready-demo-test-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const LIVE_UNITS = ['readyz', 'jwks-reachable', 'backup-marker-fresh', 'migrations-applied', 'load-burst-p95', 'response-versions'];

describe('npm run demo', { timeout: 120_000 }, () => {
  it('checks the ready deployment against live services, writes the four reports and stops everything', async () => {
    const out = join(outDir, 'ready');
    const run = await runDemo(['--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^READY\s/m);
    const started = parseStarted(run.stdout);
    expect(started).toBeDefined();
    for (const f of ['report.html', 'report.sarif', 'report.xml', 'report.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { results: Array<{ id: string; status: string }> };
    const s = statuses(report);
    // Every live probe ran against the demo services and passed: none skipped for want of a target.
    for (const id of LIVE_UNITS) expect(s[id], id).toBe('pass');
    expect(JSON.parse(await readFile(join(out, 'report.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
    expect(await readFile(join(out, 'report.xml'), 'utf8')).toContain('<testsuites');
    // The DSN reaches the probes through an environment variable and is shown masked.
    expect(run.stdout).not.toMatch(/postgres:\/\/postgres:(?!\*\*\*\*)/);
    await expectNothingLeft(started!);
  });

  it('--broken fails every degraded part with its evidence and still cleans up', async () => {
    const out = join(outDir, 'broken');
    const run = await runDemo(['--broken', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^NOT READY\s/m);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as {
      results: Array<{ id: string; status: string; findings: Array<{ message: string }> }>;
    };
    const s = statuses(report);
    for (const id of ['readyz', 'jwks-reachable', 'backup-marker-fresh', 'migrations-applied', 'load-burst-p95']) expect(s[id], id).toBe('fail');
    const messages = (id: string) => report.results.find((r) => r.id === id)!.findings.map((f) => f.message).join('\n');
    expect(messages('readyz')).toMatch(/503.*database/);
    expect(messages('jwks-reachable')).toMatch(/RSA with 1024 bits/);
    expect(messages('jwks-reachable')).toMatch(/private key material/);
    expect(messages('backup-marker-fresh')).toMatch(/older than the maximum of 26 h/);
    expect(messages('migrations-applied')).toMatch(/recorded as failed/);
    expect(messages('load-burst-p95')).toMatch(/p95 latency .* exceeds 250 ms/);
    await expectNothingLeft(parseStarted(run.stdout)!);
  });

  it('stops everything it started on SIGINT', async () => {
    const run = await runDemo(['--out', join(outDir, 'interrupted')], (child) => child.kill('SIGINT'));
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('SIGINT, stopping what the demo started');
    const started = parseStarted(run.stdout);
    expect(started).toBeDefined();
    await expectNothingLeft(started!);
  });

  it('still cleans up when its stdout is closed early (npm run demo | head)', async () => {
    const run = await runDemo(['--out', join(outDir, 'piped')], (child) => child.stdout!.destroy());
    const started = parseStarted(run.stdout);
    expect(started).toBeDefined();
    expect(run.signal).toBeNull();
    await expectNothingLeft(started!);
  });

  it('rejects an unknown argument with exit 2 and starts nothing', async () => {
    const run = await runDemo(['--brokn']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown argument --brokn');
    expect(parseStarted(run.stdout)).toBeUndefined();
  });
});
