// How recsys-service reads a value through its config loader: aatuh/envvar's GetRaw (`${NAME}` and
// `${NAME:-default}`, from the start again after each replacement), then Go's os.ExpandEnv. The expected values are
// what those functions return for the same inputs (envvar v2.1.5 getters/getters.go:697-733, Go src/os/env.go).
import { describe, expect, it } from 'vitest';
import { expandAsService, expansionWords, goExpand, type Lookup } from '../../src/model/service-expansion.js';

const env = (vars: Record<string, string>, opaque: Record<string, string> = {}) => (name: string): Lookup =>
  name in vars ? { state: 'set', value: vars[name]! } : name in opaque ? { state: 'opaque', via: opaque[name]! } : { state: 'absent' };

describe("Go's os.Expand", () => {
  const getenv = (vars: Record<string, string>) => (n: string) => vars[n] ?? '';
  it('replaces $NAME and ${NAME}, empty when unset; leaves a $ before anything else, and a trailing $', () => {
    expect(goExpand('a$B-c', getenv({ B: 'x' }))).toBe('ax-c');
    expect(goExpand('a${B}c', getenv({ B: 'x' }))).toBe('axc');
    expect(goExpand('a$Bc', getenv({ B: 'x' }))).toBe('a'); // the name runs over letters, digits and _
    expect(goExpand('cost: 5$', getenv({}))).toBe('cost: 5$');
    expect(goExpand('50$%', getenv({}))).toBe('50$%');
    expect(goExpand('$(VAR)', getenv({ VAR: 'x' }))).toBe('$(VAR)');
  });

  it('eats shell specials ($$, $1, ${*}), ${} and an unclosed ${', () => {
    const seen: string[] = [];
    expect(goExpand('pa$$word', getenv({}), (s) => seen.push(s))).toBe('paword');
    expect(goExpand('x$1y${*}z', getenv({}), (s) => seen.push(s))).toBe('xyz');
    expect(seen).toEqual(['$$', '$1', '$*']);
    expect(goExpand('a${}b', getenv({}))).toBe('ab');
    expect(goExpand('a${b', getenv({}))).toBe('ab');
  });
});

describe('expandAsService', () => {
  it('leaves a value without $ as it is', () => {
    expect(expandAsService('Qm7Rt2Yv9Lp4Xw1Z', env({}))).toEqual({ state: 'unchanged' });
    expect(expandAsService('price in $', env({}))).toEqual({ state: 'unchanged' });
  });

  it('reads ${NAME} from the pod: a set name, even empty, wins over the default; an unset one takes it', () => {
    expect(expandAsService('postgres://u:${PW}@db/x', env({ PW: 'secret' }))).toEqual({ state: 'expanded', value: 'postgres://u:secret@db/x', names: ['PW'], braced: ['PW'] });
    expect(expandAsService('${PW:-dflt}', env({ PW: '' }))).toMatchObject({ state: 'expanded', value: '' });
    expect(expandAsService('${PW:-dflt}', env({}))).toMatchObject({ state: 'unresolved', value: 'dflt', unresolved: ['PW'] });
  });

  it('expands what it substituted again, first by envvar then by os.ExpandEnv', () => {
    expect(expandAsService('${A}', env({ A: '${B}-$C', B: 'b', C: 'c' }))).toMatchObject({ state: 'expanded', value: 'b-c', names: ['A', 'B', 'C'], braced: ['A', 'B'] });
  });

  it('is unresolved when a reference names nothing the files set, or is a shell special', () => {
    expect(expandAsService('Qm7R$k7Rt2', env({}))).toEqual({ state: 'unresolved', value: 'Qm7R', names: ['k7Rt2'], unresolved: ['k7Rt2'] });
    expect(expandAsService('pa$$word', env({}))).toMatchObject({ state: 'unresolved', value: 'paword', unresolved: ['$$'] });
  });

  it('cannot be known when a reference reads a Secret whose data cannot be seen', () => {
    expect(expandAsService('${PW}', env({}, { PW: 'Secret db' }))).toEqual({ state: 'opaque', names: ['PW'], braced: ['PW'], via: ['Secret db'] });
  });

  it('never ends when references lead back to the same text (the service loops at start)', () => {
    expect(expandAsService('${A}', env({ A: '${B}', B: '${A}' }))).toMatchObject({ state: 'endless' });
    expect(expandAsService('${A}', env({ A: '${A}' }))).toMatchObject({ state: 'endless' });
  });

  it('is not judged, never called a failure, when it only grows: a reference in its own value, or nested doubling', () => {
    expect(expandAsService('${A}', env({ A: 'x${A}' }))).toMatchObject({ state: 'too-large' });
    // 2^20 characters in the end: finite, so the service starts; followed here only up to the bound, in bounded work.
    const vars: Record<string, string> = { L20: 'ab' };
    for (let i = 19; i >= 0; i -= 1) vars[`L${i}`] = `\${L${i + 1}}\${L${i + 1}}`;
    expect(expandAsService('${L0}', env(vars))).toMatchObject({ state: 'too-large' });
    // Short nesting is followed to its end.
    expect(expandAsService('${L17}', env(vars))).toMatchObject({ state: 'expanded', value: 'ab'.repeat(8) });
  });

  it('evidence names ${NAME} references but only counts a bare $name, which inside a secret is a piece of it', () => {
    const x = expandAsService('${USER_PW}$tail', env({ USER_PW: 'a', tail: 'b' }));
    expect(expansionWords(x)).toBe('expanded by the service from variable USER_PW, 1 bare $ reference');
    expect(expansionWords(expandAsService('ab$cd3', env({})))).not.toContain('cd3');
  });
});
