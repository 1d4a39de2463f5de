// The service is Go: a value parses when Go's strconv / time would parse it, not when JavaScript would.
import type { VariableType } from '../core/model.js';

export type Parsed =
  | { ok: true; value: boolean | number | string | string[] | unknown }
  | { ok: false; expected: string };

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool on the trimmed value. */
export function parseGoBool(raw: string): boolean | undefined {
  const s = raw.trim();
  if (GO_TRUE.has(s)) return true;
  if (GO_FALSE.has(s)) return false;
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, bits): optional sign, decimal digits, in range. Underscores only with base 0, so never. */
export function parseGoInt(raw: string, bits: 16 | 64 = 64): number | undefined {
  const s = raw.trim();
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  const min = bits === 16 ? -32768n : INT64_MIN;
  const max = bits === 16 ? 32767n : INT64_MAX;
  if (n < min || n > max) return undefined;
  return Number(n);
}

/** strconv.ParseFloat(s, 64): decimal or hex floats, inf/nan words, no trailing junk. */
export function parseGoFloat(raw: string): number | undefined {
  const s = raw.trim();
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (/^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?$/.test(s) && !/__|_$|^_|\._|_\./.test(s)) {
    return Number(s.replaceAll('_', ''));
  }
  return undefined;
}

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** time.ParseDuration: `300ms`, `-1.5h`, `2h45m`; a bare `0` is allowed, other bare numbers are not. Returns nanoseconds. */
export function parseGoDuration(raw: string): number | undefined {
  let s = raw.trim();
  if (s === '') return undefined;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  const re = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (s.length > 0) {
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_NS[m[2]!] ?? NaN);
    s = s.slice(m[0].length);
  }
  return Number.isFinite(total) ? sign * total : undefined;
}

/** CSV the way the service splits it: on commas, parts trimmed, empty parts dropped. */
export function splitCsv(raw: string): string[] {
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** Parse a raw env string by the service's type for it. Empty strings are "unset" and never reach here. */
export function parseByType(type: VariableType, raw: string): Parsed {
  switch (type) {
    case 'bool': {
      const v = parseGoBool(raw);
      return v === undefined ? { ok: false, expected: 'a Go bool (true/false/1/0/t/f)' } : { ok: true, value: v };
    }
    case 'int': {
      const v = parseGoInt(raw);
      return v === undefined ? { ok: false, expected: 'a base-10 integer' } : { ok: true, value: v };
    }
    case 'float': {
      const v = parseGoFloat(raw);
      return v === undefined ? { ok: false, expected: 'a number' } : { ok: true, value: v };
    }
    case 'duration': {
      const v = parseGoDuration(raw);
      return v === undefined ? { ok: false, expected: 'a Go duration such as 200ms, 1m or 1h30m' } : { ok: true, value: v };
    }
    case 'csv':
      return { ok: true, value: splitCsv(raw) };
    case 'csv-int16': {
      const parts = splitCsv(raw);
      const bad = parts.find((p) => parseGoInt(p, 16) === undefined);
      return bad !== undefined
        ? { ok: false, expected: 'comma-separated 16-bit integers' }
        : { ok: true, value: parts.map((p) => parseGoInt(p, 16)) };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(raw) as unknown };
      } catch {
        return { ok: false, expected: 'valid JSON' };
      }
    default:
      return { ok: true, value: raw };
  }
}

/** The shape of a value without its content, for messages about values that may be secret. */
export function describeShape(raw: string): string {
  const t = raw.trim();
  if (t === '') return 'an empty string';
  if (/^\d+$/.test(t)) return `${t.length} digits`;
  if (/^[A-Za-z]+$/.test(t)) return `a ${t.length}-letter word`;
  return `${t.length} characters`;
}

/**
 * How the toolkit's config loader reads a variable that is present but empty (`KEY=` in an env file, `KEY: ""` in
 * api.env). Its env reader looks keys up with os.LookupEnv, so an empty value counts as set:
 * - bool and int go through Loader.Bool / Loader.Int, which parse the trimmed value, so "" fails and Load panics
 *   (aatuh/api-toolkit contrib/config/loader.go:40 and :54, module contrib/v2; recsys panics on loader.Err() at
 *   api/internal/config/config.go:446);
 * - a string read with a default gets the empty string, not the default (Loader.String → GetOr, loader.go:35);
 * - durations (loader.go:68), floats (config.go:565), CSV lists, EXPERIMENT_CONFIG_JSON (config.go:482),
 *   DATABASE_URL (Loader.Require trims, loader.go:26) and DATABASE_URL_FILE (config.go:546) trim it and fall back.
 */
export type EmptyReading = 'panics' | 'replaces-default' | 'falls-back';

export function emptyReading(type: VariableType, lenient: boolean | undefined): EmptyReading {
  if (lenient) return 'falls-back';
  if (type === 'bool' || type === 'int') return 'panics';
  if (type === 'string' || type === 'url') return 'replaces-default';
  return 'falls-back';
}

/** Evidence wording for the toolkit's reading of an empty value. */
export const EMPTY_IS_SET =
  'the toolkit reads an empty value as set (os.LookupEnv; aatuh/api-toolkit contrib/config/loader.go)';
