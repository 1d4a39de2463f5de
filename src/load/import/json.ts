// A strict JSON reader that remembers the line of every value, so a figure read from a
// k6 or harness report can be cited at its line, and a broken file is reported at the
// line and column where it stops making sense (JSON.parse only gives an offset, in
// wording that changes between Node versions).

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface JsonPosition {
  line: number;
  column: number;
}

export type JsonParse =
  | { ok: true; value: JsonValue; /** JSON pointer (`/metrics/http_reqs/count`) → where its value starts. */ positions: Map<string, JsonPosition> }
  | { ok: false; line: number; column: number; message: string };

class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 256;

/** A key as one JSON pointer segment (RFC 6901). */
export function pointerPart(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function parseJson(text: string): JsonParse {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const positions = new Map<string, JsonPosition>();

  const here = (): JsonPosition => ({ line, column: i - lineStart + 1 });
  const fail = (message: string): never => {
    const p = here();
    throw new JsonSyntaxError(p.line, p.column, message);
  };
  const describe = (): string => (i >= text.length ? 'the end of the file' : `'${text[i]}'`);

  const skipSpace = (): void => {
    while (i < text.length) {
      const ch = text[i];
      if (ch === '\n') {
        i++;
        line++;
        lineStart = i;
      } else if (ch === ' ' || ch === '\t' || ch === '\r') {
        i++;
      } else break;
    }
  };

  const readString = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        // The lexeme is valid JSON by now; let the platform decode the escapes.
        return JSON.parse(text.slice(start, i)) as string;
      }
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('a \\u escape needs four hex digits');
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          i += 2;
        } else {
          i++;
          fail(`'\\${next ?? ''}' is not a JSON escape`);
        }
        continue;
      }
      if (ch === '\n' || ch.charCodeAt(0) < 0x20) fail('a string is not closed before the end of the line');
      i++;
    }
    return fail('a string is not closed before the end of the file');
  };

  const readValue = (pointer: string, depth: number): JsonValue => {
    skipSpace();
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
    positions.set(pointer, here());
    const ch = text[i];
    if (ch === '{') {
      i++;
      const obj: { [key: string]: JsonValue } = {};
      skipSpace();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a quoted key, found ${describe()}`);
        const key = readString();
        skipSpace();
        if (text[i] !== ':') fail(`expected ':' after the key "${key}", found ${describe()}`);
        i++;
        const value = readValue(`${pointer}/${pointerPart(key)}`, depth + 1);
        // A "__proto__" key is data, as JSON.parse keeps it; plain assignment would set the prototype.
        if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        else obj[key] = value;
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`expected ',' or '}', found ${describe()}`);
      }
    }
    if (ch === '[') {
      i++;
      const arr: JsonValue[] = [];
      skipSpace();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(readValue(`${pointer}/${arr.length}`, depth + 1));
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`expected ',' or ']', found ${describe()}`);
      }
    }
    if (ch === '"') return readString();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) {
      i += m[0].length;
      return Number(m[0]);
    }
    // k6 and Go never write these, but hand-edited files and Python's json module do.
    if (text.startsWith('NaN', i) || text.startsWith('Infinity', i) || text.startsWith('-Infinity', i)) {
      return fail('NaN and Infinity are not JSON numbers');
    }
    return fail(`expected a value, found ${describe()}`);
  };

  try {
    const value = readValue('', 0);
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the document`);
    return { ok: true, value, positions };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, line: e.line, column: e.column, message: e.message };
    throw e;
  }
}

export function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
