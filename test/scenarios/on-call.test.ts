// The on-call path: `kubectl get deploy,sts,job,cronjob,cm,secret,servicemonitor -n recsys -o yaml | prodready check
// --manifests - --target … --environment production`, with the built CLI, a recsys-like target and an identity
// provider on 127.0.0.1. Secrets arrive base64-encoded in the List: they are judged, and never printed.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeDemoPki, startDemoAuthServer, type DemoAuthServer } from '../../src/demo/auth-server.js';
import { startDemoTarget, type DemoTarget } from '../../src/demo/target.js';
import { ROOT } from '../helpers/cli.js';

const CLI = join(ROOT, 'dist/cli.js');
const LIST = join(ROOT, 'fixtures/kubectl/recsys-list.yaml');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Asynchronously: the target and the identity provider live in this process and must keep answering. */
function cli(args: string[], input: string, env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => void (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Every value the List's Secrets hold, decoded and as kubectl printed it, plus the DSN's password alone. */
function secretForms(listYaml: string): string[] {
  const list = parse(listYaml) as { items: Array<{ kind: string; data?: Record<string, string> }> };
  const forms: string[] = [];
  for (const item of list.items.filter((i) => i.kind === 'Secret')) {
    for (const b64 of Object.values(item.data ?? {})) {
      const decoded = Buffer.from(b64, 'base64').toString('utf8');
      forms.push(b64, decoded);
      const password = /^postgres:\/\/[^:]+:([^@]+)@/.exec(decoded)?.[1];
      if (password) forms.push(password);
    }
  }
  return forms;
}

let listYaml: string;
let auth: DemoAuthServer;
let healthy: DemoTarget;
let degraded: DemoTarget;
let tmp: string;
let caFile: string;
const TOKEN_ENV = 'RECSYS_TOKEN';

beforeAll(async () => {
  listYaml = await readFile(LIST, 'utf8');
  tmp = await mkdtemp(join(os.tmpdir(), 'prodready-oncall-'));
  const pki = await makeDemoPki();
  caFile = join(tmp, 'ca.pem');
  await writeFile(caFile, pki.caCert);
  auth = await startDemoAuthServer({ pki });
  healthy = await startDemoTarget({ auth: { mode: 'bearer', token: auth.token }, algoVersion: 'recsys-algo@2026.11.1' });
  degraded = await startDemoTarget({
    auth: { mode: 'bearer', token: auth.token },
    degraded: { failingDependency: 'database' },
  });
});

afterAll(async () => {
  await Promise.all([auth?.close(), healthy?.close(), degraded?.close()]);
  await rm(tmp, { recursive: true, force: true });
});

/** The documented command; the JWKS and issuer flags keep the probes on loopback whatever the List names. */
function onCallArgs(target: DemoTarget, extra: string[] = []): string[] {
  return [
    'check',
    '--manifests',
    '-',
    '--target',
    target.url,
    '--environment',
    'production',
    '--jwks-url',
    auth.jwksUrl,
    '--issuer',
    auth.issuer,
    '--ca-file',
    caFile,
    '--bearer-token-env',
    TOKEN_ENV,
    ...extra,
  ];
}

describe('on call: kubectl get … -o yaml | prodready check --manifests - --target …', { timeout: 90_000 }, () => {
  it('judges a healthy namespace READY from the List and the live service, and prints no secret', async () => {
    const jsonFile = join(tmp, 'healthy.json');
    const run = await cli(onCallArgs(healthy, ['-v', '-f', 'text', '-o', '-', '-f', 'json', '-o', jsonFile]), listYaml, {
      [TOKEN_ENV]: auth.token,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^READY\s/m);
    // The Secret in the List was decoded and judged: its evidence names the Secret and a length, not the value.
    expect(run.stdout).toMatch(/API_KEY_HASH_SECRET: set, 48 chars, from Secret recsys-api/);
    expect(run.stdout).toContain('<stdin>');
    const report = JSON.parse(await readFile(jsonFile, 'utf8')) as { results: Array<{ id: string; status: string }> };
    const status = Object.fromEntries(report.results.map((r) => [r.id, r.status]));
    for (const id of ['readyz', 'jwks-reachable', 'response-versions', 'load-burst-p95', 'migration-job-present', 'secret-in-configmap']) {
      expect(status[id], id).toBe('pass');
    }
    // The live target was really asked.
    expect(healthy.stats().byRoute['/readyz']).toBeGreaterThan(0);
    expect(healthy.stats().apiRequests).toBeGreaterThan(100);
    const outputs = [run.stdout, run.stderr, await readFile(jsonFile, 'utf8')];
    // Three values of Secret recsys-api, the Helm release blob, the DSN's password: each decoded and in base64.
    expect(secretForms(listYaml).length).toBeGreaterThanOrEqual(9);
    for (const secret of secretForms(listYaml)) {
      for (const out of outputs) expect(out.includes(secret), `a secret form of ${secret.length} chars was printed`).toBe(false);
    }
    expect(outputs.join('\n')).not.toContain(auth.token);
  });

  it('fails on a service whose /readyz answers 503, naming the dependency, and still prints no secret', async () => {
    const run = await cli(onCallArgs(degraded), listYaml, { [TOKEN_ENV]: auth.token });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^NOT READY\s/m);
    expect(run.stdout).toMatch(/FAIL\s+readyz[\s\S]*readiness http:\/\/127\.0\.0\.1:\d+\/readyz answered 503: database/);
    for (const secret of secretForms(listYaml)) expect(`${run.stdout}\n${run.stderr}`.includes(secret)).toBe(false);
  });

  it('the probe command gives a healthy target a compact verdict in a few lines', async () => {
    const run = await cli(['probe', '--manifests', '-', '--target', healthy.url, '--jwks-url', auth.jwksUrl, '--issuer', auth.issuer, '--ca-file', caFile, '--bearer-token-env', TOKEN_ENV], listYaml, {
      [TOKEN_ENV]: auth.token,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(8);
    expect(lines.at(-1)).toMatch(/^HEALTHY\s/);
    expect(run.stdout).toMatch(/^ok\s+readyz\s/m);
    expect(run.stdout).toMatch(/^ok\s+jwks-reachable\s/m);
    for (const secret of secretForms(listYaml)) expect(run.stdout.includes(secret)).toBe(false);
  });
});
