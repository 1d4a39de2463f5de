// Secrets never leave the process: DSN passwords, tokens in URLs and query strings are masked
// before anything is reported, logged or thrown.

const MASK = '****';
const SECRET_QUERY_KEYS = /^(password|passwd|pwd|sslpassword|token|access_token|api_key|apikey|key|secret|sig|signature)$/i;

/** `postgres://app:s3cret@db:5432/x?sslmode=require` → `postgres://app:****@db:5432/x?sslmode=require`. */
export function maskDsn(dsn: string): string {
  const trimmed = dsn.trim();
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
    .replace(/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`);
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
