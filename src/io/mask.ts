// Secrets never leave the process: DSN passwords, tokens in URLs and query strings are masked
// before anything is reported, logged or thrown.

import { dsnSecrets, maskParsedDsn } from './dsn.js';

const MASK = '****';
const SECRET_QUERY_KEYS = /^(password|passwd|pwd|sslpassword|token|access_token|api_key|apikey|key|secret|sig|signature)$/i;

/** `postgres://app:s3cret@db:5432/x?sslmode=require` → `postgres://app:****@db:5432/x?sslmode=require`. */
export function maskDsn(dsn: string): string {
  const trimmed = dsn.trim();
  // Exact, from libpq's own scan, whenever the DSN parses; the patterns below are for the rest.
  const exact = maskParsedDsn(trimmed, MASK);
  if (exact !== undefined) return exact;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    try {
      const url = new URL(trimmed);
      if (url.password) url.password = MASK;
      for (const key of [...url.searchParams.keys()]) {
        if (SECRET_QUERY_KEYS.test(key)) url.searchParams.set(key, MASK);
      }
      return url.toString();
    } catch {
      // Not parseable as a URL: mask up to the last '@' (a password may hold '@'), keep the rest readable.
      return trimmed
        .replace(/(\/\/[^:/@\s]*):\S*@/g, `$1:${MASK}@`)
        .replace(/([?&](?:password|sslpassword)=)[^&\s]*/gi, `$1${MASK}`);
    }
  }
  // libpq key=value form: host=db password='x y' dbname=z
  return trimmed.replace(/\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi, `$1=${MASK}`);
}

/** A URL fit for a report: no userinfo, secret-looking query values masked, no fragment. */
export function safeUrl(input: string | URL): string {
  try {
    const url = new URL(input.toString());
    url.username = '';
    url.password = '';
    url.hash = '';
    for (const key of [...url.searchParams.keys()]) {
      if (SECRET_QUERY_KEYS.test(key)) url.searchParams.set(key, MASK);
    }
    return url.toString();
  } catch {
    return maskDsn(input.toString());
  }
}

/** Masks any URL-with-password inside free text a server sent us (health check messages). */
export function maskSecretsInText(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/gi, `$1:${MASK}@`)
    .replace(/\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s&]+)/gi, `$1=${MASK}`)
    .replace(/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`)
    // key=…, api_key: …, token=…, secret=… as services print them in errors and logs.
    .replace(/\b((?:x[_-])?api[_-]?key|apikey|key|token|access[_-]?token|secret)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;"'}]+)/gi, `$1$2${MASK}`);
}

/** Shortens server-provided text for a message; masked first. */
export function excerpt(text: string, max = 200): string {
  const one = maskSecretsInText(text).replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Describes a set of secret headers by name and length only. */
export function describeHeaders(headers: Record<string, string>): string {
  const names = Object.entries(headers).map(([name, value]) => `${name} (set, ${value.length} chars)`);
  return names.length > 0 ? names.join(', ') : 'none';
}

/** The user id sent with --dev-headers. */
export const DEV_USER_ID = 'prodready-probe';

/** Shorter values are not scrubbed: they would mask ordinary words (and are not secrets worth the name). */
const MIN_SCRUB_LENGTH = 6;

/** The forms a secret we sent may come back in: as is, URL-encoded, base64. */
function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64').replace(/=+$/, '')]);
  try {
    forms.add(decodeURIComponent(secret));
  } catch {
    // Not URL-encoded: nothing more to add.
  }
  return [...forms].filter((f) => f.length >= MIN_SCRUB_LENGTH);
}

/** The secrets a probe target carries: auth header values (and a bearer token alone), the DSN and its password. */
export function targetSecrets(target: { authHeaders?: Record<string, string>; databaseUrl?: string; tenant?: string }): string[] {
  const out: string[] = [];
  for (const value of Object.values(target.authHeaders ?? {})) {
    // The dev headers carry the tenant and a fixed user id: identities the reports name, not secrets.
    if (value === target.tenant || value === DEV_USER_ID) continue;
    out.push(value);
    // `Bearer <token>`, `Basic <creds>`, `ApiKey <key>`: a server may echo the credential without its scheme.
    const credential = /^[A-Za-z][\w-]*\s+(.+)$/.exec(value);
    if (credential) out.push(credential[1]!.trim());
  }
  if (target.databaseUrl) {
    out.push(target.databaseUrl);
    // Passwords as libpq reads them: userinfo or ?password= decoded, quoted key=value unescaped.
    out.push(...dsnSecrets(target.databaseUrl));
    try {
      const password = new URL(target.databaseUrl).password;
      if (password) out.push(password);
    } catch {
      // A DSN that is not a URL: the password after password= (libpq form) or between ':' and the last '@'.
      const kv = /\bpassword\s*=\s*'?([^'\s]+)/i.exec(target.databaseUrl);
      if (kv) out.push(kv[1]!);
      const userinfo = /\/\/[^:/@\s]*:(.*)@/.exec(target.databaseUrl);
      if (userinfo) out.push(userinfo[1]!);
    }
  }
  return out.filter((s) => s.length >= MIN_SCRUB_LENGTH);
}

/**
 * Replaces every occurrence of these known secrets (in their usual encodings) with the mask: a
 * server may echo what it was sent (an Authorization header in an error body), and what it echoes
 * ends up in messages and evidence.
 */
export function scrubKnown(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a DSN is masked whole before its password alone.
  const forms = secrets.flatMap(secretForms).sort((a, b) => b.length - a.length);
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(MASK);
  return out;
}

/**
 * For a text that was cut short: when it ends with the start of one of these secrets (3 characters or more), that
 * start is replaced by the mask too, so no prefix of a secret survives a cut.
 */
export function scrubCutTail(text: string, secrets: readonly string[]): string {
  for (const s of secrets.flatMap(secretForms)) {
    for (let k = Math.min(s.length - 1, text.length); k >= 3; k--) {
      if (text.endsWith(s.slice(0, k))) return `${text.slice(0, text.length - k)}${MASK}`;
    }
  }
  return text;
}

/** scrubKnown over every string inside a value (messages' data, evidence), keeping its shape. */
export function scrubDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrubKnown(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
