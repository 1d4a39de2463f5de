// A minimal keep-alive HTTP/1.1 client connection for the burst: one request in flight, the request sent as
// one pre-built buffer (one write, one syscall), the response parsed just enough to know its status and where it
// ends (Content-Length, chunked, or close). A general client (undici) validates and builds every request anew,
// which costs more CPU per request than the server under test spends answering it; the generator must stay cheaper
// than what it measures.
//
// Failures carry the error codes the rest of prodready classifies by: node's (ECONNREFUSED, ECONNRESET, ...) and,
// for conditions that have no node code, undici's names for the same condition (UND_ERR_HEADERS_TIMEOUT,
// UND_ERR_BODY_TIMEOUT, UND_ERR_CONNECT_TIMEOUT, UND_ERR_SOCKET for a connection closed mid-response).
import net from 'node:net';
import tls from 'node:tls';

export interface H1Endpoint {
  host: string;
  port: number;
  tls: boolean;
  /** SNI name for https. */
  servername?: string;
  ca?: string;
}

export interface H1Listener {
  /** Asked once headers are parsed: keep up to `SAMPLE_BYTES` of this response's body? */
  wantBody(status: number): boolean;
  /** `retryAfterMs`: what a 429 or 503 asked the client to wait (Retry-After), else -1. */
  response(status: number, body: Buffer | null, retryAfterMs: number): void;
  error(code: string, message: string): void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const HTTP1 = Buffer.from('HTTP/1.');
const MAX_HEAD_BYTES = 64 * 1024;
const SAMPLE_BYTES = 512;
/**
 * A recommend or similar answer is kilobytes; a body past this is a fault (a misrouted download,
 * an endless stream). Reading stops there instead of draining it until the timeout.
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

const enum State {
  Idle,
  Head,
  Body,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
}

export class H1Connection {
  private socket: net.Socket | null = null;
  private state: State = State.Idle;
  private pending: Buffer | null = null;
  private remaining = 0;
  private status = 0;
  private retryAfterMs = -1;
  private keepAlive = true;
  private sample: Buffer[] | null = null;
  private sampleLen = 0;
  /** Body bytes of the current response, against MAX_BODY_BYTES. */
  private bodyBytes = 0;
  private lastErrorCode: string | null = null;
  private lastErrorMessage = '';
  /** Bumped per request so events of a dead request's socket are ignored. */
  private generation = 0;
  /** The socket is connecting: no byte of the response yet, not even a connection. */
  private connected = false;
  /** When the current request was written (performance.now()), for the timeout sweep. */
  sentAt = 0;

  constructor(
    private readonly endpoint: H1Endpoint,
    private readonly listener: H1Listener,
  ) {}

  get busy(): boolean {
    return this.state !== State.Idle;
  }

  send(request: Buffer): void {
    if (this.state !== State.Idle) throw new Error('H1Connection: a request is already in flight');
    this.state = State.Head;
    this.status = 0;
    this.retryAfterMs = -1;
    this.sample = null;
    this.sampleLen = 0;
    this.bodyBytes = 0;
    this.pending = null;
    this.lastErrorCode = null;
    this.sentAt = performance.now();
    if (!this.socket) this.connect();
    // A connecting socket buffers the write until it is connected.
    this.socket!.write(request);
  }

  /** Called by the owner's sweep: fail the request in flight if it has run longer than `timeoutMs`. */
  checkTimeout(now: number, timeoutMs: number): void {
    if (this.state === State.Idle || now - this.sentAt < timeoutMs) return;
    const code = !this.connected
      ? 'UND_ERR_CONNECT_TIMEOUT'
      : this.state === State.Head
        ? 'UND_ERR_HEADERS_TIMEOUT'
        : 'UND_ERR_BODY_TIMEOUT';
    this.fail(code, `no complete answer within ${timeoutMs} ms`);
  }

  destroy(): void {
    this.generation++;
    this.state = State.Idle;
    this.dropSocket();
  }

  private dropSocket(): void {
    const s = this.socket;
    this.socket = null;
    this.pending = null;
    this.connected = false;
    if (s) s.destroy();
  }

  private connect(): void {
    const gen = ++this.generation;
    const ep = this.endpoint;
    // Plain TCP reads straight into one shared buffer (`onread`): no Buffer and no 'data' event per read.
    // Safe because callbacks run one at a time and onData copies whatever it keeps.
    const socket = ep.tls
      ? tls.connect({ host: ep.host, port: ep.port, servername: ep.servername, ca: ep.ca, ALPNProtocols: ['http/1.1'] })
      : net.connect({
          host: ep.host,
          port: ep.port,
          onread: {
            buffer: READ_BUFFER,
            callback: (nread: number, buf: Uint8Array) => {
              if (gen === this.generation) this.onData(Buffer.from(buf.buffer, buf.byteOffset, nread));
              return true;
            },
          },
        });
    socket.setNoDelay(true);
    this.socket = socket;
    this.connected = false;
    socket.on(ep.tls ? 'secureConnect' : 'connect', () => {
      if (gen === this.generation) this.connected = true;
    });
    socket.on('data', (chunk: Buffer) => {
      if (gen === this.generation) this.onData(chunk);
    });
    socket.on('end', () => {
      if (gen !== this.generation) return;
      if (this.state === State.UntilClose) this.complete();
      else if (this.state === State.Idle) {
        // The server closed an idle keep-alive connection: the next request opens a new one.
        this.generation++;
        this.dropSocket();
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (gen === this.generation) {
        this.lastErrorCode = err.code ?? err.name;
        // Node's socket messages name the syscall and address only (`connect ECONNREFUSED 127.0.0.1:8000`).
        this.lastErrorMessage = err.message;
      }
    });
    socket.on('close', () => {
      if (gen !== this.generation) return;
      this.socket = null;
      this.connected = false;
      if (this.state === State.UntilClose) this.complete();
      else if (this.state !== State.Idle) this.fail(this.lastErrorCode ?? 'UND_ERR_SOCKET', this.lastErrorCode ? this.lastErrorMessage : 'other side closed');
    });
  }

  private fail(code: string, message: string): void {
    this.state = State.Idle;
    this.generation++;
    this.dropSocket();
    this.listener.error(code, message);
  }

  private complete(): void {
    const status = this.status;
    const body = this.sample ? Buffer.concat(this.sample) : null;
    this.state = State.Idle;
    this.sample = null;
    if (!this.keepAlive) {
      this.generation++;
      this.dropSocket();
    }
    this.listener.response(status, body, this.retryAfterMs);
  }

  /** Counts body bytes; false (after failing the request) once the body is past MAX_BODY_BYTES. */
  private within(n: number): boolean {
    this.bodyBytes += n;
    if (this.bodyBytes <= MAX_BODY_BYTES) return true;
    this.fail('PRODREADY_BODY_TOO_LARGE', `response body over ${MAX_BODY_BYTES} bytes`);
    return false;
  }

  private keep(data: Buffer, from: number, to: number): void {
    if (this.sample && this.sampleLen < SAMPLE_BYTES && to > from) {
      const part = data.subarray(from, Math.min(to, from + SAMPLE_BYTES - this.sampleLen));
      this.sample.push(Buffer.from(part));
      this.sampleLen += part.length;
    }
  }

  private onData(chunk: Buffer): void {
    if (this.state === State.Idle) {
      // Bytes nobody asked for: the connection is out of step; start afresh next time.
      this.generation++;
      this.dropSocket();
      return;
    }
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let off = 0;
    const len = data.length;
    for (;;) {
      switch (this.state) {
        case State.Head: {
          const end = data.indexOf(CRLFCRLF, off);
          if (end < 0) {
            if (len - off > MAX_HEAD_BYTES) return this.fail('UND_ERR_HEADERS_OVERFLOW', 'response headers too large');
            this.pending = Buffer.from(data.subarray(off));
            return;
          }
          // "HTTP/1.x NNN"
          if (end - off < 12 || HTTP1.compare(data, off, off + HTTP1.length) !== 0 || data[off + 8] !== 0x20) {
            return this.fail('HPE_INVALID_CONSTANT', 'not an HTTP/1 response');
          }
          const status = (data[off + 9]! - 48) * 100 + (data[off + 10]! - 48) * 10 + (data[off + 11]! - 48);
          if (!(status >= 100 && status <= 999)) return this.fail('HPE_INVALID_STATUS', 'invalid status line');
          const http10 = data[off + 7] === 0x30;
          const h = scanHead(data, off, end, status === 429 || status === 503);
          if (h.invalid) return this.fail('HPE_INVALID_HEADER_TOKEN', 'a response header line is not `name: value`');
          off = end + 4;
          if (status >= 100 && status < 200 && status !== 101) continue; // interim answer, the real one follows
          this.status = status;
          this.retryAfterMs = h.retryAfterMs;
          this.keepAlive = http10 ? h.connection === 'keep-alive' : h.connection !== 'close';
          if (this.listener.wantBody(status)) this.sample = [];
          if (status === 204 || status === 304) {
            this.complete();
            return;
          }
          if (h.chunked) {
            this.state = State.ChunkSize;
            break;
          }
          if (h.contentLength === -2) return this.fail('UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'invalid content-length');
          if (h.contentLength >= 0) {
            if (h.contentLength === 0) {
              this.complete();
              return;
            }
            if (h.contentLength > MAX_BODY_BYTES) return this.fail('PRODREADY_BODY_TOO_LARGE', `declared content-length ${h.contentLength}`);
            this.remaining = h.contentLength;
            this.state = State.Body;
            break;
          }
          this.keepAlive = false;
          this.state = State.UntilClose;
          break;
        }
        case State.Body: {
          const take = Math.min(this.remaining, len - off);
          if (!this.within(take)) return;
          this.keep(data, off, off + take);
          off += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.complete();
            return;
          }
          return;
        }
        case State.ChunkSize: {
          const eol = data.indexOf(0x0a, off);
          if (eol < 0) {
            if (len - off > 1024) return this.fail('HPE_INVALID_CHUNK_SIZE', 'chunk size line too long');
            this.pending = Buffer.from(data.subarray(off));
            return;
          }
          const line = data.toString('latin1', off, eol).trim();
          const semi = line.indexOf(';');
          const size = parseInt(semi >= 0 ? line.slice(0, semi) : line, 16);
          if (!Number.isFinite(size) || size < 0) return this.fail('HPE_INVALID_CHUNK_SIZE', 'invalid chunk size');
          off = eol + 1;
          if (size === 0) {
            this.state = State.Trailers;
          } else {
            this.remaining = size;
            this.state = State.ChunkData;
          }
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, len - off);
          if (!this.within(take)) return;
          this.keep(data, off, off + take);
          off += take;
          this.remaining -= take;
          if (this.remaining > 0) return;
          this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd: {
          if (len - off < 2) {
            this.pending = Buffer.from(data.subarray(off));
            return;
          }
          off += 2;
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const eol = data.indexOf(0x0a, off);
          if (eol < 0) {
            this.pending = Buffer.from(data.subarray(off));
            return;
          }
          const empty = eol === off || (eol === off + 1 && data[off] === 0x0d);
          off = eol + 1;
          if (empty) {
            this.complete();
            return;
          }
          break;
        }
        case State.UntilClose:
          if (!this.within(len - off)) return;
          this.keep(data, off, len);
          return;
        default:
          return;
      }
    }
  }
}

interface HeadFacts {
  /** -1 absent, -2 invalid. */
  contentLength: number;
  chunked: boolean;
  /** 'close', 'keep-alive' or '' (absent or other). */
  connection: string;
  /** A header line that is not `token: value` (no colon, an empty or broken name): not HTTP. */
  invalid: boolean;
  /** Retry-After in ms, -1 when absent, not asked for or unreadable. */
  retryAfterMs: number;
}

/** The longest wait a Retry-After may ask for that is read as such; the burst's deadline bounds it anyway. */
const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; -1 when it is neither. */
export function parseRetryAfter(value: string, nowMs: number): number {
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  // An HTTP-date is at most ~30 characters; anything longer is not one.
  if (v.length > 40 || !/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) return -1;
  const at = Date.parse(v);
  if (!Number.isFinite(at)) return -1;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

const CONTENT_LENGTH = Buffer.from('content-length:');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding:');
const CONNECTION = Buffer.from('connection:');
const RETRY_AFTER = Buffer.from('retry-after:');

/** A header name byte (RFC 9110 token characters). */
function isTokenByte(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x5f || c === 0x21 || c === 0x23 || c === 0x24 || c === 0x25 || c === 0x26 ||
    c === 0x27 || c === 0x2a || c === 0x2b || c === 0x2e || c === 0x5e || c === 0x60 || c === 0x7c || c === 0x7e
  );
}

/** Does `name` (lower case, with its colon) start at `at`, compared case-insensitively? */
function nameAt(data: Buffer, at: number, end: number, name: Buffer): boolean {
  if (at + name.length > end) return false;
  for (let i = 0; i < name.length; i++) {
    const c = data[at + i]!;
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== name[i]) return false;
  }
  return true;
}

/**
 * The three headers that decide where a response ends, read from the bytes without building strings for the
 * others: this runs once per response, so it stays allocation-free on the common path.
 */
function scanHead(data: Buffer, from: number, end: number, wantRetryAfter: boolean): HeadFacts {
  const facts: HeadFacts = { contentLength: -1, chunked: false, connection: '', invalid: false, retryAfterMs: -1 };
  let line = data.indexOf(0x0a, from) + 1; // skip the status line
  while (line > 0 && line < end) {
    let eol = data.indexOf(0x0a, line);
    if (eol < 0 || eol > end) eol = end;
    // The name runs up to the colon, token bytes only: a line without one is not a header.
    let colon = line;
    while (colon < eol && isTokenByte(data[colon]!)) colon++;
    if (colon === line || colon >= eol || data[colon] !== 0x3a) {
      facts.invalid = true;
      return facts;
    }
    const c = data[line]! | 0x20;
    if (wantRetryAfter && c === 0x72 /* r */ && nameAt(data, line, eol, RETRY_AFTER)) {
      facts.retryAfterMs = parseRetryAfter(data.toString('latin1', line + RETRY_AFTER.length, eol), Date.now());
    } else if (c === 0x63 /* c */) {
      if (nameAt(data, line, eol, CONTENT_LENGTH)) {
        let n = 0;
        let digits = 0;
        let bad = false;
        for (let i = line + CONTENT_LENGTH.length; i < eol; i++) {
          const d = data[i]!;
          if (d >= 0x30 && d <= 0x39) {
            n = n * 10 + (d - 0x30);
            digits++;
          } else if (d !== 0x20 && d !== 0x09 && d !== 0x0d) bad = true;
        }
        facts.contentLength = bad || digits === 0 || digits > 15 ? -2 : n;
      } else if (nameAt(data, line, eol, CONNECTION)) {
        const v = data.toString('latin1', line + CONNECTION.length, eol).toLowerCase();
        const tokens = v.split(',').map((t) => t.trim());
        facts.connection = tokens.includes('close') ? 'close' : tokens.includes('keep-alive') ? 'keep-alive' : '';
      }
    } else if (c === 0x74 /* t */ && nameAt(data, line, eol, TRANSFER_ENCODING)) {
      const v = data.toString('latin1', line + TRANSFER_ENCODING.length, eol).toLowerCase();
      facts.chunked = v.split(',').some((t) => t.trim() === 'chunked');
    }
    line = eol + 1;
  }
  return facts;
}
