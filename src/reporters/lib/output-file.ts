// Writing a report the user asked for with --output. A path that cannot take the file (a directory,
// a full disk, no permission) is the user's to fix: one coded line, exit 2, never a stack trace.
// Classified by errno `code`, never by message text; anything else is a bug and keeps its stack.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../../core/errors.js';

const WHY: Record<string, string> = {
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'its folder does not exist and could not be made',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'the file would be too large',
  EIO: 'the device failed to write',
  ENAMETOOLONG: 'the name is too long',
  ENXIO: 'no reader is on the other end (a FIFO or device)',
  ELOOP: 'too many symbolic links',
  EEXIST: 'a file of that name is where a folder is needed',
};

/** Control characters shown escaped, so a file name cannot split or recolour the one-line error. */
function shown(file: string): string {
  return file.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function refuse(err: unknown, what: string): never {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && WHY[code] !== undefined) {
    throw new UserError('output-unwritable', `cannot write ${what}: ${WHY[code]} (${code})`);
  }
  throw err;
}

/** Makes the folder --output names (fleet mode writes one report per deployment into it). */
export async function makeOutputDir(dir: string, flag = '--output'): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    refuse(err, `${flag} ${shown(dir)}`);
  }
}

/** Writes `text` to `file`, making its folder; a write the path cannot take is a UserError `output-unwritable`. */
export async function writeOutputFile(file: string, text: string, flag = '--output'): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  } catch (err) {
    refuse(err, `${flag} ${shown(file)}`);
  }
}

/**
 * Writes to stdout and resolves once the stream has handed the bytes on (to the file, or into a pipe a slow reader
 * has not emptied yet), so a caller that waits before producing more never piles unread output up in memory. A stream
 * that fails (EPIPE: the reader left) resolves too; the CLI's EPIPE handler ends the run.
 */
export function writeStdout(out: string | Uint8Array): Promise<void> {
  if (out.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    process.stdout.write(out, () => resolve());
  });
}
