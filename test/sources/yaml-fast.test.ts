// The fast path for plain block YAML against the library it stands in for: for every input it either declines or
// gives the same documents (node kinds, ranges, scalar types, values and sources, key order), data, comments,
// duplicates and line starts as the library's Parser and Composer.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastYaml } from '../../src/sources/yaml-fast.js';
import { parseWithLibrary, parseYamlFile, type YamlParseResult } from '../../src/sources/yaml-doc.js';
import { manifestsText, valuesText } from '../helpers/arbitraries.js';
import { generate } from '../../bench/corpus.mjs';

type Version = '1.1' | '1.2';

/** What a reader of a node can see: kind, range, flow, scalar value/type/source/format/tag, children in order. */
function shape(node: unknown): unknown {
  if (node === null || node === undefined) return node;
  if (isScalar(node)) {
    const s = node as typeof node & { source?: string; minFractionDigits?: number };
    return { kind: 'scalar', range: s.range, value: s.value, type: s.type, source: s.source, format: s.format, tag: s.tag, minFractionDigits: s.minFractionDigits, anchor: s.anchor };
  }
  if (isMap(node) || isSeq(node)) {
    return {
      kind: isMap(node) ? 'map' : 'seq',
      range: node.range,
      flow: node.flow,
      tag: node.tag,
      anchor: node.anchor,
      items: (node.items as unknown[]).map((it) => (isPair(it) ? { kind: 'pair', key: shape(it.key), value: shape(it.value) } : shape(it))),
    };
  }
  return { kind: 'other', node: String(node) };
}

function resultShape(r: YamlParseResult): unknown {
  return {
    problems: r.problems,
    duplicates: r.duplicates,
    comments: r.comments,
    docs: r.docs.map((d) => ({
      file: d.file,
      index: d.index,
      data: d.data,
      toJS: d.doc.toJS(),
      lineStarts: d.lines.lineStarts,
      range: d.doc.range,
      contents: shape(d.doc.contents),
      errors: d.doc.errors.length,
      warnings: d.doc.warnings.length,
      docStart: d.doc.directives.docStart,
      docEnd: d.doc.directives.docEnd,
      yaml: d.doc.directives.yaml,
      schema: d.doc.schema.name,
      options: { ...d.doc.options, _directives: undefined },
    })),
  };
}

/** 'fast' when the fast path took the text (and matched the library), 'declined' otherwise. */
function differential(text: string, version: Version): 'fast' | 'declined' {
  const fast = fastYaml(text, version);
  if (!fast) return 'declined';
  const library = parseWithLibrary('f.yaml', text, version);
  const viaFast = parseYamlFile('f.yaml', text, version);
  expect(resultShape(viaFast), JSON.stringify(text)).toEqual(resultShape(library));
  return 'fast';
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

describe('fast YAML path', () => {
  let corpus: string;
  beforeAll(() => {
    corpus = mkdtempSync(join(tmpdir(), 'prodready-fastyaml-'));
    generate({ out: corpus, count: 1000, seed: 1 });
  });
  afterAll(() => rmSync(corpus, { recursive: true, force: true }));

  it('takes every values file of the benchmark corpus and gives what the library gives', () => {
    const dirs = readdirSync(corpus).filter((d) => /^\d+$/.test(d));
    expect(dirs).toHaveLength(1000);
    for (const d of dirs) {
      const text = readFileSync(join(corpus, d, 'values.yaml'), 'utf8');
      expect(differential(text, '1.1')).toBe('fast');
    }
  }, 60_000);

  it('takes the chart defaults and the values and rendered manifests of every deployment fixture; matches the library on every fixture', () => {
    expect(differential(readFileSync('rules/recsys/chart-defaults.yaml', 'utf8'), '1.1')).toBe('fast');
    const files = [...yamlFiles('fixtures'), ...yamlFiles('rules')];
    const values = files.filter((f) => /^fixtures\/[^/]+\/values\.yaml$/.test(f));
    expect(values.length).toBeGreaterThan(3);
    for (const f of values) expect(differential(readFileSync(f, 'utf8'), '1.1'), f).toBe('fast');
    // helm template output: `---` between documents, `# Source:` comments.
    const rendered = files.filter((f) => /^fixtures\/[^/]+\/rendered\.yaml$/.test(f));
    expect(rendered.length).toBeGreaterThan(2);
    for (const f of rendered) expect(differential(readFileSync(f, 'utf8'), '1.2'), f).toBe('fast');
    // The rest (rule cases with block scalars, multi-document manifests...) may go to the library, but never differ.
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const v of ['1.1', '1.2'] as const) differential(text, v);
    }
  }, 60_000);

  it('reads YAML 1.1 and 1.2 scalars with the schema of the version asked for', () => {
    const text = [
      'a: yes', 'b: No', 'c: on', 'd: OFF', 'e: true', 'f: ~', 'g: null', 'h:', 'i: 0x1F', 'j: 017', 'k: 0o17', 'l: 1_000',
      'm: 1:30', 'n: .inf', 'o: -.NaN', 'p: 2.50', 'q: 1e3', 'r: +12', 's: "yes"', "t: 'no'", 'y: 1', 'n: 2', '1: x', 'yes: z',
      'u: [yes, "no", 0x10, 1.0, ~]', 'v: {on: off, "k": 017}', 'w: 10000000', 'x: 2001-12-14',
    ].join('\n');
    for (const v of ['1.1', '1.2'] as const) expect(differential(`${text}\n`, v)).toBe('fast');
  });

  it('ends the document where the library does, after a value, an empty value or blank lines', () => {
    const ends = ['null:\n', 'a:', 'a:   ', 'a:   \n', 'a:\n  b:\n', 'a:\n  b:', 'l:\n- a:\n', 'a: 1\n\n', 'a: 1', 'a: 1  ', 'a: [x]  # c', 'a:\n  b: 1\n  # c', 'a:\n  b: 1\n\n\n'];
    for (const t of ends) expect(differential(t, '1.1'), JSON.stringify(t)).toBe('fast');
  });

  it('declines what it does not read exactly', () => {
    const declined = [
      'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: |\n  x\n', 'a: >\n  x\n', 'a: x\n  y\n', 'a: "x\n  y"\n', '? a\n: b\n', '%YAML 1.1\n---\na: 1\n',
      'a: 1\n---\n', '---\n---\na: 1\n', 'a: 1\n...\n', 'a: 1\n--- # c\nb: 2\n', '--- a: 1\n', '\ta: 1\n', 'a:\n\tb: 1\n', 'a: "x\\ty"\n', '\uFEFFa: 1\n', 'a: 1\r\nb: 2\r\n', 'a: [x,\n  y]\n', '<<: {a: 1}\n',
      'a: b: c\n', 'a: x:\n', '- - a\n', '-\n  a: 1\n', 'a: é\n', 'just a scalar\n', '', '# only a comment\n', 'a:\n # c\nb: 1\n', 'a: # c\nb: 1\n',
    ];
    for (const t of declined) expect(fastYaml(t, '1.1'), JSON.stringify(t)).toBeUndefined();
  });

  it('places comment lines and blank lines where the library does, at every indent', () => {
    const blocks = ['a:\n  b: 1\n', 'a:\n  b:\n    c: [x]\n', 'l:\n- a: 1\n  b: "2"\n- x\n', 'l:\n  - {a: 1}\n  - y\n', 'a: 1\n'];
    const tails = ['c: 2\n', '  c: 2\n', ''];
    let fast = 0;
    for (const head of blocks) {
      for (const tail of tails) {
        for (let indent = 0; indent <= 6; indent += 1) {
          for (const blankBefore of [false, true]) {
            const trivia = `${blankBefore ? '\n' : ''}${' '.repeat(indent)}# c\n`;
            for (const t of [head + trivia + tail, head + trivia + trivia + tail, head + '\n' + trivia + '\n' + tail, (head + trivia + tail).replace(/\n$/, '')]) {
              if (differential(t, '1.1') === 'fast') fast += 1;
            }
          }
        }
      }
    }
    expect(fast).toBeGreaterThan(100);
  });

  it('reads streams of documents separated by --- lines', () => {
    const streams = ['---\n# Source: a.yaml\nkind: A\nx: 1\n---\n# Source: b.yaml\nkind: B\n', 'kind: A\n# c\n\n---\nkind: B\n  # x\n', 'a:\n  b: 1\n  # c\n---\nk: 2\n', 'a:\n---\nb:\n', '# c\n---\na: 1\n'];
    for (const t of streams) expect(differential(t, '1.2'), JSON.stringify(t)).toBe('fast');
  });

  it('matches the library or declines on generated documents, subset and beyond', () => {
    let taken = 0;
    const count = (r: 'fast' | 'declined'): void => void (taken += r === 'fast' ? 1 : 0);
    fc.assert(fc.property(doc, (text) => count(differential(text, '1.1'))), { seed: 7, numRuns: 1500 });
    fc.assert(fc.property(doc, (text) => count(differential(text, '1.2'))), { seed: 8, numRuns: 500 });
    fc.assert(fc.property(stream, (text) => count(differential(text, '1.2'))), { seed: 9, numRuns: 800 });
    // The grammar is built so that a good share of its documents are in the subset: the comparison is not vacuous.
    expect(taken).toBeGreaterThan(400);
  }, 120_000);

  it('matches the library or declines on the sources property tests\' values and manifests', () => {
    fc.assert(fc.property(valuesText, (text) => void differential(text, '1.1')), { seed: 42, numRuns: 300 });
    fc.assert(fc.property(manifestsText, (text) => void differential(text, '1.2')), { seed: 42, numRuns: 200 });
  }, 120_000);
});

// A grammar of line-oriented YAML: block maps and sequences at varied indents with scalars of every kind the
// subset reads and many it does not, comments and blank lines anywhere, damaged indentation now and then.
const KEYS = ['a', 'b', 'api', 'env', 'ENV', 'y', 'n', 'yes', 'on', '1', '0x1F', '~', 'null', 'app.kubernetes.io/name', 'x-y', '_k', '"q k"', "'s''k'", '"a#b"'];
const ODD_KEYS = ['<<', 'a b', '-x', '?x', 'k:', '&a k', '!t k', 'é', '"a\\"', '[a]', ''];
const VALUES = [
  '', 'x', 'hello world', '500m', '512Mi', '1_000', '1:30', '.inf', '-.5', '0o17', '017', '+12', '-1', 'Yes', 'NULL', '~', 'true', 'False', '2.50', '1e3',
  '2001-12-14', 'https://a.example.com/x?y=1', 'a,b', 'x ]', 'a  b', "it's", 'a#b', '""', "''", '"a#b"', "'it''s'", '"yes"', '"1"', '"a: b"',
  '[a, b]', '[]', '{}', '{a: 1, b: "2"}', '{cpu: 500m, memory: 512Mi}', '[ x , "y" ]', '{  p: q ,r: s  }', '[yes, ~, 0x10, 1.0]', '{on: off, "k": 017}',
];
const ODD_VALUES = [
  '"esc\\n"', '[a, [b]]', '{a}', '[a,]', '{a:1}', 'x:', 'x: y', '&a x', '*a', '!tag x', '|', '>', '- x', '-', '%x', '@x', '`x`', 'é', '"unclosed',
  "'unclosed", '{a: 1', 'x #c', 'x#c', '? x', ': x', '-x', '"a"b', '[a] b', '{a: b}#c', '"x"#c', '---', '...', '\t1',
];
const key = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) });
const value = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_VALUES) });
const COMMENTS = ['# c', '#', '# prodready-ignore x', '#c  ', '# é'];

type Tree = { kind: 'map'; entries: Array<[string, Tree]> } | { kind: 'seq'; items: Tree[] } | { kind: 'scalar'; text: string };

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    value.map((text): Tree => ({ kind: 'scalar', text })),
    fc.array(fc.tuple(key, tie('node')), { minLength: 1, maxLength: 4 }).map((entries): Tree => ({ kind: 'map', entries })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((items): Tree => ({ kind: 'seq', items })),
  ),
})).node;

const style = fc.record({
  step: fc.integer({ min: 1, max: 4 }),
  seqUnderKeySameIndent: fc.boolean(),
  afterDash: fc.constantFrom(' ', ' ', '   '),
  afterColon: fc.constantFrom(' ', ' ', '  '),
  trailing: fc.constantFrom('', ' ', '  '),
  comments: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 8 }), fc.constantFrom(...COMMENTS), fc.boolean()), { maxLength: 4 }),
  trailingComments: fc.array(fc.nat(), { maxLength: 3 }),
  blanks: fc.array(fc.nat(), { maxLength: 3 }),
  shifts: fc.oneof({ weight: 5, arbitrary: fc.constant([] as Array<[number, number]>) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.nat(), fc.integer({ min: -2, max: 2 })), { maxLength: 1 }) }),
  finalNewline: fc.boolean(),
  leading: fc.constantFrom('', '# head\n', '\n', '  # head\n\n'),
});

function render(tree: Tree, s: { step: number; seqUnderKeySameIndent: boolean; afterDash: string; afterColon: string; trailing: string }): string[] {
  const lines: string[] = [];
  const emit = (node: Tree, indent: number, prefix: string): void => {
    // `prefix` is what starts the first line of this node ("key: " or "- "), already indented.
    if (node.kind === 'scalar') {
      lines.push(`${prefix}${node.text}${s.trailing}`);
      return;
    }
    if (node.kind === 'map') {
      node.entries.forEach(([k, v], i) => {
        const lead = i === 0 && prefix !== '' ? prefix : ' '.repeat(indent);
        const childIndent = indent + s.step;
        if (v.kind === 'scalar') emit(v, childIndent, `${lead}${k}:${s.afterColon}`);
        else {
          lines.push(`${lead}${k}:`);
          emit(v, v.kind === 'seq' && s.seqUnderKeySameIndent ? indent : childIndent, '');
        }
      });
      return;
    }
    node.items.forEach((item, i) => {
      const lead = `${i === 0 && prefix !== '' ? prefix : ' '.repeat(indent)}-${s.afterDash}`;
      if (item.kind === 'scalar') emit(item, indent + 1 + s.afterDash.length, lead);
      else if (item.kind === 'map') emit(item, indent + 1 + s.afterDash.length, lead);
      else {
        lines.push(lead.trimEnd());
        emit(item, indent + 2, '');
      }
    });
  };
  emit(tree, 0, '');
  return lines;
}

/** Documents are maps at the top, mostly, as values files and manifests are. */
const rootArb = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.tuple(key, treeArb), { minLength: 1, maxLength: 5 }).map((entries): Tree => ({ kind: 'map', entries })) },
  { weight: 1, arbitrary: treeArb },
);

const doc = fc.tuple(rootArb, style).map(([tree, s]) => {
  const lines = render(tree, s);
  for (const [at, d] of s.shifts) {
    const i = at % lines.length;
    lines[i] = d > 0 ? ' '.repeat(d) + lines[i] : lines[i]!.replace(new RegExp(`^ {0,${-d}}`), '');
  }
  for (const at of s.trailingComments) {
    const i = at % lines.length;
    lines[i] = `${lines[i]} # t`;
  }
  for (const [at, indent, text, blank] of s.comments) {
    lines.splice(at % (lines.length + 1), 0, ...(blank ? [''] : []), `${' '.repeat(indent)}${text}`);
  }
  for (const at of s.blanks) lines.splice(at % (lines.length + 1), 0, '');
  return s.leading + lines.join('\n') + (s.finalNewline ? '\n' : '');
});

/** Documents in a stream: `---` lines (and forms the fast path leaves to the library) between them. */
const stream = fc
  .tuple(fc.array(doc, { minLength: 1, maxLength: 3 }), fc.constantFrom('', '---\n', '# lead\n---\n', '---\n# Source: x.yaml\n'), fc.constantFrom('---', '---', '--- ', '--- # c', '...\n---', '---\n---'))
  .map(([docs, lead, sep]) => lead + docs.map((d) => (d.endsWith('\n') ? d : `${d}\n`)).join(`${sep}\n`));
