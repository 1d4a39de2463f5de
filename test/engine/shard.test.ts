import { describe, expect, it } from 'vitest';
import { fnv1a32, parseShard, selectShard, shardKey, shardOf } from '../../src/engine/shard.js';
import { UserError } from '../../src/core/errors.js';

describe('shard', () => {
  it('reads I/N, 1-based, and refuses anything else with a coded error', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, total: 3 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, total: 1 });
    for (const bad of ['0/3', '4/3', '1/0', '3', 'a/b', '1/3/2', '-1/3', '1/1001', '']) {
      expect(() => parseShard(bad), bad).toThrow(UserError);
      expect(() => parseShard(bad), bad).toThrow(/--shard must be I\/N/);
    }
  });

  it('FNV-1a gives the published test vectors', () => {
    // From the FNV reference (draft-eastlake-fnv): "" and "a" and "foobar", 32-bit FNV-1a.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes a path relative to the root, the same from any checkout folder or separator', () => {
    expect(shardKey('releases/a/', '/ci/one', '/ci/one')).toBe('releases/a');
    expect(shardKey('/ci/two/releases/a', '/ci/two', '/elsewhere')).toBe('releases/a');
    expect(shardKey('./releases/a', '/ci/one', '/ci/one')).toBe('releases/a');
  });

  it('puts every deployment in exactly one shard, and a new one moves no other', () => {
    const names = Array.from({ length: 300 }, (_, i) => `releases/r${i}`);
    const parts = [1, 2, 3].map((index) => selectShard(names, { index, total: 3 }, '/x', '/x'));
    expect(parts.flat().sort()).toEqual([...names].sort());
    // Roughly even: each shard within a third of its fair share.
    for (const p of parts) expect(p.length).toBeGreaterThan(66);
    const before = new Map(names.map((n) => [n, shardOf(n, 3)]));
    const more = [...names, 'releases/aaa-new', 'releases/zzz-new'];
    for (const n of names) expect(shardOf(shardKey(n, '/x', '/x'), 3)).toBe(before.get(n));
    expect(more.length).toBe(302);
  });
});
