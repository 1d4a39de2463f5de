// Property tests: any text, valid or broken, given as a values file, a manifest stream or an env file, is read
// without a throw; a YAML file that does not parse is exactly one problem with a line; reading is deterministic.
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_PROBLEMS, parseEnvFile } from '../../src/sources/env-file.js';
import { helmMapEntries, loadValues } from '../../src/sources/helm-values.js';
import { addManifestFile, emptyManifestSet } from '../../src/sources/manifests.js';
import { parseYamlFile } from '../../src/sources/yaml-doc.js';
import { envText, FC, manifestsText, valuesText } from '../helpers/arbitraries.js';

/** What the YAML library alone says: a file with an error in any document (or a NUL byte) does not parse. */
function yamlLibraryRejects(text: string, version: '1.1' | '1.2'): boolean {
  if (text.includes('\0')) return true;
  return parseAllDocuments(text, { version, uniqueKeys: false, strict: false, logLevel: 'silent' }).some((d) => d.errors.length > 0);
}

function expectPositioned(problems: Array<{ line: number; column: number; file: string }>, file: string): void {
  for (const p of problems) {
    expect(p.file).toBe(file);
    expect(Number.isInteger(p.line) && p.line >= 1).toBe(true);
    expect(Number.isInteger(p.column) && p.column >= 1).toBe(true);
  }
}

describe('YAML sources under generated input', () => {
  it('a values file never throws; at most one problem per file, exactly one when it does not parse', () => {
    fc.assert(
      fc.property(valuesText, (text) => {
        const r = parseYamlFile('v.yaml', text, '1.1');
        expectPositioned(r.problems, 'v.yaml');
        expect(r.problems.length).toBeLessThanOrEqual(1);
        if (yamlLibraryRejects(text, '1.1')) expect(r.problems).toHaveLength(1);
        const v = loadValues([{ name: 'v.yaml', text }]);
        expect(v.problems.length).toBeLessThanOrEqual(1);
        for (const s of helmMapEntries(v, ['api', 'env']).values()) expect(typeof s.rendered).toBe('string');
      }),
      FC,
    );
  });

  it('a manifest stream never throws; one problem for the whole file, however many documents are broken', () => {
    fc.assert(
      fc.property(manifestsText, (text) => {
        const set = emptyManifestSet();
        addManifestFile(set, 'm.yaml', text);
        expectPositioned(set.problems, 'm.yaml');
        expect(set.problems.length).toBeLessThanOrEqual(1);
        if (yamlLibraryRejects(text, '1.2')) expect(set.problems).toHaveLength(1);
      }),
      FC,
    );
  });

  it('reading is deterministic', () => {
    fc.assert(
      fc.property(valuesText, manifestsText, (values, manifests) => {
        const once = () => {
          const set = emptyManifestSet();
          addManifestFile(set, 'm.yaml', manifests);
          const v = loadValues([{ name: 'v.yaml', text: values }]);
          return JSON.stringify({ p: set.problems, w: set.workloads.length, vp: v.problems, d: v.duplicates, e: [...helmMapEntries(v, ['api', 'env'])] });
        };
        expect(once()).toBe(once());
      }),
      { ...FC, numRuns: 50 },
    );
  });
});

describe('env files under generated input', () => {
  it('never throw; every problem has a line inside the file; junk is listed boundedly', () => {
    fc.assert(
      fc.property(envText, (text) => {
        const r = parseEnvFile('x.env', text);
        expectPositioned(r.problems, 'x.env');
        const lineCount = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).length;
        for (const p of r.problems) expect(p.line).toBeLessThanOrEqual(lineCount);
        expect(r.problems.length).toBeLessThanOrEqual(MAX_LINE_PROBLEMS + 1);
        for (const e of r.all) expect(e.key).toMatch(/^[\w.-]+$/);
        if (text.includes('\0')) expect(r.problems).toEqual([expect.objectContaining({ code: 'binary-file' })]);
        expect(JSON.stringify(parseEnvFile('x.env', text))).toBe(JSON.stringify(r));
      }),
      FC,
    );
  });
});
