import { createReadStream, readFileSync, statSync } from 'node:fs';
import { UserError } from '../core/errors.js';

/** Deployment files larger than this are refused before being read: no values file is this big. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export interface TextFile {
  /** Display name: the path as given, or `<stdin>`. */
  name: string;
  text: string;
}

/** Read a stream up to `limit` bytes; past it, stop reading and refuse. */
async function readBounded(stream: AsyncIterable<unknown> & { destroy?: () => void }, name: string, limit: number): Promise<string> {
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
  return Buffer.concat(chunks).toString('utf8');
}

async function readStdin(limit: number): Promise<string> {
  return readBounded(process.stdin, '<stdin>', limit);
}

/** Read a user-named input; a missing or oversized file is the user's mistake (exit 2), not a finding. */
export async function readInput(path: string, limit = MAX_INPUT_BYTES): Promise<TextFile> {
  if (path === '-') return { name: '<stdin>', text: await readStdin(limit) };
  let size: number;
  try {
    // Synchronous on purpose: a check reads a few small local files one after another, and each async call is a
    // round trip through the thread pool (in fleet mode, thousands of them, idle while the machine is busy).
    const st = statSync(path);
    if (st.isDirectory()) throw new UserError('file-unreadable', `${path} is a directory, not a file`);
    // A pipe or device (<(helm template ...), /dev/stdin, /dev/zero) has no size to check up front: read it bounded.
    size = st.isFile() ? st.size : -1;
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('file-not-found', `${path}: no such file`);
    throw new UserError('file-unreadable', `${path}: cannot be read (${code ?? 'error'})`);
  }
  if (size > limit) throw new UserError('file-too-large', `${path} is ${size} bytes, over the ${limit}-byte limit; refusing to read it`);
  try {
    return { name: path, text: size < 0 ? await readBounded(createReadStream(path), path, limit) : readFileSync(path, 'utf8') };
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError('file-unreadable', `${path}: cannot be read (${code ?? 'error'})`);
  }
}
