import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import junit from '../../src/reporters/junit.js';
import { SECTIONS } from '../../src/core/types.js';
import { HOSTILE_VALUE, makeReportContext, makeRunResult } from '../fixtures/run-result.js';

type Node = Record<string, any>;

function parse(xml: string): Node {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    // Numeric character references (&#10;) are XML; this parser decodes them only with this option.
    htmlEntities: true,
    isArray: (name) => ['testsuite', 'testcase', 'failure', 'skipped', 'error'].includes(name),
  });
  return parser.parse(xml);
}

function render() {
  const result = makeRunResult();
  const xml = junit(result, makeReportContext());
  return { result, xml, doc: parse(xml) };
}

describe('junit reporter', () => {
  it('is well-formed XML', () => {
    const { xml } = render();
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });

  it('has one testsuite per checklist section with rules, plus one for unreadable inputs', () => {
    const { result, doc } = render();
    const suites: Node[] = doc.testsuites.testsuite;
    const sectionsWithRules = SECTIONS.filter((s) => result.results.some((u) => u.section === s));
    expect(suites.map((s) => s.name)).toEqual(['Inputs', ...sectionsWithRules.map((s) => expect.stringMatching(new RegExp(`^${s} `)))]);
  });

  it('has one testcase per rule, named by its id', () => {
    const { result, doc } = render();
    const names = (doc.testsuites.testsuite as Node[]).slice(1).flatMap((s) => (s.testcase as Node[]).map((c) => c.name));
    expect([...names].sort()).toEqual(result.results.map((u) => u.id).sort());
  });

  it('counts match the testcases at every level and the statuses of the result', () => {
    const { result, doc } = render();
    const root = doc.testsuites;
    let tests = 0, failures = 0, errors = 0, skipped = 0;
    for (const s of root.testsuite as Node[]) {
      const cases: Node[] = s.testcase;
      const f = cases.filter((c) => c.failure).length;
      const e = cases.filter((c) => c.error).length;
      const k = cases.filter((c) => c.skipped).length;
      expect(Number(s.tests), s.name).toBe(cases.length);
      expect(Number(s.failures), s.name).toBe(f);
      expect(Number(s.errors), s.name).toBe(e);
      expect(Number(s.skipped), s.name).toBe(k);
      tests += cases.length; failures += f; errors += e; skipped += k;
    }
    // The common schema allows no `skipped` on <testsuites>.
    expect(root.skipped).toBeUndefined();
    expect([Number(root.tests), Number(root.failures), Number(root.errors)]).toEqual([tests, failures, errors]);
    const c = result.summary.counts;
    expect(tests).toBe(result.results.length + result.fatal.length);
    // --fail-on error: warnings are passed testcases.
    expect(result.summary.failOn).toBe('error');
    expect(failures).toBe(c.fail);
    expect(skipped).toBe(c.skip + c.unknown + c.manual + c.waived);
    expect(errors).toBe(result.fatal.length);
  });

  it('a failure carries the message, the location and the remediation', () => {
    const { doc } = render();
    const cases = (doc.testsuites.testsuite as Node[]).flatMap((s) => s.testcase as Node[]);
    const dev = cases.find((c) => c.name === 'dev-auth-disabled')!;
    const failure = dev.failure[0];
    expect(failure.message).toBe('.env.production:3:18: DEV_AUTH_ENABLED is "true" at .env.production:3: any caller can pick their user and tenant with X-Dev-* headers');
    expect(failure.type).toBe('error');
    expect(failure['#text']).toContain('.env.production:3:18');
    expect(failure['#text']).toContain('fix: Set DEV_AUTH_ENABLED to "false" (or remove it) in api.env of the production deployment.');
    const pinned = cases.find((c) => c.name === 'image-pinned')!;
    expect(pinned.failure[0].message).toMatch(/^3 findings, first manifests\/deployment.yaml:30:18/);
    const body: string = pinned.failure[0]['#text'];
    expect(body.indexOf('manifests/deployment.yaml:30:18')).toBeLessThan(body.indexOf('manifests/deployment.yaml:58:18'));
    expect(body.indexOf('manifests/deployment.yaml:58:18')).toBeLessThan(body.indexOf('values.yaml:3:8'));
  });

  it('a skip, unknown, manual or waived rule is skipped with its reason', () => {
    const { doc } = render();
    const cases = (doc.testsuites.testsuite as Node[]).flatMap((s) => s.testcase as Node[]);
    // <skipped> carries its reason as text: the common schema gives it no attributes.
    const reason = (id: string) => String(cases.find((c) => c.name === id)!.skipped[0]);
    expect(reason('pipelines-scheduled')).toMatch(/^skipped: artifact mode is off/);
    expect(reason('exposure-hash-salt')).toMatch(/^unknown: EXPOSURE_HASH_SALT lives in existingSecret/);
    expect(reason('2.pii-stance')).toMatch(/^manual: needs an attestation/);
    expect(reason('cors-restricted')).toBe('waived by Alice Martin <alice@example.com> until 2026-12-31: public widget, no credentials; tracked in SEC-142');
    const pass = cases.find((c) => c.name === 'auth-required')!;
    expect(pass.failure).toBeUndefined();
    expect(pass.skipped).toBeUndefined();
  });

  it('escapes markup in messages, which parse back to the original text', () => {
    const { xml, doc } = render();
    expect(xml).not.toContain(HOSTILE_VALUE);
    const cases = (doc.testsuites.testsuite as Node[]).flatMap((s) => s.testcase as Node[]);
    expect(cases.find((c) => c.name === 'service-starts')!.failure[0].message).toContain(HOSTILE_VALUE);
  });

  it('keeps line breaks of a multi-line message inside an attribute', () => {
    const { doc } = render();
    const fatal = (doc.testsuites.testsuite as Node[])[0]!.testcase[0];
    expect(fatal.error[0].message).toContain('\n  image: recsys\n');
  });

  it('replaces characters XML cannot carry', () => {
    const result = makeRunResult();
    result.results[0]!.findings[0]!.message = 'bell\u0007 and nul\u0000 here';
    const xml = junit(result, makeReportContext());
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('bell\uFFFD and nul\uFFFD here');
  });
});
