// DSNs parsed as libpq parses them (fe-connect.c): both forms, every error coded and free of values.
import { describe, expect, it } from 'vitest';
import { dsnSecrets, maskParsedDsn, parseDsn, type ParsedDsn } from '../../src/io/dsn.js';
import { maskDsn, targetSecrets } from '../../src/io/mask.js';

function ok(text: string): ParsedDsn {
  const r = parseDsn(text);
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.code} ${r.message}`);
  return r.dsn;
}

function refused(text: string): { code: string; message: string } {
  const r = parseDsn(text);
  if (r.ok) throw new Error(`expected ${text} to be refused`);
  expect(r.message).not.toMatch(/\n/);
  return r;
}

describe('parseDsn: key=value form (conninfo_parse)', () => {
  it('reads the issue’s DSN: host, port, user, password, dbname, sslmode', () => {
    const d = ok('host=db.internal port=5432 user=recsys password=s3cr3t dbname=recsys sslmode=verify-full');
    expect(d.form).toBe('keyword');
    expect(d.hosts).toEqual([{ host: 'db.internal', port: 5432, socket: false }]);
    expect(d).toMatchObject({ user: 'recsys', password: 's3cr3t', dbname: 'recsys', sslmode: 'verify-full', sslmodeGiven: true });
  });

  it('single-quoted values with spaces, backslash escapes, whitespace around "=", empty values', () => {
    const d = ok(`  host = 'db' password='it\\'s a \\\\ secret'  dbname=my\\ db application_name='' options='-c search_path=app'`);
    expect(d.password).toBe("it's a \\ secret");
    expect(d.dbname).toBe('my db');
    expect(d.applicationName).toBeUndefined();
    expect(d.options).toBe('-c search_path=app');
    // A quoted value may be followed directly by the next keyword, as libpq allows.
    expect(ok(`host='a'port=5433`).hosts[0]).toMatchObject({ host: 'a', port: 5433 });
  });

  it('host, hostaddr and port lists, one port for all or one each', () => {
    const d = ok('host=h1,h2 hostaddr=10.0.0.1,10.0.0.2 port=5432,5433');
    expect(d.hosts).toEqual([
      { host: 'h1', hostaddr: '10.0.0.1', port: 5432, socket: false },
      { host: 'h2', hostaddr: '10.0.0.2', port: 5433, socket: false },
    ]);
    expect(ok('host=h1,h2 port=6000').hosts.map((h) => h.port)).toEqual([6000, 6000]);
    expect(ok('host=h1, port=,6001').hosts).toEqual([
      { host: 'h1', port: 5432, socket: false },
      { port: 6001, socket: false },
    ]);
    expect(refused('host=h1,h2,h3 port=1,2').code).toBe('dsn-host-port-mismatch');
    expect(refused('host=h1,h2 hostaddr=10.0.0.1').code).toBe('dsn-host-port-mismatch');
    expect(refused('hostaddr=db.internal').code).toBe('dsn-invalid-value');
  });

  it('a socket directory as host; connect_timeout as libpq rounds it', () => {
    expect(ok('host=/var/run/postgresql dbname=x').hosts[0]).toEqual({ host: '/var/run/postgresql', port: 5432, socket: true });
    expect(ok('host=h connect_timeout=1').connectTimeoutS).toBe(2);
    expect(ok('host=h connect_timeout=0').connectTimeoutS).toBe(0);
    expect(refused('host=h connect_timeout=soon').code).toBe('dsn-invalid-value');
  });

  it('defaults: sslmode prefer, noted as not given', () => {
    expect(ok('host=h')).toMatchObject({ sslmode: 'prefer', sslmodeGiven: false, sslsni: true });
  });

  it('refuses malformed strings with a coded message that never holds a value', () => {
    const cases: Array<[string, string]> = [
      ['host=db password=\'unterminated', 'dsn-malformed'],
      ['host=db hunter2pw', 'dsn-malformed'],
      ['just-a-name', 'dsn-malformed'],
      ['', 'dsn-malformed'],
      ['host=db sslmode=sometimes', 'dsn-invalid-value'],
      ['host=db port=70000', 'dsn-invalid-value'],
      ['host=db port=54x', 'dsn-invalid-value'],
      ['host=db search_path=app', 'dsn-unknown-keyword'],
      ['host=db service=prod', 'dsn-unsupported'],
      ['host=db passfile=/x', 'dsn-unsupported'],
      ['host=db sslcrl=/crl.pem', 'dsn-unsupported'],
      ['host=db target_session_attrs=read-write', 'dsn-unsupported'],
      ['host=db sslrootcert=system sslmode=require', 'dsn-invalid-value'],
      ['hostaddr=127.0.0.1 sslmode=verify-full', 'dsn-invalid-value'],
    ];
    for (const [text, code] of cases) expect(refused(text).code, text).toBe(code);
    expect(refused('host=db search_path=app').message).toContain('"search_path"');
  });

  it('an unquoted password with a space: the tail that looks like a keyword is not echoed', () => {
    const r = refused('host=db password=first half=tailsecret');
    expect(r.code).toBe('dsn-unknown-keyword');
    expect(r.message).not.toContain('half');
    expect(r.message).not.toContain('tailsecret');
    const m = refused('host=db password=abc Xyz-secret-tail');
    expect(m.message).not.toContain('Xyz-secret-tail');
  });

  it('accepts pgxpool’s pool_* keywords, which the service’s driver strips', () => {
    expect(ok('host=db pool_max_conns=10').hosts[0]!.host).toBe('db');
  });
});

describe('parseDsn: URL form (conninfo_uri_parse_options)', () => {
  it('postgres:// and postgresql://, percent-decoding everywhere', () => {
    const d = ok('postgresql://app%40corp:p%40ss%2Fw%3Ard@db.internal:6543/my%20db?sslmode=verify-ca&application_name=x%20y');
    expect(d).toMatchObject({ form: 'url', user: 'app@corp', password: 'p@ss/w:rd', dbname: 'my db', sslmode: 'verify-ca', applicationName: 'x y' });
    expect(d.hosts).toEqual([{ host: 'db.internal', port: 6543, socket: false }]);
    expect(ok('postgres://db/x').hosts[0]).toMatchObject({ host: 'db', port: 5432 });
  });

  it('host lists with ports, IPv6 in brackets, a socket directory percent-encoded', () => {
    const d = ok('postgres://u@h1:5432,h2:5433,[::1]:5434/db');
    expect(d.hosts.map((h) => [h.host, h.port])).toEqual([['h1', 5432], ['h2', 5433], ['::1', 5434]]);
    expect(ok('postgresql://%2Fvar%2Frun%2Fpostgresql/db').hosts[0]).toEqual({ host: '/var/run/postgresql', port: 5432, socket: true });
    expect(ok('postgresql:///db?host=/tmp').hosts[0]!.socket).toBe(true);
  });

  it('query parameters override the authority; ?password= is a password; ssl=true means sslmode=require', () => {
    const d = ok('postgres://u:a@h/db?host=other&password=fromquery&ssl=true');
    expect(d).toMatchObject({ password: 'fromquery', sslmode: 'require' });
    expect(d.hosts[0]!.host).toBe('other');
  });

  it('refuses malformed URLs with coded messages', () => {
    const cases: Array<[string, string]> = [
      ['postgres://u@[::1/db', 'dsn-malformed'],
      ['postgres://u@[]/db', 'dsn-malformed'],
      ['postgres://u@[::1]x/db', 'dsn-malformed'],
      ['postgres://h/db?sslmode', 'dsn-malformed'],
      ['postgres://h/db?a=b=c', 'dsn-malformed'],
      ['postgres://h/db?x=%zz', 'dsn-malformed'],
      ['postgres://h/db?x=%00', 'dsn-malformed'],
      ['postgres://h/db?pool=1&search_path=app', 'dsn-unknown-keyword'],
      ['postgres://h:notaport/db', 'dsn-invalid-value'],
      ['mysql://h/db', 'dsn-malformed'],
      ['POSTGRES://h/db', 'dsn-malformed'],
    ];
    for (const [text, code] of cases) expect(refused(text).code, text).toBe(code);
  });

  it('a password with an unencoded "/" is not read as a password, and never echoed', () => {
    const r = refused('postgres://u:pa/ss-secret@h/db');
    expect(r.message).not.toContain('pa');
    expect(r.message).not.toContain('ss-secret');
  });
});

describe('masking and secrets from the same scan', () => {
  it('masks userinfo, ?password= and key=value passwords exactly', () => {
    expect(maskParsedDsn('postgres://app:s3cr%40t@db:5432/x?sslmode=require&password=q%26x&sslpassword=kp')).toBe(
      'postgres://app:****@db:5432/x?sslmode=require&password=****&sslpassword=****',
    );
    expect(maskParsedDsn("host=db password='a \\' b' user=app")).toBe('host=db password=**** user=app');
    expect(maskDsn('host=db password=\'x y\' dbname=z')).toBe('host=db password=**** dbname=z');
    expect(maskParsedDsn('host=db sslmode=bogus')).toBeUndefined();
  });

  it('gives the decoded passwords for scrubbing echoes', () => {
    expect(dsnSecrets('postgres://u:p%40ss-word-1@h/db?sslpassword=key-pass-2')).toEqual(['p@ss-word-1', 'key-pass-2']);
    expect(dsnSecrets("host=h password='quoted \\'pw\\''")).toEqual(["quoted 'pw'"]);
    expect(targetSecrets({ databaseUrl: 'postgres://h/db?password=query-secret-9' })).toContain('query-secret-9');
  });
});
