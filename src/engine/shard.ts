// Sharding a fleet across CI jobs: `check --each GLOB --shard I/N` keeps the deployments whose path hashes to I.
// A deployment's shard depends on its own path alone (never on its index in the sorted list), so adding or
// removing a deployment moves no other one between shards, and every job computes the same split without talking
// to the others. Pure: no I/O here.
import path from 'node:path';
import { UserError } from '../core/errors.js';

export interface Shard {
  /** 1-based, as Jest's and Playwright's --shard and GitLab's CI_NODE_INDEX count. */
  index: number;
  total: number;
}

/** Enough for any CI's parallelism; a larger N is almost surely a typo. */
export const MAX_SHARDS = 1000;

/** `2/5` → { index: 2, total: 5 }; anything else is a user error naming the expected form. */
export function parseShard(spec: string): Shard {
  const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(spec);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || total > MAX_SHARDS || index < 1 || index > total) {
    throw new UserError(
      'invalid-option',
      `--shard must be I/N with 1 <= I <= N <= ${MAX_SHARDS} (1-based, like GitLab's CI_NODE_INDEX/CI_NODE_TOTAL), got ${JSON.stringify(spec.slice(0, 40))}`,
    );
  }
  return { index, total };
}

/** 32-bit FNV-1a over the UTF-8 bytes: tiny, well known, and the same on every platform and Node version. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The path a deployment is hashed by: relative to the root, `/`-separated, without `./` or a trailing slash, so
 * two CI jobs with their checkouts in different folders (or on Windows) agree.
 */
export function shardKey(match: string, root: string, cwd: string = process.cwd()): string {
  const rel = path.relative(root, path.resolve(cwd, match));
  return rel.split(path.sep).join('/').replace(/\/+$/, '') || '.';
}

/** The 1-based shard a deployment belongs to among `total`. */
export function shardOf(key: string, total: number): number {
  return (fnv1a32(key) % total) + 1;
}

/** The matches that belong to `shard`, in their given order. */
export function selectShard(matches: readonly string[], shard: Shard, root: string, cwd: string = process.cwd()): string[] {
  return matches.filter((m) => shardOf(shardKey(m, root, cwd), shard.total) === shard.index);
}
