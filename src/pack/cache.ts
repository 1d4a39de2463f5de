// The built-in rule pack, parsed and validated at build time (scripts/build-pack.mjs writes dist/pack.json), so a
// run does not parse and validate every pack file with the YAML parser and zod before checking anything.
// An entry is used only when the file's text is still the text it was built from: an edited pack file is parsed as
// usual. The text itself is compared, not a hash of it: exact, and a start need not load node:crypto for it.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PACK_DIR } from './files.js';
import type { ProbeMetaData } from './deferred-probe.js';

export interface PackCache {
  /** File name in rules/recsys → its text and the value its schema produced (defaults applied). */
  files: Record<string, PackCacheEntry>;
  /** Each probe template's meta without its params schema, so a static check need not load the probes. */
  probes?: Record<string, ProbeMetaData>;
}

export interface PackCacheEntry {
  text: string;
  value: unknown;
  /**
   * A rule's params as its template's schema parsed them (defaults applied), when that result is plain JSON: the
   * templates are part of the same build, so a run need not parse them again.
   */
  params?: unknown;
}

export const PACK_CACHE_FILE = fileURLToPath(new URL('../pack.json', import.meta.url));

let cache: PackCache | null | undefined;

function load(): PackCache | null {
  if (cache === undefined) {
    try {
      const parsed = JSON.parse(readFileSync(PACK_CACHE_FILE, 'utf8')) as PackCache;
      cache = parsed && typeof parsed.files === 'object' ? parsed : null;
    } catch {
      cache = null; // Not built (running from source) or unreadable: parse the pack files instead.
    }
  }
  return cache;
}

/** The cache's entry for a built-in pack file, when it has one for exactly this text. */
export function cachedPackEntry(file: string, text: string): PackCacheEntry | undefined {
  if (join(dirname(file), '/') !== BUILTIN_PACK_DIR) return undefined;
  const entry = load()?.files[basename(file)];
  if (!entry || entry.text !== text) return undefined;
  return entry;
}

/** The validated value of a built-in pack file, when the cache has it for exactly this text. */
export function cachedPackValue(file: string, text: string): unknown | undefined {
  return cachedPackEntry(file, text)?.value;
}

/** What a probe template of this build says about itself (params schema aside), when the cache has it. */
export function cachedProbeMeta(id: string): ProbeMetaData | undefined {
  const probes = load()?.probes;
  return probes && Object.hasOwn(probes, id) ? probes[id] : undefined;
}
