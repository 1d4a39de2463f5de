import { closeSync, constants, createReadStream, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import net from 'node:net';
import { isUtf8 } from 'node:buffer';
import { UserError } from '../engine/errors.js';

/** Deployment files larger than this are refused before being read: no values file is this big. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/**
 * How long a pipe may stay silent before the run gives up on it. `<(helm template …)` writes within
 * seconds; a FIFO that a writer holds open but never writes to would otherwise hold the run forever.
 */
export const PIPE_DEADLINE_MS = 30_000;

/** Where a file stops being valid UTF-8: the first bad byte, 0-based, and its 1-based line and column. */
export interface InvalidUtf8 {
  offset: number;
  line: number;
  column: number;
}

export interface TextFile {
  /** Display name: the path as given, or `<stdin>`. */
  name: string;
  text: string;
  /** Set when the bytes are not valid UTF-8: the text holds U+FFFD there, which the report must say. */
  invalidUtf8?: InvalidUtf8;
}

export interface ReadOptions {
  limit?: number;
  /** Silence allowed on a pipe or FIFO before `input-deadline` (default PIPE_DEADLINE_MS). */
  pipeDeadlineMs?: number;
}

/** Length of the UTF-8 sequence a lead byte starts, 0 when it cannot start one. */
function sequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** The first byte that is not part of a valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates), or -1. */
export function firstInvalidUtf8(buf: Buffer): number {
  if (isUtf8(buf)) return -1;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const n = sequenceLength(b);
    if (n === 0 || i + n > buf.length) return i;
    for (let k = 1; k < n; k++) {
      const c = buf[i + k]!;
      let lo = 0x80;
      let hi = 0xbf;
      if (k === 1) {
        if (b === 0xe0) lo = 0xa0;
        else if (b === 0xed) hi = 0x9f;
        else if (b === 0xf0) lo = 0x90;
        else if (b === 0xf4) hi = 0x8f;
      }
      if (c < lo || c > hi) return i;
    }
    i += n;
  }
  return -1;
}

/** Decodes UTF-8, noting where it is invalid instead of replacing it silently. */
export function decodeUtf8(name: string, buf: Buffer): TextFile {
  const text = buf.toString('utf8');
  const offset = firstInvalidUtf8(buf);
  if (offset < 0) return { name, text };
  const before = buf.subarray(0, offset);
  let line = 1;
  let lineStart = 0;
  for (let i = before.indexOf(0x0a); i >= 0; i = before.indexOf(0x0a, i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  const column = buf.subarray(lineStart, offset).toString('utf8').length + 1;
  return { name, text, invalidUtf8: { offset, line, column } };
}

/** Read a stream up to `limit` bytes; past it, stop reading and refuse. */
async function readBounded(stream: AsyncIterable<unknown> & { destroy?: () => void }, name: string, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      stream.destroy?.();
      throw new UserError('file-too-large', `${name} is larger than ${limit} bytes; refusing to read it`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a FIFO or socket opened non-blocking, through a libuv pipe handle: nothing waits in the thread
 * pool, so a writer that never writes ends in a coded error at the deadline, and the handle is closed.
 */
function readPipe(fd: number, name: string, limit: number, deadlineMs: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const sock = new net.Socket({ fd, readable: true, writable: false });
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: unknown, buf?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(buf!);
    };
    const arm = () =>
      setTimeout(() => {
        finish(
          new UserError(
            'input-deadline',
            `${name}: nothing more was written to it within ${deadlineMs / 1000} s (a pipe or FIFO whose writer is stuck or absent); give a regular file`,
          ),
        );
      }, deadlineMs);
    let timer = arm();
    sock.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(new UserError('file-too-large', `${name} is larger than ${limit} bytes; refusing to read it`));
        return;
      }
      chunks.push(chunk);
      clearTimeout(timer);
      timer = arm();
    });
    sock.on('end', () => finish(undefined, Buffer.concat(chunks)));
    sock.on('error', (e: NodeJS.ErrnoException) =>
      finish(new UserError('file-unreadable', `${name}: cannot be read (${e.code ?? 'error'})`)),
    );
  });
}

/**
 * Non-blocking reads until a writer shows itself: 0 bytes means no writer yet (a poll on a FIFO that never had
 * one does not say so, and a writer may still be opening it), EAGAIN means one is there. Past the deadline
 * with no writer, a coded error; the descriptor is closed on every way out but the hand-over to readPipe.
 */
async function firstBytes(fd: number, name: string, deadlineMs: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(64 * 1024);
  const until = performance.now() + deadlineMs;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return Buffer.alloc(0);
      closeSync(fd);
      throw unreadable(name, e);
    }
    if (n > 0) return Buffer.from(buf.subarray(0, n));
    if (performance.now() >= until) {
      closeSync(fd);
      throw new UserError(
        'input-deadline',
        `${name} is a pipe nobody wrote to within ${deadlineMs / 1000} s; give a regular file or check the command that feeds it`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Standard input, bounded in size, and in silence: `sleep 1d | prodready check --manifests -` ends with a coded error. */
async function readStdin(limit: number, deadlineMs: number): Promise<Buffer> {
  let timer: NodeJS.Timeout | undefined;
  let silent = false;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      silent = true;
      process.stdin.destroy();
    }, deadlineMs);
  };
  const watched = async function* () {
    arm();
    for await (const chunk of process.stdin) {
      arm();
      yield chunk as Buffer;
    }
  };
  try {
    const buf = await readBounded(Object.assign(watched(), { destroy: () => process.stdin.destroy() }), '<stdin>', limit);
    if (silent) throw stdinSilent(deadlineMs);
    return buf;
  } catch (e) {
    if (silent) throw stdinSilent(deadlineMs);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

function stdinSilent(deadlineMs: number): UserError {
  return new UserError('input-deadline', `<stdin>: nothing more was written to it within ${deadlineMs / 1000} s; give a file, or end the input`);
}

function unreadable(path: string, e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError('file-not-found', `${path}: no such file`);
  return new UserError('file-unreadable', `${path}: cannot be read (${code ?? 'error'})`);
}

/** Read a user-named input; a missing or oversized file is the user's mistake (exit 2), not a finding. */
export async function readInput(path: string, limitOrOptions: number | ReadOptions = {}): Promise<TextFile> {
  const o: ReadOptions = typeof limitOrOptions === 'number' ? { limit: limitOrOptions } : limitOrOptions;
  const limit = o.limit ?? MAX_INPUT_BYTES;
  if (path === '-') return decodeUtf8('<stdin>', await readStdin(limit, o.pipeDeadlineMs ?? PIPE_DEADLINE_MS));
  let st;
  try {
    // Synchronous on purpose: a check reads a few small local files one after another, and each async call is a
    // round trip through the thread pool (in fleet mode, thousands of them, idle while the machine is busy).
    st = statSync(path);
  } catch (e) {
    throw unreadable(path, e);
  }
  if (st.isDirectory()) throw new UserError('file-unreadable', `${path} is a directory, not a file`);
  if (st.isFile()) {
    if (st.size > limit) throw new UserError('file-too-large', `${path} is ${st.size} bytes, over the ${limit}-byte limit; refusing to read it`);
    try {
      return decodeUtf8(path, readFileSync(path));
    } catch (e) {
      throw unreadable(path, e);
    }
  }
  if (st.isFIFO() || st.isSocket()) {
    // A plain open of a FIFO blocks until a writer comes, in a thread nobody can cancel: open it non-blocking,
    // then check with fstat that the descriptor is the pipe that was stat'ed (it may have been swapped).
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      throw unreadable(path, e);
    }
    if (!fstatSync(fd).isFIFO()) {
      closeSync(fd);
      throw new UserError('file-unreadable', `${path} changed while it was opened; give a regular file`);
    }
    const deadlineMs = o.pipeDeadlineMs ?? PIPE_DEADLINE_MS;
    const head = await firstBytes(fd, path, deadlineMs);
    const rest = await readPipe(fd, path, limit - head.length, deadlineMs);
    return decodeUtf8(path, Buffer.concat([head, rest]));
  }
  // A character device (/dev/null, /dev/zero) has no size to check up front: read it bounded.
  try {
    return decodeUtf8(path, await readBounded(createReadStream(path), path, limit));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw unreadable(path, e);
  }
}
