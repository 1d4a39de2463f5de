import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import AjvDraft04 from 'ajv-draft-04';

// A CommonJS module: under NodeNext its class is the `default` property of what the import gives.
const Ajv04 = AjvDraft04.default;
import sarif from '../../src/reporters/sarif.js';
import { makeReadyRunResult, makeReportContext, makeRunResult, HOSTILE_VALUE } from '../fixtures/run-result.js';

const require = createRequire(import.meta.url);
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  kind: string;
  message: { text: string };
  locations?: Array<{
    physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region?: Record<string, number> };
    logicalLocations?: Array<{ name: string; kind: string }>;
  }>;
  suppressions?: Array<{ kind: string; status: string; justification: string }>;
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}

/** The schema uses these formats; ajv-draft-04 ships none, so define them from the standards they name. */
function compileSchema() {
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s) && URL.canParse(s, 'file:///base/'));
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  return ajv.compile(schema);
}

function render() {
  const result = makeRunResult();
  const ctx = makeReportContext();
  const text = sarif(result, ctx);
  const log = JSON.parse(text);
  const run = log.runs[0];
  return { result, ctx, text, log, run, results: run.results as SarifResult[] };
}

describe('sarif reporter', () => {
  it('passes the official SARIF 2.1.0 schema', () => {
    const { log } = render();
    const validate = compileSchema();
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('a clean run passes the schema too', () => {
    const validate = compileSchema();
    expect(validate(JSON.parse(sarif(makeReadyRunResult(), makeReportContext())))).toBe(true);
  });

  it('the schema validator does reject a broken log (the check can fail)', () => {
    const { log } = render();
    const validate = compileSchema();
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = 'fatal';
    delete broken.runs[0].tool.driver.name;
    expect(validate(broken)).toBe(false);
    const badUri = structuredClone(log);
    badUri.runs[0].tool.driver.rules[0].helpUri = 'not a uri';
    expect(validate(badUri)).toBe(false);
  });

  it('lists every rule of the registry with descriptions, docs link and default level', () => {
    const { ctx, run } = render();
    const rules = run.tool.driver.rules as Array<Record<string, any>>;
    for (const u of ctx.units) {
      const r = rules.find((x) => x.id === u.id);
      expect(r, u.id).toBeDefined();
      expect(r!.shortDescription.text).toBe(u.title);
      expect(r!.fullDescription.text).toBe(u.description);
      if (u.helpUrl!.startsWith('https://')) expect(r!.helpUri).toBe(u.helpUrl);
      else {
        // The engine's default docs link is a path in the package, which helpUri (an absolute URI) cannot hold.
        expect(r!.helpUri).toBeUndefined();
        expect(r!.help.text).toBe(`${u.remediation}\nDocs: ${u.helpUrl}`);
      }
      expect(r!.defaultConfiguration.level).toBe(u.severity === 'warn' ? 'warning' : u.severity === 'info' ? 'note' : 'error');
    }
    expect(rules.filter((r) => r.helpUri).length).toBeGreaterThan(0);
    expect(rules.filter((r) => !r.helpUri).length).toBeGreaterThan(0);
    expect(run.tool.driver.name).toBe('prodready');
    expect(run.tool.driver.version).toBe(ctx.toolVersion);
  });

  it('has one result per failing, warning, unknown or waived finding, and none for passes', () => {
    const { result, results } = render();
    const expected = [...result.fatal, ...result.results.flatMap((u) => u.findings)].filter((f) =>
      ['fail', 'warn', 'unknown', 'waived'].includes(f.status),
    );
    expect(results).toHaveLength(expected.length);
    expect(results.map((r) => r.ruleId)).not.toContain('1.key-rotation');
    for (const r of results) expect(run0Rules()[r.ruleIndex]).toBe(r.ruleId);
  });

  it('maps statuses to levels: unknown is a note, warn a warning, a failed error an error', () => {
    const { results } = render();
    const byRule = (id: string) => results.filter((r) => r.ruleId === id);
    expect(byRule('exposure-hash-salt')[0]!.level).toBe('note');
    expect(byRule('backup-marker-fresh')[0]!.level).toBe('note');
    expect(byRule('database-tls')[0]!.level).toBe('warning');
    expect(byRule('dev-auth-disabled')[0]!.level).toBe('error');
    const waived = byRule('cors-restricted')[0]!;
    expect(waived.suppressions?.[0]).toMatchObject({ kind: 'external', status: 'accepted' });
    expect(waived.suppressions?.[0]?.justification).toContain('Alice Martin');
  });

  it('gives a 1-based physical region to findings with a file, relative to the working directory', () => {
    const { results } = render();
    const dev = results.find((r) => r.ruleId === 'dev-auth-disabled')!;
    const phys = dev.locations![0]!.physicalLocation!;
    expect(phys.artifactLocation).toEqual({ uri: '.env.production', uriBaseId: 'SRCROOT' });
    expect(phys.region).toEqual({ startLine: 3, startColumn: 18 });
    const pinned = results.filter((r) => r.ruleId === 'image-pinned');
    expect(pinned.map((r) => r.locations![0]!.physicalLocation!.artifactLocation.uri)).toEqual([
      'manifests/deployment.yaml',
      'manifests/deployment.yaml',
      'values.yaml',
    ]);
    expect(pinned[2]!.locations![0]!.physicalLocation!.region).toEqual({ startLine: 3, startColumn: 8, endLine: 3, endColumn: 14 });
    expect(pinned[0]!.locations![0]!.logicalLocations).toContainEqual(expect.objectContaining({ name: 'Deployment/recsys-api' }));
  });

  it('gives a live finding without a file the first values file (GitHub needs one) and its URL as a logical location', () => {
    const { results } = render();
    const jwks = results.find((r) => r.ruleId === 'jwks-reachable')!;
    expect(jwks.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'values.yaml', uriBaseId: 'SRCROOT' }, region: { startLine: 1 } });
    expect(jwks.message.text).toContain('https://auth.example.com/.well-known/jwks.json');
    expect(jwks.locations![0]!.logicalLocations).toEqual([
      expect.objectContaining({ name: 'https://auth.example.com/.well-known/jwks.json', kind: 'resource' }),
    ]);
  });

  it('reports a file that does not parse against a rule descriptor of its own', () => {
    const { run, results } = render();
    const fatal = results.find((r) => r.ruleId === 'parse-error')!;
    expect(fatal.level).toBe('error');
    expect(fatal.properties.fatal).toBe(true);
    expect(run.tool.driver.rules[fatal.ruleIndex].id).toBe('parse-error');
  });

  it('keeps the message as data (JSON-escaped, not altered)', () => {
    const { results, text } = render();
    expect(results.find((r) => r.ruleId === 'service-starts')!.message.text).toContain(HOSTILE_VALUE);
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it('fingerprints are stable and distinct per problem', () => {
    const a = render().results.map((r) => r.partialFingerprints['prodready/v2']);
    const b = render().results.map((r) => r.partialFingerprints['prodready/v2']);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
  });
});

function run0Rules(): string[] {
  return (render().run.tool.driver.rules as Array<{ id: string }>).map((r) => r.id);
}
