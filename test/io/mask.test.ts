import { describe, expect, it } from 'vitest';
import { excerpt, maskDsn, safeUrl, scrubDeep, scrubKnown, targetSecrets } from '../../src/io/mask.js';

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

describe('masking key=, token= and secret= in server text', () => {
  it('masks the value and keeps the name', () => {
    const text = excerpt('rejected key=k-123456 api_key: "a b" X-API-Key=zz token=t.1.2 secret=s3 for tenant demo');
    for (const s of ['k-123456', 'a b', 'zz', 't.1.2', 's3 ']) expect(text).not.toContain(s);
    expect(text).toBe('rejected key=**** api_key: **** X-API-Key=**** token=**** secret=**** for tenant demo');
  });
});

describe('masking passwords that hold @ in free text', () => {
  it('masks up to the last @ of the token', () => {
    expect(excerpt('failed: postgres://app:p@ss@db:5432/x refused')).toBe('failed: postgres://app:****@db:5432/x refused');
  });
});

describe('scrubbing the secrets a probe sent, when a server echoes them', () => {
  const target = {
    authHeaders: { Authorization: 'Bearer tok-1234567890', 'X-API-Key': 'key-abcdefgh' },
    databaseUrl: 'postgres://app:p%2Fw+secret9@db:5432/x',
  };
  const secrets = targetSecrets(target);

  it('knows the header values, the bare bearer token, the DSN and its password', () => {
    expect(secrets).toEqual(expect.arrayContaining(['Bearer tok-1234567890', 'tok-1234567890', 'key-abcdefgh', 'p%2Fw+secret9']));
  });

  it('masks them raw, URL-encoded, decoded and in base64', () => {
    const b64 = Buffer.from('key-abcdefgh').toString('base64');
    const text = scrubKnown(`auth=tok-1234567890 key=key-abcdefgh pw=p/w+secret9 enc=${encodeURIComponent('key-abcdefgh')} b=${b64}`, secrets);
    for (const s of ['tok-1234567890', 'key-abcdefgh', 'p/w+secret9', b64.replace(/=+$/, '')]) expect(text).not.toContain(s);
    expect(text).toContain('auth=****');
  });

  it('walks a report, keeping its shape and non-string values', () => {
    const r = scrubDeep({ messageId: 'm', data: { n: 3, reason: 'echo key-abcdefgh' }, evidence: ['Bearer tok-1234567890'] }, secrets);
    expect(r).toEqual({ messageId: 'm', data: { n: 3, reason: 'echo ****' }, evidence: ['****'] });
  });

  it('leaves short values and the dev identity alone: masking them would hide ordinary words', () => {
    expect(targetSecrets({ authHeaders: { 'X-Dev-Org-Id': 'demo' } })).toEqual([]);
    expect(targetSecrets({ tenant: 'acme-prod', authHeaders: { 'X-Dev-User-Id': 'prodready-probe', 'X-Dev-Org-Id': 'acme-prod' } })).toEqual([]);
  });
});
