// Regression examples found by the property tests: inputs that once threw or hung instead of becoming a problem.
import { describe, expect, it } from 'vitest';
import { packData } from '../helpers/pack.js';
import { buildModel } from '../../src/model/build.js';
import { helmMapEntries, loadValues, renderQuoted } from '../../src/sources/helm-values.js';
import { addManifestFile, emptyManifestSet } from '../../src/sources/manifests.js';
import { MAX_NESTING_DEPTH, MAX_STRUCTURE_MARKS, parseYamlFile, tooManyNodesAt } from '../../src/sources/yaml-doc.js';

const values = (text: string) => buildModel({ envFiles: [], valuesFiles: [{ name: 'v.yaml', text }], manifestFiles: [] }, packData());

describe('YAML documents that recursive code cannot survive', () => {
  it('an anchor containing an alias to itself is one yaml-alias problem at the alias, not a TypeError', () => {
    for (const text of ['api: &a\n  env: *a\n', 'api:\n  env: &e\n    X: *e\n', 'a: &a [*a]\n', 'a: &a {<<: *a}\n']) {
      const m = values(text);
      expect(m.problems).toHaveLength(1);
      expect(m.problems[0]).toMatchObject({ file: 'v.yaml', code: 'yaml-alias', line: expect.any(Number) });
      expect(m.problems[0]!.line).toBeGreaterThanOrEqual(1);
    }
  });

  it('an alias that names no anchor (an unquoted password starting with *) is a problem at its line that does not quote the name', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['api:', '  env:', '    A: "1"', '    API_KEY_HASH_SECRET: *Zq8SecretHashValue', '    B: "2"'].join(eol);
      const r = parseYamlFile('v.yaml', text, '1.1');
      expect(r.problems).toEqual([expect.objectContaining({ file: 'v.yaml', code: 'yaml-alias', line: 4, column: 26 })]);
      expect(r.problems[0]!.message).not.toContain('Zq8');
    }
  });

  it('an alias to an earlier sibling is fine (shared, not recursive)', () => {
    const r = parseYamlFile('v.yaml', 'a: &a {x: 1}\nb: *a\nc: [*a, *a]\n', '1.1');
    expect(r.problems).toEqual([]);
    expect(r.docs[0]!.data).toEqual({ a: { x: 1 }, b: { x: 1 }, c: [{ x: 1 }, { x: 1 }] });
  });

  it('refuses nesting deeper than the bound, with the line of the node that crosses it', () => {
    const deep = (n: number) => `a: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    expect(parseYamlFile('v.yaml', deep(MAX_NESTING_DEPTH - 2), '1.1').problems).toEqual([]);
    const over = parseYamlFile('v.yaml', deep(MAX_NESTING_DEPTH + 10), '1.1').problems;
    expect(over).toEqual([expect.objectContaining({ code: 'yaml-syntax', line: 1, message: `nested more than ${MAX_NESTING_DEPTH} levels deep` })]);
    const block = Array.from({ length: MAX_NESTING_DEPTH + 5 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    expect(parseYamlFile('v.yaml', block, '1.2').problems).toEqual([expect.objectContaining({ code: 'yaml-syntax', message: expect.stringMatching(/nested/) })]);
  });

  it('nesting that would overflow the parser is measured on its tokens first: one problem, same line every run', () => {
    const text = `a: ${'['.repeat(20_000)}`;
    const first = values(text).problems;
    expect(first).toEqual([expect.objectContaining({ code: 'yaml-syntax', line: 1, message: `nested more than ${MAX_NESTING_DEPTH} levels deep` })]);
    expect(first[0]!.column).toBe(3 + MAX_NESTING_DEPTH);
    for (let i = 0; i < 3; i += 1) expect(values(text).problems).toEqual(first);
  });

  it('a stream with several broken documents is one problem, at the first', () => {
    const r = parseYamlFile('m.yaml', 'kind: A\n---\nkind: [\n---\nkind: B\n---\n  bad: x\n y\n', '1.2');
    expect(r.problems).toEqual([expect.objectContaining({ code: 'yaml-syntax' })]);
    expect(r.problems[0]!.line).toBeLessThan(7);
  });
});

describe('collections rendered into an env value', () => {
  it('render like Go %v, keys sorted, numbers as float64', () => {
    expect(renderQuoted([1, 'a', { b: 10000000, a: [true, null] }])).toBe('[1 a map[a:[true <nil>] b:1e+07]]');
    expect(renderQuoted({})).toBe('map[]');
    expect(renderQuoted([])).toBe('[]');
  });

  it('are cut at a bound however large aliases make them', () => {
    const lines = ['s: &s "' + 'x'.repeat(100_000) + '"', 'l: &l [*s, *s, *s, *s, *s, *s, *s, *s, *s, *s]', 'api:', '  env:', '    BIG: [*l, *l, *l, *l, *l, *l, *l, *l]'];
    const v = loadValues([{ name: 'v.yaml', text: lines.join('\n') }]);
    expect(v.problems).toEqual([]);
    const big = helmMapEntries(v, ['api', 'env']).get('BIG')!;
    expect(big.rendered.length).toBeLessThan(5000);
    expect(big.rendered.endsWith('...')).toBe(true);
  });
});

describe('keys that are names of Object internals', () => {
  it('a __proto__ key merges as data and never lends values through the prototype', () => {
    const v = loadValues([
      { name: 'a.yaml', text: 'api:\n  env:\n    ENV: staging\n' },
      { name: 'b.yaml', text: '__proto__:\n  api:\n    replicaCount: 5\napi:\n  env:\n    __proto__: {PPROF_ENABLED: true}\n    constructor: x\n' },
    ]);
    expect(Object.getPrototypeOf(v.data)).toBe(Object.prototype);
    expect(Object.hasOwn(v.data, '__proto__')).toBe(true);
    const env = helmMapEntries(v, ['api', 'env']);
    expect([...env.keys()].sort()).toEqual(['ENV', '__proto__', 'constructor']);
    expect(env.has('PPROF_ENABLED')).toBe(false);
    const m = values('api:\n  env:\n    toString: x\n    hasOwnProperty: y\n');
    expect(m.problems).toEqual([]);
  });
});

describe('wide maps', () => {
  it('locates every key of a 20,000-key api.env in one pass (per-key lookups were quadratic: 42 s)', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `    K${i}: "v${i}"`);
    const v = loadValues([{ name: 'v.yaml', text: `api:\n  env:\n${keys.join('\n')}\n    1: numeric\n    K0: again\n` }]);
    const env = helmMapEntries(v, ['api', 'env']);
    expect(env.size).toBe(20_001);
    expect(env.get('K19999')!.location).toMatchObject({ file: 'v.yaml', line: 20_002, column: 5 });
    // The later of two definitions is the one the pod gets, so it is the one located and described.
    expect(env.get('K0')).toMatchObject({ rendered: 'again', quoted: false, location: { line: 20_004 } });
    expect(env.get('1')!.location).toMatchObject({ line: 20_003 });
  });

  it('locates every key of a 20,000-key ConfigMap in one pass', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  K${i}: "v${i}"`);
    const set = emptyManifestSet();
    addManifestFile(set, 'm.yaml', `kind: ConfigMap\nmetadata: {name: cfg}\ndata:\n${keys.join('\n')}\n`);
    const cm = set.configMaps.get('cfg')!;
    expect(cm.entries.size).toBe(20_000);
    expect(cm.entries.get('K19999')!.location).toMatchObject({ file: 'm.yaml', line: 20_003, column: 3, resource: 'ConfigMap/cfg' });
  });
});

describe('files with more nodes than can be parsed within bounds', () => {
  // Six marks a line: three commas, a brace, a bracket and the newline.
  const flowLine = '- {a: 1, b: [x, y], c: z}\n';

  it('are refused before any parser runs, at the line where the count passes the bound: one whole-file problem', () => {
    // Small flow collections, the shape the YAML library's parser is slowest and largest on (about 6 marks a line).
    const text = flowLine.repeat(Math.ceil((MAX_STRUCTURE_MARKS + 1000) / 6));
    const at = tooManyNodesAt(text)!;
    expect(at).toBeGreaterThan(MAX_STRUCTURE_MARKS / 6 - 10);
    expect(at).toBeLessThan(MAX_STRUCTURE_MARKS / 6 + 10);
    const r = parseYamlFile('v.yaml', text, '1.1');
    expect(r.docs).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ file: 'v.yaml', code: 'yaml-too-many-nodes', line: at, column: 1 })]);
    // Through the model: the file is unreadable as a whole, so the deployment is not judged on what it lacks.
    const m = values(`extra:\n${text.replace(/^/gm, '  ')}`);
    expect(m.problems).toEqual([expect.objectContaining({ code: 'yaml-too-many-nodes' })]);
  });

  it('count lines and flow separators only: a long file of few nodes, and one just under the bound, parse', () => {
    // A 1.5 MB block scalar of long lines: few marks.
    const long = `blob: |\n${`  ${'A'.repeat(200)}\n`.repeat(7500)}`;
    expect(long.length).toBeGreaterThan(MAX_STRUCTURE_MARKS);
    expect(tooManyNodesAt(long)).toBeUndefined();
    expect(parseYamlFile('v.yaml', long, '1.1').problems).toEqual([]);
    // Exactly at the bound: newline-only marks.
    const atBound = 'k: v\n'.repeat(MAX_STRUCTURE_MARKS);
    expect(tooManyNodesAt(atBound)).toBeUndefined();
    expect(tooManyNodesAt(`${atBound}x: y\n`)).toBe(MAX_STRUCTURE_MARKS + 1);
  });
});
