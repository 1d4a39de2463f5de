// A PostgreSQL DSN parsed as libpq parses it (src/interfaces/libpq/fe-connect.c: conninfo_parse
// for `key=value` strings, conninfo_uri_parse_options / _params for postgres:// URLs), then
// validated as libpq validates it when connecting. Nothing half-read reaches the driver: the pg
// client gets an explicit config built from this value, never a connection string.
//
// Errors name keywords and positions, never values: a value may be (part of) a password, and an
// unquoted password with a space in it makes its tail look like the next keyword.

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

export type DsnErrorCode =
  | 'dsn-malformed'
  | 'dsn-unknown-keyword'
  | 'dsn-invalid-value'
  | 'dsn-host-port-mismatch'
  | 'dsn-unsupported';

export interface DsnHost {
  /** The name TLS verifies (libpq `host`); a path for a Unix-domain socket directory. */
  host?: string;
  /** The numeric address connected to instead of resolving `host` (libpq `hostaddr`). */
  hostaddr?: string;
  port: number;
  /** A Unix-domain socket directory: no TLS is tried over it (as libpq). */
  socket: boolean;
}

export interface ParsedDsn {
  form: 'url' | 'keyword';
  hosts: DsnHost[];
  user?: string;
  password?: string;
  dbname?: string;
  sslmode: SslMode;
  /** sslmode was written in the DSN (libpq's default, prefer, otherwise). */
  sslmodeGiven: boolean;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  sslpassword?: string;
  /** Send SNI for host names (libpq sslsni, default 1). */
  sslsni: boolean;
  sslMinProtocol?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  sslMaxProtocol?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  /** Seconds per host; undefined or 0: no limit of its own (the probe's bounds still apply). */
  connectTimeoutS?: number;
  applicationName?: string;
  /** Server options sent at startup (`-c name=value …`). */
  options?: string;
  /** Every keyword as given, values raw (secret ones included: never show this map). */
  values: ReadonlyMap<string, string>;
}

export type DsnResult = { ok: true; dsn: ParsedDsn } | { ok: false; code: DsnErrorCode; message: string };

class DsnError extends Error {
  constructor(
    readonly code: DsnErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** libpq's connection keywords (PQconndefaults, PostgreSQL 17). */
const LIBPQ_KEYWORDS = new Set([
  'host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'passfile', 'require_auth', 'channel_binding',
  'connect_timeout', 'client_encoding', 'options', 'application_name', 'fallback_application_name',
  'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout',
  'replication', 'gssencmode', 'sslmode', 'sslnegotiation', 'sslcompression', 'sslcert', 'sslkey',
  'sslpassword', 'sslcertmode', 'sslrootcert', 'sslcrl', 'sslcrldir', 'sslsni', 'requirepeer',
  'ssl_min_protocol_version', 'ssl_max_protocol_version', 'krbsrvname', 'gsslib', 'gssdelegation',
  'service', 'target_session_attrs', 'load_balance_hosts',
]);

/**
 * Keywords the service's driver (pgx's pool) takes out of DATABASE_URL before connecting
 * (pgxpool.ParseConfig), so a DSN the service accepts may hold them; they say nothing about
 * how a single read-only connection is made and are ignored here.
 */
const PGXPOOL_KEYWORDS = new Set([
  'pool_max_conns', 'pool_min_conns', 'pool_min_idle_conns', 'pool_max_conn_lifetime',
  'pool_max_conn_lifetime_jitter', 'pool_max_conn_idle_time', 'pool_health_check_period',
]);

/**
 * Keywords that change who we are or what we trust in ways this probe cannot honour: refused
 * rather than ignored, so a DSN never means less than it says.
 */
const UNSUPPORTED: Record<string, (v: string) => boolean> = {
  service: () => true, // reads pg_service.conf: another file of settings, unparsed here
  passfile: () => true, // a password file: give the password in the DSN or not at all
  requirepeer: () => true,
  replication: (v) => !['0', 'false', 'off', 'no', ''].includes(v.toLowerCase()),
  sslcrl: (v) => v !== '',
  sslcrldir: (v) => v !== '',
  require_auth: (v) => v !== '',
  channel_binding: (v) => v === 'require',
  gssencmode: (v) => v === 'require',
  sslcertmode: (v) => v === 'require',
  sslnegotiation: (v) => v === 'direct',
  target_session_attrs: (v) => v !== 'any' && v !== '',
};

const ENUMS: Record<string, readonly string[]> = {
  sslmode: SSL_MODES,
  gssencmode: ['disable', 'prefer', 'require'],
  channel_binding: ['disable', 'prefer', 'require'],
  sslcertmode: ['disable', 'allow', 'require'],
  sslnegotiation: ['postgres', 'direct'],
  target_session_attrs: ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'],
  load_balance_hosts: ['disable', 'random'],
  sslsni: ['0', '1'],
  ssl_min_protocol_version: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
  ssl_max_protocol_version: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
};

/** Keywords whose values are secret. */
export const SECRET_KEYWORDS = new Set(['password', 'sslpassword']);

const KEYWORD_SHAPE = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * How an error names a keyword the user wrote. Lowercase identifiers are shown (they are what a
 * mistyped keyword looks like); anything else may be a piece of a password and is not, nor is a
 * word that follows a secret value (an unquoted password with a space splits there).
 */
function shownKeyword(word: string, afterSecret: boolean): string {
  return !afterSecret && KEYWORD_SHAPE.test(word) ? `"${word}"` : '(not shown: it may be part of a secret)';
}

/** C isspace, as libpq uses it. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/** libpq's conninfo_uri_decode: %XX only, no %00, invalid sequences refused; bytes read as UTF-8. */
function uriDecode(text: string, what: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '%') {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new DsnError('dsn-malformed', `invalid percent-encoded token in the ${what}`);
    const b = parseInt(hex, 16);
    if (b === 0) throw new DsnError('dsn-malformed', `forbidden value %00 in a percent-encoded ${what}`);
    bytes.push(b);
    i += 2;
  }
  return Buffer.from(bytes).toString('utf8');
}

type Store = (keyword: string, value: string, afterSecret: boolean) => void;

/** conninfo_parse: whitespace-separated keyword = value, values optionally single-quoted, backslash escapes. */
function parseKeywordValue(text: string, store: Store): void {
  let i = 0;
  let previous = '';
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    const nameStart = i;
    let nameEnd = -1;
    while (i < text.length) {
      if (text[i] === '=') break;
      if (isSpace(text[i])) {
        nameEnd = i;
        while (i < text.length && isSpace(text[i])) i++;
        break;
      }
      i++;
    }
    const name = text.slice(nameStart, nameEnd >= 0 ? nameEnd : i);
    const afterSecret = SECRET_KEYWORDS.has(previous);
    if (text[i] !== '=') {
      throw new DsnError('dsn-malformed', `missing "=" after ${shownKeyword(name, afterSecret)} in the key=value DSN`);
    }
    i++;
    while (i < text.length && isSpace(text[i])) i++;
    let value = '';
    if (text[i] !== "'") {
      while (i < text.length) {
        const c = text[i]!;
        if (isSpace(c)) {
          i++;
          break;
        }
        if (c === '\\') {
          i++;
          if (i < text.length) value += text[i++];
        } else {
          value += c;
          i++;
        }
      }
    } else {
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new DsnError('dsn-malformed', `unterminated quoted value for ${shownKeyword(name, afterSecret)} in the key=value DSN`);
        }
        const c = text[i]!;
        if (c === '\\') {
          i++;
          if (i < text.length) value += text[i++];
          continue;
        }
        if (c === "'") {
          i++;
          break;
        }
        value += c;
        i++;
      }
    }
    store(name, value, afterSecret);
    previous = name;
  }
}

/** conninfo_uri_parse_options: scheme://[user[:password]@][host[:port][,…]][/dbname][?keyword=value&…]. */
function parseUrl(text: string, prefixLength: number, store: Store): void {
  let p = prefixLength;
  // User info ends at the first '@' before any '/' (libpq looks no further): an '@' or '/' inside
  // a password must be percent-encoded.
  let q = p;
  while (q < text.length && text[q] !== '@' && text[q] !== '/') q++;
  if (text[q] === '@') {
    const info = text.slice(p, q);
    const colon = info.indexOf(':');
    const user = colon >= 0 ? info.slice(0, colon) : info;
    if (user !== '') store('user', uriDecode(user, 'user name'), false);
    if (colon >= 0) {
      const password = info.slice(colon + 1);
      if (password !== '') store('password', uriDecode(password, 'password'), false);
    }
    p = q + 1;
  }
  let hosts = '';
  let ports = '';
  let end = '';
  for (;;) {
    let host: string;
    if (text[p] === '[') {
      const start = ++p;
      while (p < text.length && text[p] !== ']') p++;
      if (p >= text.length) throw new DsnError('dsn-malformed', 'no "]" closes the IPv6 host address in the URL');
      if (p === start) throw new DsnError('dsn-malformed', 'empty IPv6 host address in the URL');
      host = text.slice(start, p);
      p++;
      if (p < text.length && !':/?,'.includes(text[p]!)) {
        throw new DsnError('dsn-malformed', `unexpected character at position ${p + 1} of the URL (expected ":" or "/")`);
      }
    } else {
      const start = p;
      while (p < text.length && !':/?,'.includes(text[p]!)) p++;
      host = text.slice(start, p);
    }
    hosts += host;
    end = text[p] ?? '';
    if (end === ':') {
      const start = ++p;
      while (p < text.length && !'/?,'.includes(text[p]!)) p++;
      ports += text.slice(start, p);
      end = text[p] ?? '';
    }
    if (end !== ',') break;
    p++;
    hosts += ',';
    ports += ',';
  }
  if (hosts !== '') store('host', uriDecode(hosts, 'host'), false);
  if (ports !== '') store('port', uriDecode(ports, 'port'), false);
  if (end !== '' && end !== '?') {
    const start = ++p;
    while (p < text.length && text[p] !== '?') p++;
    const dbname = text.slice(start, p);
    if (dbname !== '') store('dbname', uriDecode(dbname, 'database name'), false);
    end = text[p] ?? '';
  }
  if (end === '') return;
  p++;
  // conninfo_uri_parse_params: '&'-separated keyword=value, exactly one '=' each.
  let previous = '';
  while (p < text.length) {
    let amp = text.indexOf('&', p);
    if (amp < 0) amp = text.length;
    const pair = text.slice(p, amp);
    p = amp + 1;
    const eq = pair.indexOf('=');
    const afterSecret = SECRET_KEYWORDS.has(previous);
    if (eq < 0) throw new DsnError('dsn-malformed', 'missing "=" in a URL query parameter');
    if (pair.indexOf('=', eq + 1) >= 0) {
      throw new DsnError('dsn-malformed', 'extra "=" in a URL query parameter (percent-encode it as %3D)');
    }
    let keyword = uriDecode(pair.slice(0, eq), 'query parameter name');
    let value = uriDecode(pair.slice(eq + 1), 'query parameter value');
    // libpq's one concession to JDBC.
    if (keyword === 'ssl' && value === 'true') {
      keyword = 'sslmode';
      value = 'require';
    }
    store(keyword, value, afterSecret);
    previous = keyword;
  }
}

function uriPrefixLength(text: string): number {
  if (text.startsWith('postgresql://')) return 'postgresql://'.length;
  if (text.startsWith('postgres://')) return 'postgres://'.length;
  return 0;
}

function splitList(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : value.split(',');
}

function parsePort(raw: string): number {
  const v = raw.trim();
  if (v === '') return 5432;
  if (!/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
    throw new DsnError('dsn-invalid-value', 'invalid port number (1 to 65535)');
  }
  return Number(v);
}

function isIpLiteral(v: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(v) || (v.includes(':') && /^[0-9A-Fa-f:.]+$/.test(v));
}

/** libpq's is_unixsock_path: an absolute path (or '@' for Linux's abstract namespace). */
function isSocketPath(host: string): boolean {
  return host.startsWith('/') || host.startsWith('@');
}

function build(form: 'url' | 'keyword', values: Map<string, string>): ParsedDsn {
  for (const [keyword, value] of values) {
    const allowed = ENUMS[keyword];
    if (allowed && !allowed.includes(value)) {
      throw new DsnError('dsn-invalid-value', `invalid ${keyword} value (one of ${allowed.join(', ')})`);
    }
    const unsupported = UNSUPPORTED[keyword];
    if (unsupported?.(value)) {
      throw new DsnError('dsn-unsupported', `${keyword} with this value cannot be honoured by the probe, so the DSN is refused`);
    }
  }

  const hostNames = splitList(values.get('host'));
  const hostAddrs = splitList(values.get('hostaddr'));
  const portList = splitList(values.get('port'));
  if (hostNames.length > 0 && hostAddrs.length > 0 && hostNames.length !== hostAddrs.length) {
    throw new DsnError('dsn-host-port-mismatch', `${hostNames.length} host names but ${hostAddrs.length} hostaddr values`);
  }
  const count = Math.max(hostNames.length, hostAddrs.length, 1);
  if (portList.length > 1 && portList.length !== count) {
    throw new DsnError('dsn-host-port-mismatch', `${portList.length} port numbers for ${count} hosts`);
  }
  const sslmode = (values.get('sslmode') ?? 'prefer') as SslMode;
  const hosts: DsnHost[] = [];
  for (let i = 0; i < count; i++) {
    const host = hostNames[i]?.trim() || undefined;
    const hostaddr = hostAddrs[i]?.trim() || undefined;
    if (hostaddr !== undefined && !isIpLiteral(hostaddr)) {
      throw new DsnError('dsn-invalid-value', 'hostaddr takes numeric IP addresses only');
    }
    const port = parsePort(portList.length === 1 ? portList[0]! : (portList[i] ?? ''));
    const socket = hostaddr === undefined && host !== undefined && isSocketPath(host);
    if (host?.startsWith('@')) throw new DsnError('dsn-unsupported', 'abstract Unix-domain sockets (host starting with "@") are not supported');
    if (sslmode === 'verify-full' && host === undefined && hostaddr !== undefined) {
      // libpq: "host name must be specified for a verified SSL connection".
      throw new DsnError('dsn-invalid-value', 'sslmode=verify-full needs a host name to verify, not only hostaddr');
    }
    hosts.push({ ...(host !== undefined ? { host } : {}), ...(hostaddr !== undefined ? { hostaddr } : {}), port, socket });
  }

  let connectTimeoutS: number | undefined;
  const ct = values.get('connect_timeout');
  if (ct !== undefined && ct.trim() !== '') {
    if (!/^-?\d{1,9}$/.test(ct.trim())) throw new DsnError('dsn-invalid-value', 'connect_timeout takes whole seconds');
    const n = Number(ct.trim());
    // libpq: zero or negative waits indefinitely; 1 is raised to 2.
    connectTimeoutS = n <= 0 ? 0 : Math.max(2, n);
  }
  for (const k of ['keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout']) {
    const v = values.get(k);
    if (v !== undefined && v.trim() !== '' && !/^-?\d{1,9}$/.test(v.trim())) throw new DsnError('dsn-invalid-value', `${k} takes an integer`);
  }
  const encoding = values.get('client_encoding');
  if (encoding !== undefined && encoding !== '' && !/^(utf-?8|unicode|auto)$/i.test(encoding)) {
    throw new DsnError('dsn-unsupported', 'client_encoding other than UTF8 is not supported');
  }

  const sslrootcert = values.get('sslrootcert') || undefined;
  if (sslrootcert === 'system' && sslmode !== 'verify-full') {
    // libpq 16+: the system's CAs trust any public name, so only full verification is allowed.
    throw new DsnError('dsn-invalid-value', `weak sslmode "${sslmode}" may not be used with sslrootcert=system (use verify-full)`);
  }
  const protocol = (k: string) => values.get(k) as ParsedDsn['sslMinProtocol'] | undefined;
  const optional = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } =>
    (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
  return {
    form,
    hosts,
    ...optional('user', values.get('user') || undefined),
    ...optional('password', values.has('password') ? values.get('password') : undefined),
    ...optional('dbname', values.get('dbname') || undefined),
    sslmode,
    sslmodeGiven: values.has('sslmode'),
    ...optional('sslrootcert', sslrootcert),
    ...optional('sslcert', values.get('sslcert') || undefined),
    ...optional('sslkey', values.get('sslkey') || undefined),
    ...optional('sslpassword', values.get('sslpassword') || undefined),
    sslsni: values.get('sslsni') !== '0',
    ...optional('sslMinProtocol', protocol('ssl_min_protocol_version') || undefined),
    ...optional('sslMaxProtocol', protocol('ssl_max_protocol_version') || undefined),
    ...optional('connectTimeoutS', connectTimeoutS),
    ...optional('applicationName', values.get('application_name') || values.get('fallback_application_name') || undefined),
    ...optional('options', values.get('options') || undefined),
    values,
  };
}

/**
 * Parses a DSN in either of libpq's forms, or refuses it. The message never holds a value
 * from the DSN (only keyword names and positions).
 */
export function parseDsn(input: string): DsnResult {
  const text = input.trim();
  const values = new Map<string, string>();
  const store: Store = (keyword, value, afterSecret) => {
    if (!LIBPQ_KEYWORDS.has(keyword) && !PGXPOOL_KEYWORDS.has(keyword)) {
      throw new DsnError('dsn-unknown-keyword', `unknown keyword ${shownKeyword(keyword, afterSecret)} (libpq refuses it too)`);
    }
    values.set(keyword, value);
  };
  try {
    if (text === '') throw new DsnError('dsn-malformed', 'the DSN is empty');
    const prefix = uriPrefixLength(text);
    if (prefix > 0) parseUrl(text, prefix, store);
    else if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
      throw new DsnError('dsn-malformed', 'a URL DSN starts with postgres:// or postgresql:// (lowercase)');
    } else parseKeywordValue(text, store);
    return { ok: true, dsn: build(prefix > 0 ? 'url' : 'keyword', values) };
  } catch (err) {
    if (err instanceof DsnError) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}

/**
 * The DSN as written, its passwords replaced by ****: exact positions from the same scan libpq
 * makes, so nothing after a quote or an escape is mistaken for the end of the value. Undefined
 * when the DSN does not parse far enough to tell where its secrets are.
 */
export function maskParsedDsn(input: string, mask = '****'): string | undefined {
  const text = input.trim();
  const parsed = parseDsn(text);
  if (!parsed.ok) return undefined;
  if (parsed.dsn.form === 'keyword') {
    const parts: string[] = [];
    for (const [k, v] of parsed.dsn.values) {
      if (SECRET_KEYWORDS.has(k)) parts.push(`${k}=${mask}`);
      else parts.push(`${k}=${v === '' || /[\s'\\]/.test(v) ? `'${v.replace(/(['\\])/g, '\\$1')}'` : v}`);
    }
    return parts.join(' ');
  }
  const prefix = uriPrefixLength(text);
  let head = text.slice(0, prefix);
  let rest = text.slice(prefix);
  let q = 0;
  while (q < rest.length && rest[q] !== '@' && rest[q] !== '/') q++;
  if (rest[q] === '@') {
    const info = rest.slice(0, q);
    const colon = info.indexOf(':');
    if (colon >= 0 && colon < info.length - 1) head += `${info.slice(0, colon)}:${mask}@`;
    else head += `${info}@`;
    rest = rest.slice(q + 1);
  }
  const query = rest.indexOf('?');
  if (query < 0) return head + rest;
  const params = rest
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq >= 0 ? uriDecode(pair.slice(0, eq), 'query parameter name') : pair;
      return SECRET_KEYWORDS.has(key) ? `${pair.slice(0, eq)}=${mask}` : pair;
    });
  return `${head}${rest.slice(0, query)}?${params.join('&')}`;
}

/** The secret values a DSN holds (decoded), for scrubbing echoes. Empty when it does not parse. */
export function dsnSecrets(input: string): string[] {
  const parsed = parseDsn(input);
  if (!parsed.ok) return [];
  return [...SECRET_KEYWORDS].map((k) => parsed.dsn.values.get(k)).filter((v): v is string => v !== undefined && v !== '');
}

/** A host as shown in evidence: `db:5432`, `127.0.0.1:5432 (host db.internal)`, `/run/pg (socket, port 5432)`. */
export function describeHost(h: DsnHost): string {
  if (h.socket) return `${h.host} (socket, port ${h.port})`;
  if (h.hostaddr !== undefined) return `${h.hostaddr.includes(':') ? `[${h.hostaddr}]` : h.hostaddr}:${h.port}${h.host ? ` (host ${h.host})` : ''}`;
  const name = h.host ?? 'localhost';
  return `${name.includes(':') ? `[${name}]` : name}:${h.port}`;
}
