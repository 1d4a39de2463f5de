// A fast path for the YAML most values files and rendered manifests are made of: documents (between bare `---`
// lines) of block maps and sequences by indentation, single-line plain or quoted scalars, single-line flow collections
// of scalars, comments. It builds the same Documents (nodes, ranges, scalar types and sources) as the `yaml` library's
// Parser and Composer, resolving every scalar with the library's own schema, and gives up (returns undefined) on
// anything outside that subset, so the caller parses the file with the library as before.
// test/sources/yaml-fast.test.ts holds it to the library's result.
import { Composer, Document, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, isScalar } from 'yaml';

/** Deeper than this, the library parses the file (it also measures the document against MAX_NESTING_DEPTH). */
const MAX_FAST_DEPTH = 64;

/** A comment token as the library's lexer gives it: `#` to the end of its line. */
export interface FastComment {
  offset: number;
  source: string;
}

export interface FastYaml {
  /** The documents of the stream, in order (`---` lines separate them). */
  docs: Document.Parsed[];
  lines: LineCounter;
  comments: FastComment[];
}

type Collection = YAMLMap<Scalar, Node> | YAMLSeq<Node>;
type Node = Scalar | Collection;

interface Open {
  node: Collection;
  isMap: boolean;
  indent: number;
  start: number;
  /** The value of the last item (its range[2] is the collection's range[1]). */
  last: Node | undefined;
}

/** Anything the lexer may read otherwise than this scanner: tabs, CR, other controls, BOM, Unicode line breaks. */
// eslint-disable-next-line no-control-regex
const REFUSED_CHARS = /[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]/;
/** A plain key: no indicator, no space, no character the library could read as anything but text. */
const PLAIN_KEY = /^[A-Za-z0-9_~][A-Za-z0-9_./-]*/;
/** A plain scalar inside a flow collection: the same conservative alphabet, or a sign before it. */
const FLOW_PLAIN = /^[-+]?[A-Za-z0-9_.~][A-Za-z0-9_./+-]*/;

class Decline extends Error {}
const DECLINE = new Decline();

const SCALAR_TAG = Symbol.for('yaml.scalar');

interface Tag {
  default?: boolean | 'key';
  test?: RegExp;
  format?: string;
  resolve: (value: string, onError: (msg: string) => void, options: unknown) => unknown;
}

/**
 * The Document of `text` as the library composes it with these options, or undefined when the text is outside the
 * subset this scanner reads exactly.
 */
export function fastYaml(text: string, version: '1.1' | '1.2'): FastYaml | undefined {
  if (text.length === 0 || REFUSED_CHARS.test(text)) return undefined;
  try {
    return new Scanner(text, version).run();
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

const streamDirectives = new Map<string, ReturnType<Composer['streamInfo']>['directives']>();

class Scanner {
  private readonly directives: ReturnType<Composer['streamInfo']>['directives'];
  private readonly docOptions: { version: '1.1' | '1.2'; uniqueKeys: boolean; strict: boolean; logLevel: 'error' };
  private readonly docs: Document.Parsed[] = [];
  private doc!: Document.Parsed;
  private tags!: Tag[];
  private stringTag!: Tag;
  private options: unknown;
  /** The current document began with a `---` line at this offset. */
  private marker: number | undefined;
  private readonly comments: FastComment[] = [];
  private readonly stack: Open[] = [];
  private root: Open | undefined;
  private docStart = -1;
  /** The scalar or flow collection that ended the last content line; indented comments below it extend its range. */
  private lastValue: Node | undefined;
  /** Still absorbing indented comment lines into lastValue (no comment at or left of the collection's indent yet). */
  private absorbing = false;
  /** Indents of comment lines since the last content line that were not absorbed. */
  private pending: number[] = [];
  /** The last content line ended with `key:`: its value is on the following lines, or null. */
  private awaiting: { open: Open; pair: Pair<Scalar, Node | null>; nullAt: number; trivia: boolean } | undefined;
  private failed = false;
  private readonly onError = (): void => {
    this.failed = true;
  };

  constructor(
    private readonly text: string,
    version: '1.1' | '1.2',
  ) {
    const options = { version, uniqueKeys: false, strict: false, logLevel: 'error' as const };
    // As the Composer builds each document: its options and stream directives (which only a `%` line changes,
    // and this subset has none, so one per version serves every file), a Document per document.
    let directives = streamDirectives.get(version);
    if (!directives) {
      directives = new Composer(options).streamInfo().directives;
      streamDirectives.set(version, directives);
    }
    this.directives = directives;
    this.docOptions = options;
    this.newDoc(undefined);
  }

  /** A new Document (its own schema, as the Composer gives each), begun by a `---` line at `marker` or not. */
  private newDoc(marker: number | undefined): void {
    this.doc = new Document(undefined, Object.assign({ _directives: this.directives }, this.docOptions)) as Document.Parsed;
    const schema = this.doc.schema as unknown as { tags: Tag[]; compat: unknown; [SCALAR_TAG]: Tag };
    if (schema.compat) throw DECLINE;
    this.tags = schema.tags;
    this.stringTag = schema[SCALAR_TAG];
    this.options = this.doc.options;
    this.marker = marker;
    if (marker !== undefined) this.doc.directives.docStart = true;
    this.root = undefined;
    this.stack.length = 0;
    this.lastValue = undefined;
    this.absorbing = false;
    this.pending = [];
    this.awaiting = undefined;
  }

  run(): FastYaml {
    const text = this.text;
    const lines = new LineCounter();
    lines.addNewLine(0);
    let at = 0;
    while (at < text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const next = end < text.length ? end + 1 : end;
      if (end < text.length) lines.addNewLine(next);
      this.line(at, end, next);
      at = next;
    }
    if (!this.root) throw DECLINE;
    this.finish(text.length);
    return { docs: this.docs, lines, comments: this.comments };
  }

  private line(at: number, end: number, next: number): void {
    const text = this.text;
    let p = at;
    while (p < end && text.charCodeAt(p) === 32) p += 1;
    const n = p - at;
    if (p === end) {
      if (this.awaiting) this.awaiting.trivia = true;
      return;
    }
    if (text.charCodeAt(p) === 35 /* # */) {
      this.comments.push({ offset: p, source: text.slice(p, end) });
      if (!this.root) return;
      if (this.awaiting) {
        this.awaiting.trivia = true;
        return;
      }
      const top = this.stack[this.stack.length - 1]!;
      if (this.absorbing && n > top.indent && this.lastValue) {
        this.lastValue.range![2] = next;
      } else {
        this.absorbing = false;
        this.pending.push(n);
      }
      return;
    }
    if (n === 0 && (text.startsWith('---', p) || text.startsWith('...', p))) {
      // A bare `---` ends the document before it (which must have contents) and begins the next; anything else there
      // (`...`, `--- x`, an empty document) is the library's.
      if (end !== p + 3 || text.charCodeAt(p) !== 45) throw DECLINE;
      if (this.root) this.finish(at);
      else if (this.marker !== undefined || this.docs.length > 0) throw DECLINE;
      this.newDoc(at);
      return;
    }
    const dash = text.charCodeAt(p) === 45 /* - */ && (p + 1 === end || text.charCodeAt(p + 1) === 32);
    if (!this.root) {
      // An indented first line starts the document at its indentation: rare, left to the library.
      if (n > 0) throw DECLINE;
      this.docStart = this.marker ?? p;
      this.root = this.open(dash, n, p);
      this.content(this.root, at, p, end, next, dash);
      return;
    }
    let top = this.stack[this.stack.length - 1]!;
    if (this.awaiting) {
      const { open, pair, nullAt, trivia } = this.awaiting;
      this.awaiting = undefined;
      if (n > open.indent || (n === open.indent && dash)) {
        const child = this.open(dash, n, p);
        pair.value = child.node;
        open.last = child.node;
        this.content(child, at, p, end, next, dash);
        return;
      }
      if (trivia) throw DECLINE;
      const value = this.scalar(nullAt, nullAt, nullAt, '', 'PLAIN', false);
      pair.value = value;
      open.last = value;
    }
    for (;;) {
      if (n > top.indent) throw DECLINE;
      if (n === top.indent) {
        if (top.isMap && !dash) break;
        if (!top.isMap && dash) break;
        if (top.isMap) throw DECLINE;
      }
      this.pop(p);
      if (this.stack.length === 0) throw DECLINE;
      top = this.stack[this.stack.length - 1]!;
    }
    this.pending = [];
    this.content(top, at, p, end, next, dash);
  }

  /** A new block collection whose first item starts at `start` (a key, or the `-` of an item). */
  private open(isSeq: boolean, indent: number, start: number): Open {
    if (this.stack.length >= MAX_FAST_DEPTH) throw DECLINE;
    const node = isSeq ? new YAMLSeq<Node>(this.doc.schema) : new YAMLMap<Scalar, Node>(this.doc.schema);
    const open: Open = { node, isMap: !isSeq, indent, start, last: undefined };
    this.stack.push(open);
    return open;
  }

  /** Closes the top collection before content at `contentAt` (or the end): which trivia it keeps, as the parser decides. */
  private pop(contentAt: number): void {
    const open = this.stack.pop()!;
    const last = open.last;
    if (!last) throw DECLINE;
    const offset = last.range![2];
    let commentEnd = offset;
    // The parser leaves comment lines in a collection when any is indented at least as far as it (but never at 0).
    if (open.indent > 0 && this.pending.some((c) => c >= open.indent)) {
      commentEnd = contentAt;
      this.pending = [];
    }
    open.node.range = [open.start, offset, commentEnd];
  }

  /** One content line at `p` (the item of `top`): a map entry or a sequence item. */
  private content(top: Open, lineStart: number, p: number, end: number, next: number, dash: boolean): void {
    const text = this.text;
    this.absorbing = true;
    this.pending = [];
    if (dash) {
      if (top.isMap) throw DECLINE;
      let q = p + 1;
      while (q < end && text.charCodeAt(q) === 32) q += 1;
      if (q === end) throw DECLINE;
      const c = text.charCodeAt(q);
      if (c === 35 /* # */ || (c === 45 /* - */ && (q + 1 === end || text.charCodeAt(q + 1) === 32))) throw DECLINE;
      if (this.keyAhead(q, end)) {
        const map = this.open(false, q - lineStart, q);
        (top.node as YAMLSeq<Node>).items.push(map.node);
        top.last = map.node;
        this.entry(map, q, end, next);
        return;
      }
      const value = this.value(q, end, next);
      (top.node as YAMLSeq<Node>).items.push(value);
      top.last = value;
      this.lastValue = value;
      return;
    }
    if (!top.isMap) throw DECLINE;
    this.entry(top, p, end, next);
  }

  /** Whether a key and `:` start at `q`. */
  private keyAhead(q: number, end: number): boolean {
    const k = this.keyEnd(q, end);
    return k !== undefined && this.text.charCodeAt(k) === 58 /* : */ && (k + 1 === end || this.text.charCodeAt(k + 1) === 32);
  }

  /** End of a plain or quoted key at `q` (undefined when there is none this scanner reads). */
  private keyEnd(q: number, end: number): number | undefined {
    const text = this.text;
    const c = text.charCodeAt(q);
    if (c === 34 || c === 39) {
      const close = this.quotedEnd(q, end);
      return close;
    }
    const m = PLAIN_KEY.exec(text.slice(q, Math.min(end, q + 256)));
    return m ? q + m[0].length : undefined;
  }

  /** `key: value`, `key:` (value below, or null) in the map `open`. */
  private entry(open: Open, q: number, end: number, next: number): void {
    const text = this.text;
    const k = this.keyEnd(q, end);
    if (k === undefined || text.charCodeAt(k) !== 58 || (k + 1 !== end && text.charCodeAt(k + 1) !== 32)) throw DECLINE;
    const key = this.keyScalar(q, k);
    const pair = new Pair<Scalar, Node | null>(key, null);
    (open.node as YAMLMap<Scalar, Node>).items.push(pair as Pair<Scalar, Node>);
    let v = k + 1;
    while (v < end && text.charCodeAt(v) === 32) v += 1;
    if (v === end) {
      this.awaiting = { open, pair, nullAt: end, trivia: false };
      open.last = undefined;
      this.lastValue = undefined;
      return;
    }
    if (text.charCodeAt(v) === 35 /* # */) {
      this.comments.push({ offset: v, source: text.slice(v, end) });
      this.awaiting = { open, pair, nullAt: v, trivia: true };
      open.last = undefined;
      this.lastValue = undefined;
      return;
    }
    const value = this.value(v, end, next);
    pair.value = value;
    open.last = value;
    this.lastValue = value;
  }

  private keyScalar(q: number, k: number): Scalar {
    const text = this.text;
    const c = text.charCodeAt(q);
    if (c === 34) return this.scalar(q, k, k, this.doubleQuoted(q + 1, k - 1), 'QUOTE_DOUBLE', true);
    if (c === 39) return this.scalar(q, k, k, this.singleQuoted(q + 1, k - 1), 'QUOTE_SINGLE', true);
    const source = text.slice(q, k);
    if (source === '<<') throw DECLINE;
    return this.scalar(q, k, k, source, 'PLAIN', true);
  }

  /** A value that ends its line: a flow collection, a quoted scalar or a plain scalar, then maybe a comment. */
  private value(v: number, end: number, next: number): Node {
    const text = this.text;
    const c = text.charCodeAt(v);
    let valueEnd: number;
    let node: Node;
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const r = this.flow(v, end, c === 123);
      node = r.node;
      valueEnd = r.end;
    } else if (c === 34 || c === 39) {
      const close = this.quotedEnd(v, end);
      if (close === undefined) throw DECLINE;
      valueEnd = close;
      const value = c === 34 ? this.doubleQuoted(v + 1, close - 1) : this.singleQuoted(v + 1, close - 1);
      node = this.scalar(v, close, next, value, c === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', false);
    } else {
      // Plain: up to a comment or the end of the line, without trailing spaces.
      let e = v;
      while (e < end && !(text.charCodeAt(e) === 35 && text.charCodeAt(e - 1) === 32)) e += 1;
      while (e > v && text.charCodeAt(e - 1) === 32) e -= 1;
      const source = text.slice(v, e);
      if (!plainBlockOk(source)) throw DECLINE;
      node = this.scalar(v, e, next, source, 'PLAIN', false);
      this.trailer(e, end);
      return node;
    }
    this.trailer(valueEnd, end);
    node.range![2] = next;
    return node;
  }

  /** After a value: spaces, then the end of the line or a comment after a space. */
  private trailer(e: number, end: number): void {
    const text = this.text;
    let t = e;
    while (t < end && text.charCodeAt(t) === 32) t += 1;
    if (t === end) return;
    if (text.charCodeAt(t) !== 35 || t === e) throw DECLINE;
    this.comments.push({ offset: t, source: text.slice(t, end) });
  }

  /** A flow map or sequence of scalars closed on this line. */
  private flow(v: number, end: number, isMap: boolean): { node: Collection; end: number } {
    const text = this.text;
    const close = isMap ? 125 : 93;
    const node = isMap ? new YAMLMap<Scalar, Node>(this.doc.schema) : new YAMLSeq<Node>(this.doc.schema);
    node.flow = true;
    let q = v + 1;
    const skip = (): void => {
      while (q < end && text.charCodeAt(q) === 32) q += 1;
    };
    skip();
    if (text.charCodeAt(q) === close) {
      q += 1;
    } else {
      for (;;) {
        let key: Scalar | undefined;
        if (isMap) {
          const k = this.flowScalarEnd(q, end);
          if (text.charCodeAt(k) !== 58 || text.charCodeAt(k + 1) !== 32) throw DECLINE;
          key = this.flowScalar(q, k, k, true);
          q = k + 1;
          skip();
        }
        const e = this.flowScalarEnd(q, end);
        const start = q;
        q = e;
        skip();
        const item = this.flowScalar(start, e, q, false);
        if (key) (node as YAMLMap<Scalar, Node>).items.push(new Pair<Scalar, Node>(key, item));
        else (node as YAMLSeq<Node>).items.push(item);
        const c = text.charCodeAt(q);
        if (c === close) {
          q += 1;
          break;
        }
        if (c !== 44 /* , */) throw DECLINE;
        q += 1;
        skip();
        if (q >= end || text.charCodeAt(q) === close) throw DECLINE;
      }
    }
    node.range = [v, q, q];
    return { node, end: q };
  }

  /** End of a quoted or plain scalar inside a flow collection. */
  private flowScalarEnd(q: number, end: number): number {
    const c = this.text.charCodeAt(q);
    if (c === 34 || c === 39) {
      const close = this.quotedEnd(q, end);
      if (close === undefined) throw DECLINE;
      return close;
    }
    const m = FLOW_PLAIN.exec(this.text.slice(q, Math.min(end, q + 1024)));
    if (!m) throw DECLINE;
    return q + m[0].length;
  }

  private flowScalar(s: number, e: number, e2: number, atKey: boolean): Scalar {
    const c = this.text.charCodeAt(s);
    if (c === 34) return this.scalar(s, e, e2, this.doubleQuoted(s + 1, e - 1), 'QUOTE_DOUBLE', atKey);
    if (c === 39) return this.scalar(s, e, e2, this.singleQuoted(s + 1, e - 1), 'QUOTE_SINGLE', atKey);
    return this.scalar(s, e, e2, this.text.slice(s, e), 'PLAIN', atKey);
  }

  /** Offset after the closing quote of the quoted scalar at `q` on this line (undefined when not closed). */
  private quotedEnd(q: number, end: number): number | undefined {
    const text = this.text;
    const quote = text.charCodeAt(q);
    let i = q + 1;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === quote) {
        if (quote === 39 && text.charCodeAt(i + 1) === 39) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      // Escapes and anything past ASCII go to the library.
      if (c === 92 /* \ */ || c > 126) throw DECLINE;
      i += 1;
    }
    return undefined;
  }

  private doubleQuoted(s: number, e: number): string {
    return this.text.slice(s, e);
  }

  private singleQuoted(s: number, e: number): string {
    return this.text.slice(s, e).replace(/''/g, "'");
  }

  /** A scalar resolved as composeScalar resolves it: plain ones by the schema's default tags, quoted ones as strings. */
  private scalar(s: number, e: number, e2: number, value: string, type: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE', atKey: boolean): Scalar {
    let tag = this.stringTag;
    if (type === 'PLAIN') {
      for (const t of this.tags) {
        if ((t.default === true || (atKey && t.default === 'key')) && t.test?.test(value)) {
          tag = t;
          break;
        }
      }
    }
    let scalar: Scalar;
    try {
      const res = tag.resolve(value, this.onError, this.options);
      scalar = isScalar(res) ? res : new Scalar(res);
    } catch {
      throw DECLINE;
    }
    if (this.failed) throw DECLINE;
    scalar.range = [s, e, e2];
    (scalar as Scalar & { source: string }).source = value;
    scalar.type = type;
    if (tag.format) scalar.format = tag.format;
    return scalar;
  }

  /** Ends the current document before `endAt` (a `---` line, or the end of the text). */
  private finish(endAt: number): void {
    // A last `key:` keeps its line break in the pair (the parser's `sep`): the document then ends where its contents do.
    const endsEmpty = this.awaiting !== undefined;
    if (this.awaiting) {
      const { open, pair, nullAt, trivia } = this.awaiting;
      if (trivia) throw DECLINE;
      const value = this.scalar(nullAt, nullAt, nullAt, '', 'PLAIN', false);
      pair.value = value;
      open.last = value;
      this.awaiting = undefined;
    }
    while (this.stack.length > 0) this.pop(endAt);
    const root = this.root!.node;
    this.doc.contents = root as unknown as Document.Parsed['contents'];
    this.doc.range = [this.docStart, root.range![2], endsEmpty ? root.range![2] : endAt];
    this.docs.push(this.doc);
  }
}

/** A block-context plain scalar that the library reads as this one line, unchanged. */
function plainBlockOk(s: string): boolean {
  if (s.length === 0) return false;
  const c = s.charCodeAt(0);
  // Indicators: - ? : , [ ] { } # & * ! | > ' " % @ `
  if ('-?:,[]{}#&*!|>\'"%@`'.includes(s[0]!)) {
    if (!(c === 45 && s.length > 1 && /[0-9.A-Za-z]/.test(s[1]!))) return false;
  }
  for (let i = 0; i < s.length; i += 1) {
    const d = s.charCodeAt(i);
    if (d < 32 || d > 126 || d === 35 /* # */) return false;
    if (d === 58 /* : */ && (i + 1 === s.length || s.charCodeAt(i + 1) === 32)) return false;
  }
  return true;
}
