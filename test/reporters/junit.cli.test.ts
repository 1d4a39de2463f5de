// JUnit through the built CLI, validated with xmllint against the common JUnit schema (Jenkins' junit-4.xsd,
// vendored in test/fixtures/junit with its licence). .ci/run installs xmllint (Debian's libxml2-utils).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool } from '../helpers/chromium.js';
import { ROOT, run } from '../helpers/cli.js';

const XSD = join(ROOT, 'test/fixtures/junit/jenkins-junit.xsd');
const BROKEN = ['--values', 'fixtures/broken/values.yaml', '--env', 'fixtures/broken/prod.env', '--manifests', 'fixtures/broken/rendered.yaml'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prodready-junit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// On a machine without xmllint the schema tests are skipped with a notice; under CI=true they fail instead.
const XMLLINT = findTool('xmllint');
const skipSchema = XMLLINT.path === undefined && !XMLLINT.required;
if (skipSchema) process.stderr.write(`\nNOTICE: the JUnit schema tests are skipped: ${XMLLINT.missing} (Debian: apt-get install libxml2-utils)\n\n`);

function xmllint(file: string): { code: number; stderr: string } {
  const r = spawnSync(XMLLINT.path ?? 'xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`xmllint is needed (Debian: apt-get install libxml2-utils): ${r.error.message}`);
  return { code: r.status ?? -1, stderr: r.stderr };
}

function cases(file: string): Array<Record<string, any>> {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, isArray: (n) => ['testsuite', 'testcase', 'failure'].includes(n) }).parse(
    readFileSync(file, 'utf8'),
  );
  return doc.testsuites.testsuite.flatMap((s: any) => s.testcase ?? []);
}

function junitOf(name: string, args: string[]): { file: string; code: number } {
  const file = join(dir, name);
  const r = run(['check', ...args, '-f', 'junit', '-o', file]);
  return { file, code: r.code };
}

describe('junit through the CLI', () => {
  it.skipIf(skipSchema)('is valid against the common JUnit schema, for failing, clean and unreadable inputs', () => {
    const broken = junitOf('broken.xml', BROKEN);
    const ready = junitOf('ready.xml', ['--values', 'fixtures/ready/values.yaml', '--env', 'fixtures/ready/prod.env', '--manifests', 'fixtures/ready/rendered.yaml']);
    writeFileSync(join(dir, 'bad.yaml'), 'api:\n  env: [unclosed\n');
    const unreadable = junitOf('bad.xml', ['--values', join(dir, 'bad.yaml')]);
    expect(readFileSync(unreadable.file, 'utf8')).toMatch(/<error message="[^"]*bad\.yaml:\d+:\d+: [^"]*" type="error">/);
    expect([broken.code, ready.code]).toEqual([1, 0]);
    for (const f of [broken.file, ready.file, unreadable.file]) expect(xmllint(f), f).toEqual({ code: 0, stderr: expect.stringContaining('validates') });
  }, 60_000);

  it.skipIf(skipSchema)('the schema check can fail: an attribute outside the schema is refused', () => {
    const { file } = junitOf('broken2.xml', BROKEN);
    const bad = join(dir, 'extra-attr.xml');
    spawnSync('sh', ['-c', `sed 's/<testcase /<testcase file="x" /' '${file}' > '${bad}'`]);
    expect(xmllint(bad).code).not.toBe(0);
  }, 60_000);

  it('a testcase fails only at or above --fail-on; lower findings go to system-out; one type vocabulary; file:line in the message', () => {
    const atError = cases(junitOf('error.xml', BROKEN).file);
    const atWarn = cases(junitOf('warn.xml', [...BROKEN, '--fail-on', 'warn']).file);
    const replicas = (list: typeof atError) => list.find((c) => c.name === 'replicas-ha')!;
    // replicas-ha is a warning rule: a passed testcase under --fail-on error, a failed one under --fail-on warn.
    expect(replicas(atError).failure).toBeUndefined();
    expect(replicas(atError)['system-out']).toContain('below --fail-on error: reported, not failed');
    expect(replicas(atError)['system-out']).toMatch(/fixtures\/broken\/values\.yaml:3:\d+/);
    expect(replicas(atWarn).failure[0].type).toBe('warn');
    expect(replicas(atWarn).failure[0].message).toMatch(/^fixtures\/broken\/values\.yaml:3:\d+ \(api\.replicaCount\): /);

    const types = new Set([...atError, ...atWarn].flatMap((c) => (c.failure ?? []).map((f: any) => f.type)));
    expect([...types].sort()).toEqual(['error', 'warn']);
    const failed = atError.filter((c) => c.failure);
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed) {
      expect(c.failure[0].type, c.name).toBe('error');
      expect(c.failure[0].message, c.name).toMatch(/^(\d+ findings, first )?fixtures\/broken\/[\w.]+:\d+/);
    }
  }, 60_000);
});
