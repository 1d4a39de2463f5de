import { describe, expect, it } from 'vitest';
import { excerpt, maskDsn, safeUrl } from '../../../src/probes/lib/mask.js';

describe('maskDsn', () => {
  it('masks the password of URL DSNs and keeps the rest readable', () => {
    expect(maskDsn('postgres://app:s3cr%40t@db.internal:5432/recsys?sslmode=require')).toBe(
      'postgres://app:****@db.internal:5432/recsys?sslmode=require',
    );
    expect(maskDsn('postgresql://app@db/recsys')).toBe('postgresql://app@db/recsys');
    expect(maskDsn('postgres://db/recsys?user=app&password=hunter2')).not.toContain('hunter2');
  });
  it('masks libpq key=value DSNs, quoted or not', () => {
    expect(maskDsn("host=db user=app password='a b c' dbname=x")).toBe('host=db user=app password=**** dbname=x');
    expect(maskDsn('host=db password=plain dbname=x')).toBe('host=db password=**** dbname=x');
  });
  it('masks what it cannot parse by pattern', () => {
    expect(maskDsn('postgres://app:p@ss:w0rd@[bad')).not.toContain('w0rd');
  });
});

describe('safeUrl and excerpt', () => {
  it('drops userinfo and masks secret query values', () => {
    expect(safeUrl('https://u:pw@idp.example/jwks?token=abc&x=1')).toBe('https://idp.example/jwks?token=****&x=1');
  });
  it('masks DSNs and bearer tokens inside server text', () => {
    const text = excerpt('db: dial postgres://app:pw123@db:5432/x failed; header Bearer abcdefghijklmnop');
    expect(text).not.toContain('pw123');
    expect(text).not.toContain('abcdefghijklmnop');
  });
});

describe('masking passwords that hold @ in free text', () => {
  it('masks up to the last @ of the token', () => {
    expect(excerpt('failed: postgres://app:p@ss@db:5432/x refused')).toBe('failed: postgres://app:****@db:5432/x refused');
  });
});
