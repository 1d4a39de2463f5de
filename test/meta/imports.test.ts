// The house has one direction (DESIGN.md, "Rooms and what each may import"): this walks every import in src/ and
// fails on one that runs backwards, e.g. a check importing the engine or a room below the engine importing a command.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Room → the rooms it may import besides itself. `version` (src/version.ts) is a leaf every room may read. */
const ALLOWED: Record<string, string[]> = {
  core: [],
  io: ['core'],
  pack: ['core'],
  sources: ['core', 'io'],
  model: ['core', 'io', 'sources'],
  checks: ['core', 'io', 'model', 'sources'],
  probes: ['core', 'io', 'model', 'load'],
  load: ['core', 'io', 'model'],
  reporters: ['core', 'version'],
  engine: ['core', 'io', 'pack', 'sources', 'model', 'checks', 'probes', 'load', 'reporters', 'version'],
  demo: ['core', 'io', 'pack', 'sources', 'model', 'checks', 'probes', 'load', 'reporters', 'engine', 'version'],
  commands: ['core', 'io', 'pack', 'sources', 'model', 'checks', 'probes', 'load', 'reporters', 'engine', 'version'],
  cli: ['core', 'io', 'pack', 'sources', 'model', 'checks', 'probes', 'load', 'reporters', 'engine', 'commands', 'version'],
  version: [],
};

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `checks/lib/x.ts` → checks, `cli.ts` → cli. */
function roomOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? rel[0]!.replace(/\.ts$/, '') : rel[0]!;
}

/** Every relative module specifier: static imports and re-exports, `import type`, dynamic `import()`. */
export function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm)) out.push(m[2]!);
  return out;
}

const files = walk(SRC);
const edges = files.flatMap((file) =>
  specifiers(readFileSync(file, 'utf8')).map((spec) => ({ file, target: resolve(dirname(file), spec).replace(/\.js$/, '.ts') })),
);

describe('import directions', () => {
  it('finds the imports it walks (a sanity check on the walker)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.some((e) => relative(SRC, e.file) === 'cli.ts' && roomOf(e.target) === 'commands')).toBe(true);
    expect(specifiers(`import type { A } from '../engine/x.js';\nexport { b } from './b.js';\nconst m = await import('../y.js');`)).toEqual(['../engine/x.js', './b.js', '../y.js']);
  });

  it('every rule in the table names only rooms that exist', () => {
    const rooms = new Set(files.map(roomOf));
    for (const room of rooms) expect(Object.keys(ALLOWED), `src/${room} has no row in the table`).toContain(room);
  });

  it('no room imports one above it', () => {
    const backwards = edges
      .filter((e) => e.target.startsWith(`${SRC}/`))
      .filter((e) => {
        const from = roomOf(e.file);
        const to = roomOf(e.target);
        return from !== to && !(ALLOWED[from] ?? []).includes(to);
      })
      .map((e) => `src/${relative(SRC, e.file)} → src/${relative(SRC, e.target)}`);
    expect(backwards).toEqual([]);
  });

  it('only cli.ts imports commands', () => {
    const importers = edges.filter((e) => roomOf(e.target) === 'commands' && roomOf(e.file) !== 'commands').map((e) => relative(SRC, e.file));
    expect([...new Set(importers)]).toEqual(['cli.ts']);
  });

  it('nothing outside src/pack names the rule pack folder', () => {
    const naming = files.filter((f) => roomOf(f) !== 'pack' && readFileSync(f, 'utf8').includes('rules/recsys')).map((f) => relative(SRC, f));
    expect(naming).toEqual([]);
  });
});
