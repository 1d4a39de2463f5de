// .env files, parsed by dotenv's rules (quotes, `export `, comments, multi-line quoted values),
// keeping a line and column for every key and value, which dotenv itself does not.
import type { Duplicate, ParseProblem, SourceComment } from '../core/model.js';
import { commentText } from './comments.js';

export interface EnvEntry {
  key: string;
  value: string;
  line: number;
  column: number;
  valueLine: number;
  valueColumn: number;
  quote: '"' | "'" | '`' | null;
}

export interface EnvFileResult {
  file: string;
  /** Last definition of each key wins, as in dotenv. */
  entries: Map<string, EnvEntry>;
  all: EnvEntry[];
  duplicates: Duplicate[];
  problems: ParseProblem[];
  /** Every `#` comment: on a line of its own, or after a value (never inside a quoted value). */
  comments: SourceComment[];
}

const KEY = /^[\w.-]+/;

/** A junk file would otherwise yield one finding per line: list this many, then one that counts the rest. */
export const MAX_LINE_PROBLEMS = 20;

export function parseEnvFile(file: string, text: string): EnvFileResult {
  const result: EnvFileResult = { file, entries: new Map(), all: [], duplicates: [], problems: [], comments: [] };
  if (text.includes('\0')) {
    const idx = text.indexOf('\0');
    const line = text.slice(0, idx).split('\n').length;
    result.problems.push({ file, line, column: 1, code: 'binary-file', message: 'contains a NUL byte: not a text .env file' });
    return result;
  }
  let unlisted = 0;
  let firstUnlisted: ParseProblem | undefined;
  const report = (p: ParseProblem): void => {
    if (result.problems.length < MAX_LINE_PROBLEMS) result.problems.push(p);
    else {
      unlisted += 1;
      firstUnlisted ??= p;
    }
  };
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = src.split('\n');
  let i = 0;
  // Comments before the first setting (or unreadable line) are the file's header.
  let seenContent = false;
  const comment = (line: number, column: number, text: string, ownLine: boolean): void => {
    result.comments.push({ file, line, column, text: commentText(text), ownLine, leading: ownLine && !seenContent });
  };
  while (i < lines.length) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    i += 1;
    const lead = raw.length - raw.trimStart().length;
    let rest = raw.trimStart();
    if (rest === '') continue;
    if (rest.startsWith('#')) {
      comment(lineNo, lead + 1, rest.slice(1), true);
      continue;
    }
    seenContent = true;
    let col = lead + 1;
    const exp = /^export\s+/.exec(rest);
    if (exp) {
      rest = rest.slice(exp[0].length);
      col += exp[0].length;
    }
    const keyMatch = KEY.exec(rest);
    const sep = keyMatch ? /^(\s*=\s*|:\s+)/.exec(rest.slice(keyMatch[0].length)) : null;
    if (!keyMatch || !sep) {
      report({ file, line: lineNo, column: col, code: 'env-syntax', message: 'not a KEY=VALUE line' });
      continue;
    }
    const key = keyMatch[0];
    const keyCol = col;
    let valueCol = col + key.length + sep[0].length;
    let after = rest.slice(key.length + sep[0].length);
    const q = after[0];
    let value: string;
    let quote: EnvEntry['quote'] = null;
    let valueLine = lineNo;
    if (q === '"' || q === "'" || q === '`') {
      // A quoted value may span lines; find the closing quote that is not escaped.
      // Scan line by line: a backslash never escapes past the newline it may escape, so each line starts fresh.
      // (Concatenating and rescanning the whole body per line was quadratic in the file size.)
      const parts = [after.slice(1)];
      let closed = findClose(parts[0]!, q);
      const startIndex = i;
      while (closed < 0 && i < lines.length) {
        parts.push(lines[i]!);
        i += 1;
        closed = findClose(parts[parts.length - 1]!, q);
      }
      if (closed < 0) {
        i = startIndex;
        report({
          file,
          line: lineNo,
          column: valueCol,
          code: 'env-unterminated-quote',
          message: `the ${q === '`' ? 'backtick' : q === '"' ? 'double' : 'single'} quote opened here is never closed`,
        });
        continue;
      }
      const last = parts.pop()!;
      const rawTail = last.slice(closed + 1);
      const tail = rawTail.trim();
      if (tail !== '' && !tail.startsWith('#')) {
        report({ file, line: lineNo, column: valueCol, code: 'env-syntax', message: 'text after the closing quote' });
      } else if (tail.startsWith('#')) {
        // `last` ends the raw line the quote closes on, so the tail's column follows from its length.
        const closeLine = lineNo + parts.length;
        const closeRaw = lines[closeLine - 1]!;
        comment(closeLine, closeRaw.length - rawTail.length + rawTail.indexOf('#') + 1, tail.slice(1), false);
      }
      parts.push(last.slice(0, closed));
      value = parts.join('\n');
      if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
      quote = q;
    } else {
      // dotenv ends an unquoted value at the first `#`, spaced or not.
      const hash = after.indexOf('#');
      if (hash >= 0) {
        comment(lineNo, valueCol + hash, after.slice(hash + 1), false);
        after = after.slice(0, hash);
      }
      value = after.trim();
      if (value === '') valueCol = col + key.length + sep[0].length;
    }
    const entry: EnvEntry = { key, value, line: lineNo, column: keyCol, valueLine, valueColumn: valueCol, quote };
    const prev = result.entries.get(key);
    if (prev) {
      result.duplicates.push({
        name: key,
        first: { file, line: prev.line, column: prev.column, path: key },
        second: { file, line: entry.line, column: entry.column, path: key },
        winner: `the later one (line ${entry.line}), as dotenv reads it`,
      });
    }
    result.entries.set(key, entry);
    result.all.push(entry);
  }
  if (firstUnlisted) {
    const more = unlisted - 1;
    result.problems.push(more === 0 ? firstUnlisted : { ...firstUnlisted, message: `${firstUnlisted.message} (and ${more} more unreadable line${more === 1 ? '' : 's'} after it)` });
  }
  return result;
}

function findClose(text: string, q: string): number {
  for (let k = 0; k < text.length; k += 1) {
    if (text[k] === '\\') {
      k += 1;
      continue;
    }
    if (text[k] === q) return k;
  }
  return -1;
}
