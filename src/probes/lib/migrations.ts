// recsys's migration files as its `migrate preflight` and the toolkit's migrator read them, and
// preflight's verdict over the rows of schema_migrations. Pure: the CLI reads the directory.
//
// Upstream (aatuh/recsys api/cmd/migrate/preflight.go at the snapshot read):
// - file names `<8-14 digit version>_<name>.(up|down).sql`, only `up` counted (:168-172); the key is
//   version:name with the version as an integer (:206-208), a second file with the same key is an
//   error (:179-181);
// - the checksum is the hex SHA-256 of the content after strings.TrimSpace (:177, :210-213), as the
//   toolkit's migrator writes it on `up` (aatuh/api-toolkit migrator/migrator.go:454-457, :503-506);
// - applied rows are `SELECT version, name, checksum, success ... ORDER BY applied_at, version` (:132);
// - a row with success=false fails preflight (:72-83); then every row whose key has no file, or whose
//   checksum differs, is drift (:85-104); files with no row are pending, which preflight allows (:106-121).
// Note: preflight's pattern (:188) is a Go raw string with doubled backslashes, `^(\\d{8,14})_…`, which
// matches a backslash and the letter d, so no real file name: upstream's own preflight loads no file and
// reports every applied migration as missing. The pattern here is the one preflight means, which is the
// toolkit migrator's (migrator/migrator.go:63-65).
import { sha256Hex } from '../../core/sha256.js';

/** preflight.go:188 as meant (and as the toolkit's migrator has it, migrator.go:63-65). */
export const MIGRATION_FILE = /^(\d{8,14})_([a-zA-Z0-9_-]+)\.(up|down)\.sql$/;

export interface MigrationFile {
  /** The version as Go's ParseInt reads it: leading zeros dropped. */
  version: string;
  name: string;
  /** Hex SHA-256 of the trimmed content. */
  checksum: string;
  file: string;
}

/** Parses a file name as preflight means to; undefined for files it skips (down files included). */
export function parseMigrationName(fileName: string): { version: string; name: string } | undefined {
  const m = MIGRATION_FILE.exec(fileName);
  if (!m || m[3] !== 'up') return undefined;
  const version = BigInt(m[1]!);
  // strconv.ParseInt(…, 10, 64): 14 digits always fit, so no file is dropped for overflow.
  return { version: version.toString(), name: m[2]! };
}

export function migrationKey(version: string, name: string): string {
  return `${BigInt(version).toString()}:${name}`;
}

/** Go's unicode.IsSpace for one code point (strings.TrimSpace trims these, and nothing else). */
function goSpace(cp: number): boolean {
  if (cp <= 0xff) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0xa0;
  return cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

/** One UTF-8 sequence at `i`: its code point and length, or undefined when invalid (Go: RuneError, not a space). */
function runeAt(b: Uint8Array, i: number): { cp: number; len: number } | undefined {
  const c = b[i]!;
  if (c < 0x80) return { cp: c, len: 1 };
  const len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? (c <= 0xef ? 3 : 0) : c >= 0xc2 ? 2 : 0;
  if (len === 0 || i + len > b.length) return undefined;
  let cp = c & (len === 2 ? 0x1f : len === 3 ? 0x0f : 0x07);
  for (let k = 1; k < len; k++) {
    const n = b[i + k]!;
    if ((n & 0xc0) !== 0x80) return undefined;
    cp = (cp << 6) | (n & 0x3f);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are invalid to Go as well.
  if (cp < [0, 0, 0x80, 0x800, 0x10000][len]! || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return undefined;
  return { cp, len };
}

/**
 * strings.TrimSpace over bytes: a file is hashed as bytes, so nothing is decoded or replaced. Unlike
 * JavaScript's trim(), a byte-order mark (U+FEFF) stays and U+0085 goes.
 */
export function goTrimSpace(b: Uint8Array): Uint8Array {
  let start = 0;
  while (start < b.length) {
    const r = runeAt(b, start);
    if (!r || !goSpace(r.cp)) break;
    start += r.len;
  }
  let end = b.length;
  while (end > start) {
    // The last rune: step back over continuation bytes (at most three), as utf8.DecodeLastRune does.
    let s = end - 1;
    while (s > start && end - s < 4 && (b[s]! & 0xc0) === 0x80) s--;
    const r = runeAt(b, s);
    if (!r || s + r.len !== end || !goSpace(r.cp)) break;
    end = s;
  }
  return b.subarray(start, end);
}

/** preflight.go:177 and :210-213: hex SHA-256 of the trimmed content. */
export function migrationChecksum(content: Uint8Array): string {
  return sha256Hex(goTrimSpace(content));
}

export interface AppliedRow {
  version: string;
  name: string;
  checksum: string | null;
  success: boolean | null;
}

export interface PreflightVerdict {
  failed: AppliedRow[];
  /** Applied rows with no file of the same version and name. */
  missing: AppliedRow[];
  /** Applied rows whose file's checksum differs. */
  changed: Array<{ row: AppliedRow; file: MigrationFile }>;
  /** Files with no row, by version. */
  pending: MigrationFile[];
}

/** preflight.go:72-121 over every row at once (preflight itself stops at the first failing class). */
export function judgePreflight(rows: readonly AppliedRow[], files: readonly MigrationFile[]): PreflightVerdict {
  const byKey = new Map(files.map((f) => [migrationKey(f.version, f.name), f]));
  const applied = new Set<string>();
  const verdict: PreflightVerdict = { failed: [], missing: [], changed: [], pending: [] };
  for (const row of rows) {
    // success is NOT NULL in the migrator's table (migrator.go:198); only false is a failed row.
    if (row.success === false) verdict.failed.push(row);
    const key = migrationKey(row.version, row.name);
    applied.add(key);
    const file = byKey.get(key);
    if (!file) verdict.missing.push(row);
    else if (row.checksum !== file.checksum) verdict.changed.push({ row, file });
  }
  verdict.pending = files
    .filter((f) => !applied.has(migrationKey(f.version, f.name)))
    .sort((a, b) => (BigInt(a.version) < BigInt(b.version) ? -1 : BigInt(a.version) > BigInt(b.version) ? 1 : 0));
  return verdict;
}
