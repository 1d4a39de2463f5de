// SARIF from the built CLI for every kind of run (static, unknown, stdin, live, fleet), judged by Microsoft's
// SARIF multitool with GitHub's ingestion rules and by the SARIF 2.1.0 schema.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, runAsync } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/http-server.js';
import { keySet, rsaJwk } from '../helpers/jwks.js';
import { compileSarifSchema, multitoolValidate } from '../helpers/sarif-validate.js';

const BROKEN = ['--values', 'fixtures/broken/values.yaml', '--env', 'fixtures/broken/prod.env', '--manifests', 'fixtures/broken/rendered.yaml'];
const DOCS = ['--docs-url', 'https://docs.example.com/prodready/rules/'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prodready-sarif-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readLog(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Both judges, and the rules GitHub itself applies on upload that neither names outright. */
function expectAccepted(files: string[]): void {
  expect(multitoolValidate(files)).toEqual([]);
  const validate = compileSarifSchema();
  for (const file of files) {
    const log = readLog(file);
    expect(validate(log), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    for (const r of log.runs[0].results) {
      const phys = r.locations?.[0]?.physicalLocation;
      expect(phys?.artifactLocation?.uri, `${r.ruleId}: ${r.message.text}`).toEqual(expect.any(String));
      expect(phys.region.startLine).toBeGreaterThanOrEqual(1);
    }
  }
}

describe('sarif through the CLI', () => {
  it('a static run is accepted by GitHub rules and the schema, with helpUri, security severity and a category', () => {
    const out = join(dir, 'static.sarif');
    const r = run(['check', ...BROKEN, ...DOCS, '--sarif-category', 'recsys-prod', '-f', 'sarif', '-o', out]);
    expect(r.code).toBe(1);
    expectAccepted([out]);
    const run0 = readLog(out).runs[0];
    expect(run0.automationDetails).toEqual({ id: 'recsys-prod/' });
    const rules = run0.tool.driver.rules as any[];
    const dev = rules.find((x) => x.id === 'dev-auth-disabled');
    expect(dev.helpUri).toBe('https://docs.example.com/prodready/rules/dev-auth-disabled.md');
    expect(dev.properties['security-severity']).toBe('8.0');
    expect(dev.properties.tags).toContain('security');
    expect(rules.find((x) => x.id === 'cors-restricted').properties['security-severity']).toBe('5.0');
    // Not a security rule: no security severity, so code scanning files it as a plain alert.
    expect(rules.find((x) => x.id === 'replicas-ha').properties['security-severity']).toBeUndefined();
    expect(rules.find((x) => x.id === 'readyz').name).toBeUndefined();
    // Inside a git checkout the URIs start at its top level.
    const uris = new Set(run0.results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri));
    expect([...uris].sort()).toEqual(['fixtures/broken/prod.env', 'fixtures/broken/rendered.yaml', 'fixtures/broken/values.yaml']);
  }, 120_000);

  it('the judges do reject a result without a location (the check can fail)', () => {
    const out = join(dir, 'static.sarif');
    const bad = join(dir, 'no-location.sarif');
    const log = readLog(out);
    delete log.runs[0].results[0].locations;
    writeFileSync(bad, JSON.stringify(log));
    const issues = multitoolValidate([bad]);
    expect(issues.some((i) => i.ruleId.startsWith('GH') && i.level === 'error')).toBe(true);
  }, 120_000);

  it('a values-only run points its unknown results at the values file; stdin has a fixed uri', () => {
    const out = join(dir, 'values.sarif');
    expect(run(['check', '--values', 'fixtures/broken/values.yaml', ...DOCS, '-f', 'sarif', '-o', out]).code).toBe(1);
    const stdinOut = join(dir, 'stdin.sarif');
    run(['check', '--values', '-', ...DOCS, '-f', 'sarif', '-o', stdinOut], readFileSync(join(ROOT, 'fixtures/broken/values.yaml'), 'utf8'));
    expectAccepted([out, stdinOut]);
    const results = readLog(out).runs[0].results as any[];
    const migration = results.find((x) => x.ruleId === 'migration-job-present');
    expect(migration.level).toBe('note');
    expect(migration.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'fixtures/broken/values.yaml', uriBaseId: 'SRCROOT' },
      region: { startLine: 1 },
    });
    const fromStdin = readLog(stdinOut).runs[0].results as any[];
    expect(new Set(fromStdin.map((x) => x.locations[0].physicalLocation.artifactLocation.uri))).toEqual(new Set(['stdin']));
  }, 120_000);

  it('--root sets where URIs start; outside any git checkout the default is the working directory', async () => {
    const out = join(dir, 'root.sarif');
    run(['check', ...BROKEN, '--root', 'fixtures', '-f', 'sarif', '-o', out]);
    const log = readLog(out);
    expect(log.runs[0].originalUriBaseIds.SRCROOT.uri).toBe(`file://${join(ROOT, 'fixtures')}/`);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/^broken\//);

    const work = mkdtempSync(join(tmpdir(), 'prodready-nogit-'));
    try {
      copyFileSync(join(ROOT, 'fixtures/broken/values.yaml'), join(work, 'values.yaml'));
      const r = await runAsync(['check', '--values', 'values.yaml', '-f', 'sarif', '-o', 'out.sarif'], { cwd: work });
      expect(r.code).toBe(1);
      const local = readLog(join(work, 'out.sarif'));
      expect(new Set(local.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri))).toEqual(new Set(['values.yaml']));
      expect(run(['check', '--values', 'fixtures/broken/values.yaml', '--root', join(work, 'nope'), '-f', 'sarif']).code).toBe(2);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);

  it('fleet mode gives each deployment its own automationDetails id, and every file is accepted', () => {
    const out = join(dir, 'fleet');
    const r = run(['check', '--each', 'fixtures/{broken,canary,demo}', ...DOCS, '--sarif-category', 'fleet', '-f', 'sarif', '-o', out]);
    expect(r.code).toBe(1);
    const files = readdirSync(out).filter((n) => n.endsWith('.sarif')).map((n) => join(out, n));
    expect(files).toHaveLength(3);
    expectAccepted(files);
    const ids = files.map((f) => readLog(f).runs[0].automationDetails.id).sort();
    expect(ids).toEqual(['fleet/fixtures/broken/', 'fleet/fixtures/canary/', 'fleet/fixtures/demo/']);
  }, 120_000);
});

describe('sarif of a live run', () => {
  let jwks: TestServer;
  let service: TestServer;
  beforeAll(async () => {
    const keys = keySet(await rsaJwk('k1'));
    jwks = await startServer((_req, res) => json(res, 200, keys));
    // A service that is not ready: every live unit has something to report.
    service = await startServer((_req, res) => json(res, 503, { status: 'unhealthy' }));
  });
  afterAll(async () => {
    await jwks?.close();
    await service?.close();
  });

  it('points a JWKS result at the line that set JWT_JWKS_URL and a --target result at the first input, URL in the message', async () => {
    const envFile = join(dir, 'live.env');
    const jwksUrl = `${jwks.url}/jwks.json`;
    writeFileSync(envFile, `# live\nENV=production\nJWT_AUTH_ENABLED=true\nJWT_JWKS_URL=${jwksUrl}\n`);
    const out = join(dir, 'live.sarif');
    const r = await runAsync(['check', '--env', envFile, '--target', service.url, ...DOCS, '--root', dir, '-f', 'sarif', '-o', out], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(1);
    expectAccepted([out]);
    const results = readLog(out).runs[0].results as any[];
    const live = results.filter((x) => x.properties.kind === 'probe');
    expect(live.length).toBeGreaterThan(0);
    const jwksResult = live.find((x) => x.ruleId === 'jwks-reachable');
    expect(jwksResult.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'live.env', uriBaseId: 'SRCROOT' }, region: expect.objectContaining({ startLine: 4 }) });
    expect(jwksResult.message.text).toContain(jwksUrl);
    const readyz = live.find((x) => x.ruleId === 'readyz');
    expect(readyz.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'live.env', uriBaseId: 'SRCROOT' }, region: { startLine: 1 } });
    expect(readyz.message.text).toContain(service.url);
  }, 120_000);
});

describe('fingerprints', () => {
  it('stay the same when lines are inserted, keys reordered and files moved down, and differ per problem', async () => {
    const work = mkdtempSync(join(tmpdir(), 'prodready-fp-'));
    try {
      const values = readFileSync(join(ROOT, 'fixtures/broken/values.yaml'), 'utf8');
      const env = readFileSync(join(ROOT, 'fixtures/broken/prod.env'), 'utf8');
      const manifests = readFileSync(join(ROOT, 'fixtures/broken/rendered.yaml'), 'utf8');
      const write = (v: string, e: string) => {
        writeFileSync(join(work, 'values.yaml'), v);
        writeFileSync(join(work, 'prod.env'), e);
        writeFileSync(join(work, 'rendered.yaml'), manifests);
      };
      const sarifOf = async (): Promise<Map<string, string>> => {
        const r = await runAsync(['check', '--values', 'values.yaml', '--env', 'prod.env', '--manifests', 'rendered.yaml', '-f', 'sarif', '-o', 'out.sarif'], { cwd: work });
        expect(r.code, r.stderr).toBe(1);
        const results = readLog(join(work, 'out.sarif')).runs[0].results as any[];
        const prints = results.map((x) => x.partialFingerprints['prodready/v2'] as string);
        expect(new Set(prints).size).toBe(prints.length);
        // What each finding is about, independent of lines: rule, message id, file and logical path.
        return new Map(
          results.map((x) => [
            [x.ruleId, x.properties.messageId, x.locations[0].physicalLocation.artifactLocation.uri, ...(x.locations[0].logicalLocations ?? []).map((l: any) => l.fullyQualifiedName)].join(' '),
            x.partialFingerprints['prodready/v2'],
          ]),
        );
      };
      write(values, env);
      const before = await sarifOf();

      // Comments on top move every line; `postgres:` goes before `api:`, and env lines are reversed (LOG_LEVEL's duplicate kept in order).
      const lines = values.split('\n');
      const apiEnd = lines.findIndex((l) => l.startsWith('postgres:'));
      const reordered = ['# moved', '# twice', ...lines.slice(apiEnd).filter(Boolean), ...lines.slice(0, apiEnd), ''].join('\n');
      const envLines = env.trimEnd().split('\n');
      const envReordered = ['# a new first line', '', ...envLines.slice(3).reverse(), ...envLines.slice(0, 3), ''].join('\n');
      write(reordered, envReordered);
      const after = await sarifOf();

      expect(after.size).toBe(before.size);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [about, print] of before) expect(after.get(about), about).toBe(print);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});
