import { copyFile, mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { importLoadResult } from '../../../src/load/import/detect.js';
import type { ImportProblem } from '../../../src/load/import/common.js';
import type { LoadResult } from '../../../src/core/load.js';

export const FIXTURES = 'fixtures/load-results';
export const NOW = new Date('2026-11-25T10:00:00Z');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export async function imported(file: string, now = NOW): Promise<LoadResult> {
  const r = await importLoadResult(file, { now });
  if (!r.ok) throw new Error(`expected ${file} to import, got ${r.problem.code} at line ${r.problem.line}: ${r.problem.message}`);
  return r.result;
}

export async function rejected(file: string): Promise<ImportProblem> {
  const r = await importLoadResult(file, { now: NOW });
  expect(r.ok, `${file} should not import`).toBe(false);
  if (r.ok) throw new Error('unreachable');
  return r.problem;
}

/** Copies fixtures into a fresh folder and dates them, for start times that come from the mtime. */
const copies: string[] = [];

export async function copiedWithMtime(names: string[], mtime: Date): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'prodready-import-'));
  copies.push(dir);
  for (const name of names) {
    const to = path.join(dir, name);
    await copyFile(fixture(name), to);
    await utimes(to, mtime, mtime);
  }
  return dir;
}

/** Call from afterAll in files that make copies. */
export async function removeCopies(): Promise<void> {
  await Promise.all(copies.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}
