// Migration files as recsys's preflight means to read them: names, Go's TrimSpace over bytes, checksums, verdict.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { goTrimSpace, judgePreflight, migrationChecksum, parseMigrationName, type MigrationFile } from '../../../src/probes/lib/migrations.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('parseMigrationName', () => {
  it('takes <8-14 digits>_<name>.up.sql, the version as ParseInt reads it', () => {
    expect(parseMigrationName('20260130100000_extensions.up.sql')).toEqual({ version: '20260130100000', name: 'extensions' });
    expect(parseMigrationName('00000001_a-b_c.up.sql')).toEqual({ version: '1', name: 'a-b_c' });
  });
  it('skips down files, short versions and other names', () => {
    for (const n of ['20260130100000_extensions.down.sql', '1234567_x.up.sql', '123456789012345_x.up.sql', 'README.md', '20260130100000_x.UP.sql', '20260130100000_x y.up.sql']) {
      expect(parseMigrationName(n), n).toBeUndefined();
    }
  });
  it('differs from the pattern upstream wrote (preflight.go:188), which matches no real file name', () => {
    const upstream = new RegExp(String.raw`^(\\d{8,14})_([a-zA-Z0-9_\\-]+)\\.(up|down)\\.sql$`);
    expect(upstream.test('20260130100000_extensions.up.sql')).toBe(false);
    expect(upstream.test('\\dddddddd_x\\.up\\.sql')).toBe(true);
  });
});

describe('goTrimSpace and the checksum', () => {
  it('trims ASCII white space, U+0085, U+00A0 and the Unicode spaces Go trims', () => {
    expect(new TextDecoder().decode(goTrimSpace(bytes('\n\t SELECT 1;\r\n\v\f \u0085\u00a0\u3000\u2028')))).toBe('SELECT 1;');
  });
  it('keeps a byte-order mark, which JavaScript trim() would drop', () => {
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(goTrimSpace(bytes('\ufeffSELECT 1;\n')))).toBe('\ufeffSELECT 1;');
  });
  it('works on bytes: invalid UTF-8 and overlong spaces stay, nothing is replaced', () => {
    const raw = Uint8Array.from([0x20, 0x53, 0xff, 0x0a]);
    expect([...goTrimSpace(raw)]).toEqual([0x53, 0xff]);
    const overlong = Uint8Array.from([0x53, 0xe0, 0x80, 0xa0]);
    expect([...goTrimSpace(overlong)]).toEqual([0x53, 0xe0, 0x80, 0xa0]);
    expect(goTrimSpace(bytes(' \n\t')).length).toBe(0);
  });
  it('is the hex SHA-256 of the trimmed content', () => {
    expect(migrationChecksum(bytes('\n-- x\nCREATE TABLE t (id int);\n\n'))).toBe(sha(bytes('-- x\nCREATE TABLE t (id int);')));
    expect(migrationChecksum(bytes('\n-- x\nCREATE TABLE t (id int);\n\n'))).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('judgePreflight', () => {
  const file = (version: string, name: string, checksum: string): MigrationFile => ({ version, name, checksum, file: `${version}_${name}.up.sql` });
  const files = [file('20240101000000', 'init', 'c1'), file('20240201000000', 'items', 'c2'), file('20240301000000', 'rules', 'c3')];
  it('is clean when every row has its file and checksum, and names pending files in version order', () => {
    const v = judgePreflight([{ version: '20240101000000', name: 'init', checksum: 'c1', success: true }], [...files].reverse());
    expect(v).toMatchObject({ failed: [], missing: [], changed: [] });
    expect(v.pending.map((f) => f.name)).toEqual(['items', 'rules']);
  });
  it('keys by version and name: a renamed file is a missing one plus a pending one', () => {
    const v = judgePreflight([{ version: '20240101000000', name: 'initial', checksum: 'c1', success: true }], files.slice(0, 1));
    expect(v.missing.map((r) => r.name)).toEqual(['initial']);
    expect(v.pending.map((f) => f.name)).toEqual(['init']);
  });
  it('lists failed rows, changed checksums and missing files at once', () => {
    const v = judgePreflight(
      [
        { version: '20240101000000', name: 'init', checksum: 'c1', success: true },
        { version: '20240201000000', name: 'items', checksum: 'other', success: true },
        { version: '20240301000000', name: 'rules', checksum: 'c3', success: false },
        { version: '20240401000000', name: 'gone', checksum: 'c4', success: true },
      ],
      files,
    );
    expect(v.failed.map((r) => r.name)).toEqual(['rules']);
    expect(v.changed.map((c) => c.row.name)).toEqual(['items']);
    expect(v.missing.map((r) => r.name)).toEqual(['gone']);
    expect(v.pending).toEqual([]);
  });
});
