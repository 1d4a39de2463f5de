// .env files, parsed by dotenv's rules (quotes, `export `, comments, multi-line quoted values),
// keeping a line and column for every key and value, which dotenv itself does not.
import type { Duplicate, ParseProblem } from '../model/types.js';

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
}

const KEY = /^[\w.-]+/;

export function parseEnvFile(file: string, text: string): EnvFileResult {
  const result: EnvFileResult = { file, entries: new Map(), all: [], duplicates: [], problems: [] };
  if (text.includes('\0')) {
    const idx = text.indexOf('\0');
    const line = text.slice(0, idx).split('\n').length;
    result.problems.push({ file, line, column: 1, code: 'binary-file', message: 'contains a NUL byte: not a text .env file' });
    return result;
  }
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = src.split('\n');
  let i = 0;
  while (i < lines.length) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    i += 1;
    const lead = raw.length - raw.trimStart().length;
    let rest = raw.trimStart();
    if (rest === '' || rest.startsWith('#')) continue;
    let col = lead + 1;
    const exp = /^export\s+/.exec(rest);
    if (exp) {
      rest = rest.slice(exp[0].length);
      col += exp[0].length;
    }
    const keyMatch = KEY.exec(rest);
    const sep = keyMatch ? /^(\s*=\s*|:\s+)/.exec(rest.slice(keyMatch[0].length)) : null;
    if (!keyMatch || !sep) {
      result.problems.push({ file, line: lineNo, column: col, code: 'env-syntax', message: 'not a KEY=VALUE line' });
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
      let body = after.slice(1);
      let closed = findClose(body, q);
      const startIndex = i;
      while (closed < 0 && i < lines.length) {
        body += '\n' + lines[i]!;
        i += 1;
        closed = findClose(body, q);
      }
      if (closed < 0) {
        i = startIndex;
        result.problems.push({
          file,
          line: lineNo,
          column: valueCol,
          code: 'env-unterminated-quote',
          message: `the ${q === '`' ? 'backtick' : q === '"' ? 'double' : 'single'} quote opened here is never closed`,
        });
        continue;
      }
      const tail = body.slice(closed + 1).trim();
      if (tail !== '' && !tail.startsWith('#')) {
        result.problems.push({ file, line: lineNo, column: valueCol, code: 'env-syntax', message: 'text after the closing quote' });
      }
      value = body.slice(0, closed);
      if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
      quote = q;
    } else {
      // dotenv ends an unquoted value at the first `#`, spaced or not.
      const hash = after.indexOf('#');
      if (hash >= 0) after = after.slice(0, hash);
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
  return result;
}

function findClose(body: string, q: string): number {
  for (let k = 0; k < body.length; k += 1) {
    if (body[k] === '\\') {
      k += 1;
      continue;
    }
    if (body[k] === q) return k;
  }
  return -1;
}
