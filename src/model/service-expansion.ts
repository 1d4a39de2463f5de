// What recsys-service does to a value before it uses it. Every variable it reads through the toolkit's config loader
// (config.go Load: config.NewLoader, then config.LoadFromEnv, jwtint.LoadConfig and the loader's String, Require,
// Bool, Int, Duration and CSV) comes from api-toolkit's envvar adapter, whose Get is aatuh/envvar's GetRaw: it
// expands `${NAME}` and `${NAME:-default}` from the process environment, again and again from the start of the
// string until none is left, and then runs Go's os.ExpandEnv over the result (`$NAME`, `${NAME}`, `$$`, `$1`...,
// an unset name becoming empty). There is no escape: a `$` followed by a name, a digit, one of `*#$@!?-` or `{`
// is replaced. Upstream: aatuh/recsys api/internal/config/config.go:229-240, api/go.mod (envvar v2.1.5);
// aatuh/envvar v2.1.5 getters/getters.go:23-25 (Get), :623-632 (GetRaw), :697-736 (expand, expandWithLookup);
// api-toolkit contrib/v2/adapters/envvar (Get is envvar.Get); Go src/os/env.go (Expand, getShellName).
// Not expanded: the path in DATABASE_URL_FILE and TRUSTED_PROXIES, read with os.Getenv (config.go:546,
// cmd/recsys-service/router.go:21; `notExpanded` in the variable catalogue), and everything the migrate tool
// reads (cmd/migrate uses os.Getenv).
import type { DeploymentModel } from '../core/model.js';

/** What the pod's environment holds under a name, as far as the deployment's files tell. */
export type Lookup =
  | { state: 'set'; value: string }
  /** Set, from a Secret (or ConfigMap) whose data cannot be seen. */
  | { state: 'opaque'; via: string }
  /** Set nowhere in the files given (the image or Kubernetes may still set it). */
  | { state: 'absent' };

export type Expansion =
  /** No `$` the service would replace: the value is used as written. */
  | { state: 'unchanged' }
  /**
   * Every reference names a variable the files set: the value the service uses, the names it read, and of those
   * the ones written `${NAME}` (a bare `$name` inside a secret is a piece of it: evidence does not name those).
   */
  | { state: 'expanded'; value: string; names: string[]; braced: string[] }
  /** A reference reads a Secret whose data cannot be seen: the value cannot be known. */
  | { state: 'opaque'; names: string[]; braced: string[]; via: string[] }
  /**
   * References that name nothing the files set, or shell specials (`$$`, `$1`): the service puts the container's
   * own variable of that name there, or nothing. `value` is what it uses when the container has none.
   */
  | { state: 'unresolved'; value: string; names: string[]; unresolved: string[] }
  /** `${NAME}` whose value leads back to itself: envvar's loop never ends, and the service never starts. */
  | { state: 'endless'; names: string[] }
  /** Growing past what is followed here (a reference inside its own value, or nested doubling): not judged. */
  | { state: 'too-large'; names: string[] };

/**
 * How far the expansion is followed: past this many characters copied in all, or a value this long, it is not
 * judged (`too-large`). A loop is told by a state that comes back, never by a bound, so no bound can make a finite
 * expansion a start-up failure. The bounds keep a hostile file from costing more than milliseconds a value.
 */
const MAX_WORK = 4 * 1024 * 1024;
const MAX_LENGTH = 64 * 1024;

class Opaque extends Error {}

/** How the service reads `raw` through its config loader, given what the pod's environment holds. */
export function expandAsService(raw: string, lookup: (name: string) => Lookup): Expansion {
  if (!raw.includes('$')) return { state: 'unchanged' };
  const names: string[] = [];
  const braced: string[] = [];
  const unresolved: string[] = [];
  const via: string[] = [];
  let opaque = false;
  const look = (name: string): string | undefined => {
    const l = lookup(name);
    if (!names.includes(name)) names.push(name);
    if (l.state === 'set') return l.value;
    if (l.state === 'opaque') {
      opaque = true;
      if (!via.includes(l.via)) via.push(l.via);
      throw new Opaque();
    }
    if (!unresolved.includes(name)) unresolved.push(name);
    return undefined;
  };
  let s = raw;
  try {
    // envvar expandWithLookup: `${NAME}` and `${NAME:-default}`, always from the first `${` left.
    const seen = new Set<string>();
    let work = 0;
    for (;;) {
      const i = s.indexOf('${');
      if (i < 0) break;
      const close = s.indexOf('}', i);
      if (close < 0) break;
      // The same text again: the loop is back where it was, and will be forever.
      if (seen.has(s)) return { state: 'endless', names };
      seen.add(s);
      work += s.length;
      if (work > MAX_WORK || s.length > MAX_LENGTH) return { state: 'too-large', names };
      const inner = s.slice(i + 2, close);
      const cut = inner.indexOf(':-');
      const name = cut < 0 ? inner : inner.slice(0, cut);
      if (name === '') {
        s = s.slice(0, i) + s.slice(close + 1);
        continue;
      }
      if (!braced.includes(name)) braced.push(name);
      const v = look(name);
      // os.LookupEnv: a set name, even empty, wins over the default.
      const put = v !== undefined ? v : cut >= 0 ? inner.slice(cut + 2) : '';
      s = s.slice(0, i) + put + s.slice(close + 1);
    }
    // Go's os.ExpandEnv over the result.
    s = goExpand(s, (name) => look(name) ?? '', (special) => {
      if (!unresolved.includes(special)) unresolved.push(special);
    });
  } catch (e) {
    if (!(e instanceof Opaque)) throw e;
  }
  if (opaque) return { state: 'opaque', names, braced, via };
  if (s === raw && names.length === 0 && unresolved.length === 0) return { state: 'unchanged' };
  if (unresolved.length > 0) return { state: 'unresolved', value: s, names, unresolved };
  return { state: 'expanded', value: s, names, braced };
}

const SPECIAL = new Set(['*', '#', '$', '@', '!', '?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
const isAlphaNum = (c: string): boolean => /^[A-Za-z0-9_]$/.test(c);

/**
 * Go's os.Expand (src/os/env.go): `$name` and `${name}` through `mapping`; a shell special (`$$`, `$1`, `${*}`)
 * through `mapping` too, which for os.Getenv is empty; `${}` and an unclosed `${` are dropped; a `$` before
 * anything else, or at the end, stays. `special` is told each shell special met (the process has no such variable).
 */
export function goExpand(s: string, mapping: (name: string) => string, special: (name: string) => void = () => {}): string {
  let out = '';
  let i = 0;
  let changed = false;
  for (let j = 0; j < s.length; j += 1) {
    if (s[j] !== '$' || j + 1 >= s.length) continue;
    changed = true;
    out += s.slice(i, j);
    const [name, w] = shellName(s.slice(j + 1));
    if (name === '' && w > 0) {
      // Invalid syntax: eaten.
    } else if (name === '') {
      out += '$';
    } else if (SPECIAL.has(name)) {
      // os.Getenv of a shell special: no process has one, so it is empty.
      special(`$${name}`);
    } else {
      out += mapping(name);
    }
    j += w;
    i = j + 1;
  }
  return changed ? out + s.slice(i) : s;
}

/** Go's getShellName: the name after a `$` and how many characters it takes. */
function shellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && SPECIAL.has(s[1]!) && s[2] === '}') return [s[1]!, 3];
    for (let i = 1; i < s.length; i += 1) {
      if (s[i] === '}') return i === 1 ? ['', 2] : [s.slice(1, i), i + 1];
    }
    return ['', 1];
  }
  if (SPECIAL.has(s[0]!)) return [s[0]!, 1];
  let i = 0;
  while (i < s.length && isAlphaNum(s[i]!)) i += 1;
  return [s.slice(0, i), i];
}

/** What the api container's environment holds under `name`, from the deployment's files. */
export function podLookup(model: DeploymentModel, name: string): Lookup {
  const def = model.env.get(name)?.effective;
  if (def) return def.value === undefined ? { state: 'opaque', via: `Secret ${def.via ?? '?'}` } : { state: 'set', value: def.value };
  // envFrom a Secret or ConfigMap not given: any name may be in it.
  const opaque = model.opaqueSources;
  if (opaque.length > 0) return { state: 'opaque', via: opaque.map((o) => `${o.kind} ${o.name}`).join(', ') };
  return { state: 'absent' };
}

/**
 * How the service reads variable `name`, written as `raw`: through its config loader, expanded, unless the
 * catalogue says it reads it with os.Getenv (`notExpanded`); a name the service does not read is left as written.
 */
export function serviceReading(model: DeploymentModel, name: string, raw: string): Expansion {
  const spec = model.catalogue.get(name);
  if (!spec || spec.notExpanded || !raw.includes('$')) return { state: 'unchanged' };
  // Rules ask about the same variable many times: each value is followed once per model.
  let memo = readings.get(model);
  if (!memo) readings.set(model, (memo = new Map()));
  const key = `${name}\u0000${raw}`;
  let x = memo.get(key);
  if (!x) memo.set(key, (x = expandAsService(raw, (n) => podLookup(model, n))));
  return x;
}

const readings = new WeakMap<DeploymentModel, Map<string, Expansion>>();

/**
 * Words for evidence: which variables an expansion read, never what they hold, and by name only those written
 * `${NAME}`; a bare `$name` in a secret is part of the secret's text, so it is only counted.
 */
export function expansionWords(x: Expansion): string {
  const refs = (names: string[], braced: string[]) => {
    const bare = names.filter((n) => !braced.includes(n)).length;
    // Named bare: a secret that is only `${NAME}` is masked wherever its text appears, so `${NAME}` would not show.
    return [...braced.map((n) => `variable ${n}`), ...(bare > 0 ? [`${bare} bare $ reference${bare === 1 ? '' : 's'}`] : [])].join(', ');
  };
  switch (x.state) {
    case 'unchanged':
      return 'used as written';
    case 'expanded':
      return `expanded by the service from ${refs(x.names, x.braced)}`;
    case 'opaque':
      return `expanded by the service from ${refs(x.names, x.braced)}, read from ${x.via.join(', ')} whose data cannot be seen`;
    case 'unresolved':
      return `${x.unresolved.length} \$ reference${x.unresolved.length === 1 ? '' : 's'} the service expands name${x.unresolved.length === 1 ? 's' : ''} no variable set in the files given`;
    case 'endless':
      return `its \${...} references lead back to themselves`;
    case 'too-large':
      return 'its expansion grows past what prodready follows';
  }
}
