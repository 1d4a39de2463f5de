import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import type { RunResult } from '../../src/core/types.js';

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

// A migration Job as teams write it, whose command no pattern of the rule recognises.
const job = (command: string): string => `apiVersion: batch/v1
kind: Job
metadata:
  name: app-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/app:3.0.0
          command: ${JSON.stringify(command.split(' '))}
`;

const attestation = `attestations:
  - item: 4.migration-job
    statement: "/app/bootstrap --mode=schema applies the schema migrations; read in the app's source."
    by: Dana Ops <dana@example.com>
    date: "${day(-1)}"
    evidence: https://git.example.com/app/blob/main/cmd/bootstrap/main.go
    expires: "${day(90)}"
`;

describe('check with an attestation of a rule item (built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prodready-rule-attest-'));
  writeFileSync(join(dir, 'prod.env'), 'ENV=production\nMIGRATE_ON_START=false\n');
  writeFileSync(join(dir, 'unknown.yaml'), job('/app/bootstrap --mode=schema'));
  writeFileSync(join(dir, 'lookalike.yaml'), job('echo migrate'));
  writeFileSync(join(dir, 'att.yaml'), attestation);
  writeFileSync(join(dir, 'none.yaml'), 'attestations: []\n');
  const only = ['--only', 'migration-job-present,migrate-on-start-disabled'];
  const check = (manifest: string, att: string, format = 'json') =>
    run(['check', '--env', join(dir, 'prod.env'), '--manifests', join(dir, manifest), '--attestations', join(dir, att), ...only, '-f', format]);
  const unitOf = (stdout: string, id: string) => (JSON.parse(stdout) as RunResult).results.find((u) => u.id === id)!;

  it('an unrecognised migration command is unknown without the attestation, and its message names prodready attest', () => {
    const r = check('unknown.yaml', 'none.yaml');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const u = unitOf(r.stdout, 'migration-job-present');
    expect(u.status).toBe('unknown');
    expect(u.findings[0]).toMatchObject({ status: 'unknown', messageId: 'unrecognised', location: { line: 12 } });
    expect(u.reason).toContain('`/app/bootstrap --mode=schema`');
    expect(u.reason).toContain('or attest item 4.migration-job (prodready attest --template)');
  });

  it('passes with the attestation, its evidence naming who, when, until and the statement', () => {
    const r = check('unknown.yaml', 'att.yaml');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const u = unitOf(r.stdout, 'migration-job-present');
    expect(u.status).toBe('pass');
    expect(u.evidence[0]).toBe(
      `rests on the attestation of 4.migration-job: attested by Dana Ops <dana@example.com> on ${day(-1)}, until ${day(90)}: https://git.example.com/app/blob/main/cmd/bootstrap/main.go; statement: /app/bootstrap --mode=schema applies the schema migrations; read in the app's source.`,
    );
    expect(u.findings[0]).toMatchObject({ status: 'pass', attestation: { item: '4.migration-job', by: 'Dana Ops <dana@example.com>', expires: day(90) } });
    expect(unitOf(r.stdout, 'migrate-on-start-disabled').status).toBe('pass');
    const text = check('unknown.yaml', 'att.yaml', 'text');
    expect(text.stdout).toMatch(/PASS {2}migration-job-present/);
    const verbose = run(['check', '--env', join(dir, 'prod.env'), '--manifests', join(dir, 'unknown.yaml'), '--attestations', join(dir, 'att.yaml'), ...only, '-v']);
    expect(verbose.stdout).toContain('rests on the attestation of 4.migration-job: attested by Dana Ops');
    // prodready attest shows the entry, and what it may decide.
    const state = run(['attest', '--attestations', join(dir, 'att.yaml')]);
    expect(state.code).toBe(0);
    expect(state.stdout).toMatch(/4\.migration-job\s+pass\s+4\.migration-job attested by Dana Ops <dana@example\.com>, until \S+ \(decides only what migrate-on-start-disabled, migration-job-present report unknown, never a failure\)/);
  });

  it('a step that fails on evidence keeps failing with the attestation, which says it was not used', () => {
    const r = check('lookalike.yaml', 'att.yaml');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const u = unitOf(r.stdout, 'migration-job-present');
    expect(u.status).toBe('fail');
    expect(u.findings[0]!.messageId).toBe('lookalike');
    expect(u.findings[0]!.attestation).toBeUndefined();
    expect(u.findings[0]!.evidence).toContain(
      `the attestation of 4.migration-job by Dana Ops <dana@example.com> (${join(dir, 'att.yaml')}:2) was not used: migration-job-present failed on evidence, which an attestation never overrides`,
    );
    const text = check('lookalike.yaml', 'att.yaml', 'text');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL {2}migration-job-present/);
    expect(text.stdout).toContain('was not used: migration-job-present failed on evidence');
  });
});
