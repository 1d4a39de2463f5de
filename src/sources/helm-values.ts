// Helm values files: YAML 1.1 like Helm, merged like `-f a.yaml -f b.yaml` (later wins, maps merge deeply),
// with the position of every value and the string the chart's `quote` would render for it.
import { isScalar, type Node, type Pair, type Scalar } from 'yaml';
import type { Location } from '../core/types.js';
import type { Duplicate, HelmValues, ParseProblem, SourceComment } from '../core/model.js';
import { locateIn, mapPairs, pairKeyLocation, parseYamlFile, type YamlDoc, type YamlParseResult } from './yaml-doc.js';

export interface ValuesFile {
  file: string;
  doc?: YamlDoc;
}

export interface LoadedValues extends HelmValues {
  files: ValuesFile[];
  problems: ParseProblem[];
  duplicates: Duplicate[];
  /** Comments of every values file, with positions. */
  comments: SourceComment[];
}

export interface HelmScalar {
  /** What `{{ $value | quote }}` renders, i.e. the string the pod sees. */
  rendered: string;
  /** The text as written in the file. */
  sourceText: string;
  yamlType: 'string' | 'bool' | 'int' | 'float' | 'null' | 'other';
  quoted: boolean;
  location: Location;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = Object.hasOwn(out, k) ? out[k] : undefined;
    const value = isPlainObject(prev) && isPlainObject(v) ? mergeDeep(prev, v) : v;
    // A key named __proto__ is data like any other, not the object's prototype (defineProperty is slower: only then).
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out;
}

/** A values file to merge; `parsed` lets a caller reuse a parse of a file that never changes (the chart's defaults). */
export interface ValuesInput {
  name: string;
  text: string;
  parsed?: YamlParseResult;
}

export function loadValues(inputs: ValuesInput[]): LoadedValues {
  const files: ValuesFile[] = [];
  const problems: ParseProblem[] = [];
  const duplicates: Duplicate[] = [];
  const comments: SourceComment[] = [];
  let data: Record<string, unknown> = {};
  for (const input of inputs) {
    const parsed = input.parsed ?? parseYamlFile(input.name, input.text, '1.1');
    problems.push(...parsed.problems);
    duplicates.push(...parsed.duplicates);
    comments.push(...parsed.comments);
    const doc = parsed.docs[0];
    files.push({ file: input.name, ...(doc ? { doc } : {}) });
    if (doc && isPlainObject(doc.data)) data = mergeDeep(data, doc.data);
    else if (doc && doc.data !== null && doc.data !== undefined) {
      problems.push({ file: input.name, line: 1, column: 1, code: 'values-not-a-map', message: 'a values file must be a YAML map at its top level' });
    }
  }
  // The last file that sets a path is the one whose line we report.
  const owner = (path: readonly string[]): YamlDoc | undefined => {
    for (let i = files.length - 1; i >= 0; i -= 1) {
      const d = files[i]!.doc;
      if (d && d.doc.hasIn(path)) return d;
    }
    return undefined;
  };
  return {
    files,
    problems,
    duplicates,
    comments,
    data,
    locate: (path) => {
      const d = owner(path);
      return d ? locateIn(d, path) : undefined;
    },
    sourceText: (path) => {
      const d = owner(path);
      const node = d?.doc.getIn(path, true);
      if (!d || !isScalar(node)) return undefined;
      return scalarSource(node);
    },
  };
}

/** Every scalar entry of a flat map (such as `api.env`) as the chart renders it. */
export function helmMapEntries(values: LoadedValues, path: readonly string[]): Map<string, HelmScalar> {
  const out = new Map<string, HelmScalar>();
  const merged = getPath(values.data, path);
  if (!isPlainObject(merged)) return out;
  // Each file's map at `path` indexed once; the last file that sets a key owns its position.
  const indexes = values.files.map((f) => (f.doc ? mapPairs(f.doc, path) : undefined));
  for (const [key, value] of Object.entries(merged)) {
    const full = [...path, key];
    let doc: YamlDoc | undefined;
    let pair: Pair<Node, Node | null> | undefined;
    for (let i = values.files.length - 1; i >= 0 && !doc; i -= 1) {
      pair = indexes[i]?.get(key);
      if (pair) doc = values.files[i]!.doc;
    }
    const node = pair?.value;
    const location = doc && pair ? pairKeyLocation(doc, pair, full.join('.')) : { path: full.join('.') };
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' || node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
    const sourceText = isScalar(node) ? scalarSource(node) : String(value);
    out.set(key, { rendered: renderQuoted(value), sourceText, yamlType: yamlTypeOf(value), quoted, location });
  }
  return out;
}

function scalarSource(node: Scalar): string {
  const src = (node as Scalar & { source?: string }).source;
  if (node.type === 'PLAIN' && typeof src === 'string') return src;
  return String(node.value ?? '');
}

export function getPath(data: unknown, path: readonly string[]): unknown {
  let cur: unknown = data;
  for (const p of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, p)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function yamlTypeOf(v: unknown): HelmScalar['yamlType'] {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return 'other';
}

/**
 * Sprig's `quote` of a value Helm decoded through JSON: every number is a float64 printed with Go's %v,
 * so 10000000 becomes "1e+07"; nil renders as nothing.
 */
export function renderQuoted(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatGoFloat(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return formatGoFloat(Number(v));
  return formatGoValue(v, MAX_RENDERED_CHARS);
}

/** A collection rendered into an env value is nonsense anyway; past this many characters, what follows is elided. */
const MAX_RENDERED_CHARS = 4096;

class MapKey {
  constructor(readonly key: string) {}
}

/**
 * Go's %v of a decoded list or map (`[a b]`, `map[k:v]`, keys sorted), cut at `budget` characters: aliases can make
 * a small file's data enormous once expanded, and JSON.stringify would expand it whole.
 */
function formatGoValue(v: unknown, budget: number): string {
  let out = '';
  const stack: unknown[] = [v];
  const CLOSE = Symbol('close');
  const SPACE = Symbol('space');
  while (stack.length > 0 && out.length <= budget) {
    const x = stack.pop();
    if (x === CLOSE) out += ']';
    else if (x === SPACE) out += ' ';
    else if (x instanceof MapKey) out += `${x.key}:`;
    else if (Array.isArray(x) || isPlainObject(x)) {
      const entries: unknown[] = Array.isArray(x)
        ? x
        : Object.keys(x)
            .sort()
            .flatMap((k) => [new MapKey(k), x[k]]);
      out += Array.isArray(x) ? '[' : 'map[';
      stack.push(CLOSE);
      const step = Array.isArray(x) ? 1 : 2;
      for (let i = entries.length - step; i >= 0; i -= step) {
        for (let j = step - 1; j >= 0; j -= 1) stack.push(entries[i + j]);
        if (i > 0) stack.push(SPACE);
      }
    } else if (x === null || x === undefined) out += '<nil>';
    else out += renderQuoted(x);
  }
  return out.length > budget || stack.length > 0 ? `${out.slice(0, budget)}...` : out;
}

/** Go's fmt %v for a float64 (strconv 'g' with shortest digits): exponent form when exp < -4 or exp >= 6. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expStr] = f.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${neg ? '-' : ''}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  return String(f);
}
