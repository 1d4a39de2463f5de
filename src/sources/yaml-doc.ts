// Shared YAML handling for values files and manifests: parse with positions, never throw on a broken file.
import { Composer, LineCounter, Parser, isAlias, isMap, isPair, isScalar, isSeq, type CST, type Document, type Node, type Pair } from 'yaml';
import type { Location } from '../core/types.js';
import type { Duplicate, ParseProblem, SourceComment } from '../core/model.js';
import { commentsAt, yamlComments } from './comments.js';
import { fastYaml } from './yaml-fast.js';

/** Alias expansion is bounded: a "billion laughs" document becomes a problem, not an OOM. */
export const MAX_ALIAS_COUNT = 100;
/** Deeper documents are refused before anything recursive walks them; real charts and manifests nest a few dozen levels. */
export const MAX_NESTING_DEPTH = 256;
/**
 * A file with more lines and flow separators (`,`, `[`, `{`) than this is refused before any parser sees it: each
 * YAML node needs one of them, and the YAML library's parser takes about 2 µs and 250 bytes per byte of small flow
 * collections (a 16 MiB file of `- {a: 1, b: [x, y]}` lines: 45 s and 3 GB before composing, 100 s and 4.3 GB in
 * all). At this bound the worst such file costs a few seconds and under a GB; real inputs are far below it (a
 * 4 MiB pretty-printed JSON manifest list has about 250,000; a chart's values file a few thousand).
 */
export const MAX_STRUCTURE_MARKS = 500_000;

/** The line at which `text` passes MAX_STRUCTURE_MARKS lines and flow separators, or undefined when it does not. */
export function tooManyNodesAt(text: string): number | undefined {
  // Fewer characters than the bound cannot pass it.
  if (text.length <= MAX_STRUCTURE_MARKS) return undefined;
  let marks = 0;
  let line = 1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 44 || c === 91 || c === 123) {
      marks += 1;
      // A newline counts for the line it ends.
      if (marks > MAX_STRUCTURE_MARKS) return line;
      if (c === 10) line += 1;
    }
  }
  return undefined;
}

export interface YamlDoc {
  file: string;
  index: number;
  doc: Document.Parsed;
  data: unknown;
  lines: LineCounter;
}

export interface YamlParseResult {
  docs: YamlDoc[];
  problems: ParseProblem[];
  duplicates: Duplicate[];
  /** The file's comments with positions (none when it could not be tokenized). */
  comments: SourceComment[];
}

export function parseYamlFile(file: string, text: string, version: '1.1' | '1.2'): YamlParseResult {
  const out: YamlParseResult = { docs: [], problems: [], duplicates: [], comments: [] };
  if (text.includes('\0')) {
    const line = text.slice(0, text.indexOf('\0')).split('\n').length;
    out.problems.push({ file, line, column: 1, code: 'binary-file', message: 'contains a NUL byte: not a YAML text file' });
    return out;
  }
  const crowded = tooManyNodesAt(text);
  if (crowded !== undefined) {
    out.problems.push({
      file,
      line: crowded,
      column: 1,
      code: 'yaml-too-many-nodes',
      message: `more than ${MAX_STRUCTURE_MARKS} lines and flow separators by this line; refusing to parse it (split the file)`,
    });
    return out;
  }
  // Most values files are plain block YAML: read exactly as the library would, without its general machinery.
  const fast = fastYaml(text, version);
  if (fast) {
    const { lines } = fast;
    out.comments = commentsAt(file, text, fast.comments, lines);
    for (const [index, doc] of fast.docs.entries()) {
      const data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      findDuplicates(file, doc.contents, [], lines, out.duplicates);
      out.docs.push({ file, index, doc, data, lines });
    }
    return out;
  }
  return parseWithLibrary(file, text, version, out);
}

/** The library's Parser and Composer: every YAML file, with positions and problems. */
export function parseWithLibrary(file: string, text: string, version: '1.1' | '1.2', out: YamlParseResult = { docs: [], problems: [], duplicates: [], comments: [] }): YamlParseResult {
  const lines = new LineCounter();
  let parsed: Document.Parsed[];
  let hasAliases = true;
  try {
    // Tokens first (the parser is iterative), so nesting is measured before the recursive composer sees it:
    // a stack overflow would be reported at a position that depends on the engine's state, not the file.
    const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
    const shape = tokenShape(tokens);
    const deep = shape.tooDeepAt;
    hasAliases = shape.hasAliases;
    if (deep !== undefined) {
      const pos = lines.linePos(deep);
      out.problems.push({ file, line: pos.line, column: pos.col, code: 'yaml-syntax', message: `nested more than ${MAX_NESTING_DEPTH} levels deep` });
      return out;
    }
    out.comments = yamlComments(file, text, tokens, lines);
    const composer = new Composer({ version, uniqueKeys: false, strict: false, logLevel: 'error' });
    parsed = Array.from(composer.compose(tokens)) as Document.Parsed[];
  } catch (e) {
    out.problems.push({ file, line: 1, column: 1, code: 'yaml-syntax', message: `cannot be parsed as YAML (${(e as Error).name})` });
    return out;
  }
  // One problem per file: after the first broken document nothing in the file is used, so more would be noise.
  for (const [index, doc] of parsed.entries()) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const pos = lines.linePos(err.pos[0]);
      out.problems.push({ file, line: pos.line, column: pos.col, code: 'yaml-syntax', message: firstLine(err.message) });
      return out;
    }
    // Most files have no alias at all: then no anchor can contain itself, and the AST walk is skipped.
    const shape = hasAliases ? checkShape(doc) : undefined;
    if (shape) {
      const pos = shape.node.range ? lines.linePos(shape.node.range[0]) : { line: 1, col: 1 };
      out.problems.push({ file, line: pos.line, column: pos.col, code: shape.code, message: shape.message });
      return out;
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      // Unresolved aliases and alias bombs throw here; both mean the file cannot be used.
      const pos = doc.contents?.range ? lines.linePos(doc.contents.range[0]) : { line: 1, col: 1 };
      out.problems.push({ file, line: pos.line, column: pos.col, code: 'yaml-alias', message: firstLine((e as Error).message) });
      return out;
    }
    findDuplicates(file, doc.contents, [], lines, out.duplicates);
    out.docs.push({ file, index, doc, data, lines });
  }
  return out;
}

/** Offset of the first collection nested deeper than MAX_NESTING_DEPTH in the token stream, and whether any alias occurs. */
function tokenShape(tokens: CST.Token[]): { tooDeepAt?: number; hasAliases: boolean } {
  const stack: Array<{ token: CST.Token | undefined; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  let hasAliases = false;
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (token.type === 'alias') hasAliases = true;
    else if (token.type === 'document') {
      stack.push({ token: token.value, depth });
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth >= MAX_NESTING_DEPTH) return { tooDeepAt: token.offset, hasAliases };
      for (const item of token.items) {
        const it = item as { key?: CST.Token | null; value?: CST.Token };
        if (it.key) stack.push({ token: it.key, depth: depth + 1 });
        stack.push({ token: it.value, depth: depth + 1 });
      }
    }
  }
  return { hasAliases };
}

/**
 * Refuse an anchor that contains an alias to itself (go-yaml, and so Helm, rejects it too): its data is infinite.
 * And an alias that names no anchor set before it, at the alias: otherwise the YAML library throws when the data is
 * built, at no position, and its message quotes the alias name, which is often a secret (an unquoted password
 * that starts with `*` is read as an alias), so the message here does not.
 */
function checkShape(doc: Document.Parsed): { node: Node; code: 'yaml-alias'; message: string } | undefined {
  const anchored = new Map<string, unknown>();
  const path: unknown[] = [];
  const stack: Array<{ node: unknown; depth: number }> = [{ node: doc.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    path.length = depth;
    if (isAlias(node)) {
      const target = anchored.get(node.source);
      if (target === undefined) {
        return {
          node,
          code: 'yaml-alias',
          message: 'a value starting with * is an alias, and no anchor of its name is set before it (the name is not shown: it may be a secret written without quotes); quote the value if it is text',
        };
      }
      if (target !== undefined && path.includes(target)) {
        return { node, code: 'yaml-alias', message: `the alias *${node.source} is inside its own anchor: the data would be infinite` };
      }
      continue;
    }
    if (!isMap(node) && !isSeq(node)) {
      if (isScalar(node) && node.anchor) anchored.set(node.anchor, node);
      continue;
    }
    if (node.anchor) anchored.set(node.anchor, node);
    path.push(node);
    // Pushed in reverse so nodes pop in document order, as anchors resolve.
    const children: unknown[] = [];
    for (const item of node.items as unknown[]) {
      if (isPair(item)) children.push(item.key, item.value);
      else children.push(item);
    }
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push({ node: children[i], depth: depth + 1 });
  }
  return undefined;
}

function firstLine(msg: string): string {
  return msg.split('\n')[0]!.slice(0, 200);
}

export function nodeLocation(file: string, node: Node | null | undefined, lines: LineCounter, path?: string): Location {
  if (!node?.range) return { file, ...(path ? { path } : {}) };
  const start = lines.linePos(node.range[0]);
  const end = lines.linePos(node.range[1]);
  return { file, line: start.line, column: start.col, endLine: end.line, endColumn: end.col, ...(path ? { path } : {}) };
}

/** Location of the value at `path` in a document (falls back to the nearest parent that exists). */
export function locateIn(y: YamlDoc, path: readonly (string | number)[]): Location | undefined {
  for (let n = path.length; n >= 0; n -= 1) {
    const node = y.doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node && typeof node === 'object' && 'range' in node) {
      return nodeLocation(y.file, node, y.lines, path.join('.'));
    }
  }
  return undefined;
}

/** Location of the key of the pair at `path` (the key's line reads better for "this key is set"). */
export function locateKey(y: YamlDoc, path: readonly (string | number)[]): Location | undefined {
  if (path.length === 0) return undefined;
  const parent = y.doc.getIn(path.slice(0, -1), true);
  if (isMap(parent)) {
    const last = path[path.length - 1];
    const pair = parent.items.findLast((p) => isScalar(p.key) && String(p.key.value) === String(last));
    if (pair && isScalar(pair.key)) return nodeLocation(y.file, pair.key, y.lines, path.join('.'));
  }
  return locateIn(y, path);
}

/**
 * The pairs of the map at `path`, by key (the last of duplicates wins, as in the data). Looking keys up one by one
 * with getIn scans the map's items each time: quadratic in the size of a map, minutes for a wide one.
 */
export function mapPairs(y: YamlDoc, path: readonly (string | number)[]): Map<string, Pair<Node, Node | null>> | undefined {
  const node = y.doc.getIn(path, true);
  if (!isMap(node)) return undefined;
  const index = new Map<string, Pair<Node, Node | null>>();
  for (const pair of node.items as Array<Pair<Node, Node | null>>) if (isScalar(pair.key)) index.set(String(pair.key.value), pair);
  return index;
}

/** Location of the key of `pair` (found through mapPairs) under `path`. */
export function pairKeyLocation(y: YamlDoc, pair: Pair<Node, Node | null>, path: string): Location {
  return nodeLocation(y.file, pair.key, y.lines, path);
}

/** `path` is one shared stack (pushed and popped), not a copy per key: most maps have no duplicate to name. */
function findDuplicates(file: string, node: unknown, path: string[], lines: LineCounter, out: Duplicate[]): void {
  if (isMap(node)) {
    const seen = new Map<string, Node>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined) {
        const prevNode = seen.get(key);
        if (prevNode) {
          const p = [...path, key].join('.');
          out.push({
            name: p,
            first: nodeLocation(file, prevNode, lines, p),
            second: nodeLocation(file, pair.key as Node, lines, p),
            winner: 'the later one, as Helm and kubectl read it',
          });
        }
        seen.set(key, pair.key as Node);
        path.push(key);
        findDuplicates(file, pair.value, path, lines, out);
        path.pop();
      } else {
        findDuplicates(file, pair.value, path, lines, out);
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      path.push(String(i));
      findDuplicates(file, item, path, lines, out);
      path.pop();
    });
  }
}
