import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { firstInvalidUtf8, readInput } from '../../src/sources/read-file.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill();
});

/** A named FIFO in a fresh folder. */
function fifo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'prodready-fifo-'));
  const path = join(dir, 'values.yaml');
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  return path;
}

/** A shell that opens the FIFO for writing, writes `text` after `delay` seconds, holds it `hold` seconds more. */
function writer(path: string, text: string, delay: number, hold: number): ChildProcess {
  const c = spawn('sh', ['-c', 'exec 3>"$0"; sleep "$2"; printf %s "$1" >&3; exec sleep "$3"', path, text, String(delay), String(hold)], { stdio: 'ignore' });
  children.push(c);
  return c;
}

describe('reading a user-named input', () => {
  it('refuses a regular file over the bound from its size, before reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-read-'));
    const file = join(dir, 'big.yaml');
    writeFileSync(file, 'a'.repeat(2048));
    await expect(readInput(file, 1024)).rejects.toMatchObject({ code: 'file-too-large', message: expect.stringContaining('2048 bytes') });
    await expect(readInput(file, 4096)).resolves.toMatchObject({ name: file, text: 'a'.repeat(2048) });
  });

  it('reads a device or pipe with no size bounded, instead of whole (/dev/zero never ends)', async () => {
    await expect(readInput('/dev/zero', 1 << 20)).rejects.toMatchObject({ code: 'file-too-large', message: '/dev/zero is larger than 1048576 bytes; refusing to read it' });
    await expect(readInput('/dev/null', 1024)).resolves.toEqual({ name: '/dev/null', text: '' });
  });

  it('a missing file or a directory is a user error, not a throw of fs', async () => {
    await expect(readInput('/nonexistent-prodready/values.yaml')).rejects.toMatchObject({ code: 'file-not-found' });
    await expect(readInput(tmpdir())).rejects.toMatchObject({ code: 'file-unreadable' });
  });

  it('reads a FIFO whose writer comes and writes, and ends a FIFO nobody writes to with a coded error at the deadline', async () => {
    const path = fifo();
    const read = readInput(path, { pipeDeadlineMs: 5000 });
    writer(path, 'a: 1\n', 0.2, 0);
    await expect(read).resolves.toEqual({ name: path, text: 'a: 1\n' });
    // No writer at all: the read does not wait in a thread forever.
    await expect(readInput(fifo(), { pipeDeadlineMs: 300 })).rejects.toMatchObject({ code: 'input-deadline' });
    // A writer that holds the FIFO open and never writes.
    const held = fifo();
    writer(held, '', 0, 30);
    await expect(readInput(held, { pipeDeadlineMs: 300 })).rejects.toMatchObject({ code: 'input-deadline', message: expect.stringContaining(held) });
  }, 20_000);

  it('notes where the bytes stop being UTF-8: byte offset, line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-read-'));
    const file = join(dir, 'values.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('a: 1\nbé: x'), Buffer.from([0xff, 0x41]), Buffer.from('\n')]));
    const read = await readInput(file);
    expect(read.invalidUtf8).toEqual({ offset: 11, line: 2, column: 6 });
    expect(read.text).toContain('\uFFFD');
    await expect(readInput('/dev/null')).resolves.not.toHaveProperty('invalidUtf8');
  });

  it('finds invalid UTF-8 as RFC 3629 defines it: overlongs, surrogates, cut sequences', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo ✓ 𝄞'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x41, 0xc0, 0x80]))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // a surrogate
    expect(firstInvalidUtf8(Buffer.from([0x41, 0x42, 0xe2, 0x9c]))).toBe(2); // cut at the end
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // past U+10FFFF
  });
});
