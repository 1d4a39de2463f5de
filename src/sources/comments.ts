// Comments of YAML and .env inputs with their positions. They carry no settings; the engine reads inline
// suppressions (`# prodready-ignore ...`) from them, so a comment is kept as written, bounded.
import type { CST, LineCounter } from 'yaml';
import type { SourceComment } from '../core/model.js';

/** A comment longer than this is cut: a suppression's reason is a sentence, not a file. */
export const MAX_COMMENT_CHARS = 1000;

/** The text after `#`, trimmed and bounded. */
export function commentText(afterHash: string): string {
  const t = afterHash.trim();
  return t.length > MAX_COMMENT_CHARS ? t.slice(0, MAX_COMMENT_CHARS) : t;
}

/** Offset where the first line that is not blank, a comment, `---` or a `%` directive starts (text length when none). */
function firstContentOffset(text: string): number {
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    const line = text.slice(at, end < 0 ? text.length : end).trim();
    if (line !== '' && !line.startsWith('#') && line !== '---' && !line.startsWith('%')) return at;
    if (end < 0) break;
    at = end + 1;
  }
  return text.length;
}

/** Every comment token of a parsed YAML token stream, in file order. */
export function yamlComments(file: string, text: string, tokens: CST.Token[], lines: LineCounter): SourceComment[] {
  // Most files have none; the token walk is then skipped.
  if (!text.includes('#')) return [];
  const found: Array<{ offset: number; source: string }> = [];
  // Iterative: the token tree of a deep document must not exhaust the stack.
  const stack: unknown[] = [...tokens];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const x of node) stack.push(x);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const t = node as { type?: unknown; offset?: unknown; source?: unknown };
    if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') {
      found.push({ offset: t.offset, source: t.source });
      continue;
    }
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) stack.push(v);
  }
  found.sort((a, b) => a.offset - b.offset);
  return commentsAt(file, text, found, lines);
}

/** Comments of a YAML text from their `#` offsets and sources (in file order). */
export function commentsAt(file: string, text: string, found: ReadonlyArray<{ offset: number; source: string }>, lines: LineCounter): SourceComment[] {
  if (found.length === 0) return [];
  const content = firstContentOffset(text);
  return found.map(({ offset, source }) => {
    const pos = lines.linePos(offset);
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const ownLine = text.slice(lineStart, offset).trim() === '';
    return {
      file,
      line: pos.line,
      column: pos.col,
      text: commentText(source.replace(/^#/, '')),
      ownLine,
      leading: ownLine && offset < content,
    };
  });
}
