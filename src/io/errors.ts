// Failures of the network, TLS and the database, classified by their stable `code`
// (Node's errno names, undici's UND_ERR_*, OpenSSL's verify codes, Postgres SQLSTATE),
// never by message text, which changes between versions and locales. One exception, SQLSTATE 57014, which
// PostgreSQL gives every cancel: its message says which one (cancelCause), and a wording it does not know is
// taken for the cause that claims the least (a cancel), never for a statement_timeout.
import type { MessageData, Reporting } from '../core/define.js';

/** Messages every probe declares (spread into meta.messages), so any probe can report any I/O failure. */
export const IO_MESSAGES = {
  missingInput: 'cannot probe: {{input}} was not given',
  connectionRefused: '{{target}} refused the connection ({{code}})',
  dnsFailure: '{{target}}: the host name does not resolve ({{code}})',
  connectTimeout: '{{target}}: no connection within the connect timeout ({{code}})',
  headersTimeout: '{{target}}: connected, but no response headers within the timeout ({{code}})',
  bodyTimeout: '{{target}}: the response body stalled past the timeout ({{code}})',
  connectionReset: '{{target}}: the connection was closed mid-request ({{code}})',
  certificateInvalid:
    '{{target}}: the TLS certificate is not trusted ({{code}}); if a private CA signs it, pass it with --ca-file',
  tlsFailed: '{{target}}: the TLS handshake failed ({{code}})',
  deadlineExceeded: '{{target}}: no answer before the probe deadline ({{code}})',
  bodyTooLarge: '{{target}}: the response body is larger than {{limit}} bytes and was refused',
  redirectRefused: '{{target}} redirects to {{location}}: a redirect to another host or to plain http is refused',
  tooManyRedirects: '{{target}}: more than {{limit}} redirects',
  networkError: '{{target}}: the request failed ({{code}})',
  invalidHttp: '{{target}}: the answer is not valid HTTP/1.1 ({{code}})',
  headersTooLarge: '{{target}}: the response headers are larger than the client accepts ({{code}})',
  dbAuthFailed: '{{target}}: the database refused the credentials (SQLSTATE {{code}})',
  dbNotFound: '{{target}}: the database does not exist (SQLSTATE {{code}})',
  dbUnavailable: '{{target}}: the database does not accept connections now (SQLSTATE {{code}})',
  dbStatementTimeout: '{{target}}: a read-only query hit statement_timeout (SQLSTATE {{code}})',
  dbCanceled: '{{target}}: the work was canceled by {{reason}}, not by statement_timeout (SQLSTATE {{code}})',
  dbError: '{{target}}: the database answered with an error (SQLSTATE {{code}})',
  socketMissing: '{{target}}: no database socket at that path: the directory or its socket file does not exist ({{code}})',
  dbTlsRefused: '{{target}}: the server does not offer TLS, which the DSN\'s sslmode requires ({{code}})',
  dbNoPassword: '{{target}}: the server asks for a password and the DSN gives none ({{code}})',
  dbSslFile: '{{target}}: the {{keyword}} file named by the DSN cannot be read ({{reason}}) ({{code}})',
  dsnInvalid: '{{target}}: the DSN is refused, nothing was sent: {{reason}} ({{code}})',
} as const;

export type IoMessageId = keyof typeof IO_MESSAGES;

export interface Classified {
  code: string;
  messageId: IoMessageId;
  /** Extra placeholders the message needs besides target and code. */
  data: MessageData;
}

const NETWORK: Record<string, IoMessageId> = {
  ECONNREFUSED: 'connectionRefused',
  ENOTFOUND: 'dnsFailure',
  EAI_AGAIN: 'dnsFailure',
  EAI_FAIL: 'dnsFailure',
  UND_ERR_CONNECT_TIMEOUT: 'connectTimeout',
  ETIMEDOUT: 'connectTimeout',
  UND_ERR_HEADERS_TIMEOUT: 'headersTimeout',
  UND_ERR_BODY_TIMEOUT: 'bodyTimeout',
  ECONNRESET: 'connectionReset',
  EPIPE: 'connectionReset',
  UND_ERR_SOCKET: 'connectionReset',
  UND_ERR_CLOSED: 'connectionReset',
  EHOSTUNREACH: 'networkError',
  ENETUNREACH: 'networkError',
  EADDRNOTAVAIL: 'networkError',
  UND_ERR_INVALID_ARG: 'networkError',
  ERR_INVALID_URL: 'networkError',
  UND_ERR_ABORTED: 'deadlineExceeded',
  ABORT_ERR: 'deadlineExceeded',
  PRODREADY_DEADLINE: 'deadlineExceeded',
  PRODREADY_DB_CONNECT_TIMEOUT: 'connectTimeout',
  PRODREADY_DB_CONNECTION_LOST: 'connectionReset',
  // A Unix-domain socket path that does not exist (host=/some/dir in the DSN).
  ENOENT: 'socketMissing',
  EACCES: 'networkError',
  PRODREADY_DB_TLS_REFUSED: 'dbTlsRefused',
  PRODREADY_DB_NO_PASSWORD: 'dbNoPassword',
  PRODREADY_DB_SSL_FILE: 'dbSslFile',
  PRODREADY_BODY_TOO_LARGE: 'bodyTooLarge',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'networkError',
  // A server that answers, but not in HTTP: broken framing, a length that lies, headers without end.
  UND_ERR_HEADERS_OVERFLOW: 'headersTooLarge',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'invalidHttp',
  UND_ERR_INFO: 'invalidHttp',
  UND_ERR_NOT_SUPPORTED: 'invalidHttp',
  PRODREADY_REDIRECT_REFUSED: 'redirectRefused',
  PRODREADY_TOO_MANY_REDIRECTS: 'tooManyRedirects',
};

/** OpenSSL verify results as Node exposes them on `err.code`. */
const CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_CRL',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Why a statement was canceled (SQLSTATE 57014 covers them all): its own statement_timeout, a conflict with recovery
 * on a standby replaying changes the query needed, or a cancel request (an administrator, a pooler). Told apart by the
 * server's message, which PostgreSQL writes in English unless lc_messages says otherwise: an unknown wording is
 * `canceled`, never taken for a timeout. Used for a query's own outcome (src/probes/lib/pg.ts) and for a 57014
 * outside any query (classifyError).
 */
export type CancelCause = 'statement-timeout' | 'recovery-conflict' | 'canceled';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : '');

export function cancelCause(err: unknown): CancelCause {
  const message = messageOf(err);
  if (/statement timeout/i.test(message)) return 'statement-timeout';
  if (/conflict with recovery/i.test(message)) return 'recovery-conflict';
  return 'canceled';
}

/** A 57014 met while connecting or setting the session up, as a message and the cause it names. */
function classifyCancel(err: unknown): { messageId: IoMessageId; data: MessageData } {
  // Only while a connection authenticates: the server's authentication_timeout, which no query setting moves.
  if (/canceling authentication due to timeout/i.test(messageOf(err))) {
    return { messageId: 'dbCanceled', data: { cause: 'authentication-timeout', reason: "the server's authentication_timeout (the connection was not authenticated in time)" } };
  }
  const cause = cancelCause(err);
  if (cause === 'statement-timeout') return { messageId: 'dbStatementTimeout', data: {} };
  if (cause === 'recovery-conflict') {
    return { messageId: 'dbCanceled', data: { cause, reason: 'a conflict with recovery (the server is a standby replaying changes the query needed)' } };
  }
  return { messageId: 'dbCanceled', data: { cause, reason: 'a cancel request (an administrator or a pooler)' } };
}

/** SQLSTATEs a probe may meet, by class or exact code (57014 by its message too, see classifyCancel). */
function classifySqlState(code: string, err: unknown): { messageId: IoMessageId; data: MessageData } {
  if (code === '57014') return classifyCancel(err);
  if (code === '28P01' || code === '28000') return { messageId: 'dbAuthFailed', data: {} };
  if (code === '3D000') return { messageId: 'dbNotFound', data: {} };
  if (code === '57P03' || code === '53300' || code.startsWith('08')) return { messageId: 'dbUnavailable', data: {} };
  return { messageId: 'dbError', data: {} };
}

function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code) && /[0-9]/.test(code);
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}

function nameOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as Error).name === 'string'
    ? (err as Error).name
    : undefined;
}

/** The data an error carries for its message (limits, redirect target), when it is one of ours. */
function extraData(err: unknown): MessageData {
  const data = (err as { data?: unknown }).data;
  return typeof data === 'object' && data !== null ? (data as MessageData) : {};
}

/**
 * Classifies by `err.code`, then the causes' codes (fetch and AggregateError wrap the real one).
 * Returns undefined for an error without a known code: a bug, which the caller rethrows.
 */
export function classifyError(err: unknown): Classified | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === undefined || e === null || seen.has(e)) continue;
    seen.add(e);
    const code = codeOf(e);
    // undici 7 builds its HTTPParserError with `code` undefined (it looks the llhttp error name up by
    // number in a map keyed by name), so the class is what says "not HTTP"; its HPE_ code when it has one.
    // The class is told by the name undici gives it, not by instanceof: importing undici here would load it
    // on every static check, which must never load the HTTP client.
    if (code === undefined && e instanceof Error && e.name === 'HTTPParserError') {
      return { code: 'PRODREADY_INVALID_HTTP', messageId: 'invalidHttp', data: {} };
    }
    if (code !== undefined) {
      const net = NETWORK[code];
      if (net) return { code, messageId: net, data: extraData(e) };
      // llhttp's parser errors (HPE_INVALID_CONSTANT, HPE_INVALID_HEADER_TOKEN, HPE_HEADER_OVERFLOW...),
      // which undici passes on as HTTPParserError with the `HPE_` code.
      if (code.startsWith('HPE_')) {
        return { code, messageId: code === 'HPE_HEADER_OVERFLOW' ? 'headersTooLarge' : 'invalidHttp', data: {} };
      }
      if (CERTIFICATE.has(code)) return { code, messageId: 'certificateInvalid', data: {} };
      if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
        return { code, messageId: 'tlsFailed', data: {} };
      }
      if (isSqlState(code)) return { code, ...classifySqlState(code, e) };
    }
    if (nameOf(e) === 'AbortError' || nameOf(e) === 'TimeoutError') {
      return { code: code ?? nameOf(e) ?? 'AbortError', messageId: 'deadlineExceeded', data: {} };
    }
    const cause = (e as { cause?: unknown }).cause;
    if (cause !== undefined) queue.push(cause);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return undefined;
}

/** An I/O failure with a stable code, thrown by the probe helpers. */
export class ProbeIoError extends Error {
  readonly code: string;
  readonly data: MessageData;
  /** Facts measured up to the failure (latency, bytes). */
  readonly evidence: string[];

  constructor(code: string, message: string, data: MessageData = {}, evidence: string[] = [], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ProbeIoError';
    this.code = code;
    this.data = data;
    this.evidence = evidence;
  }
}

/** The reason the runner aborts a probe's signal with. */
export class ProbeDeadlineError extends Error {
  readonly code = 'PRODREADY_DEADLINE';
  constructor(readonly timeoutMs: number) {
    super(`probe deadline of ${timeoutMs} ms reached`);
    this.name = 'ProbeDeadlineError';
  }
}

/**
 * Turns a classified I/O failure into a finding on `target`; rethrows anything unclassified
 * (a bug keeps its stack). `target` must already be masked.
 */
export function reportIoFailure(ctx: Pick<Reporting, 'report'>, err: unknown, target: string): Classified {
  const c = classifyError(err);
  if (!c) throw err;
  const evidence = err instanceof ProbeIoError ? err.evidence : [];
  ctx.report({
    messageId: c.messageId,
    data: { target, code: c.code, ...c.data },
    location: { target },
    evidence,
  });
  return c;
}

/** Runs one step; a classified I/O failure becomes a finding and the result is undefined. */
export async function attempt<T>(
  ctx: Pick<Reporting, 'report'>,
  target: string,
  step: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await step();
  } catch (err) {
    reportIoFailure(ctx, err, target);
    return undefined;
  }
}
