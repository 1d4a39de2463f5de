import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInput } from '../../src/io/read-file.js';

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
});
