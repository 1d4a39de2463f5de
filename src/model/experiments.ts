// EXPERIMENT_CONFIG_JSON judged as the service reads it at start-up, in every environment: Go's encoding/json
// decodes it into a list of definitions (api/internal/config/config.go:481-491), then config.go:493-528 checks
// each one; any problem stops the service. Shared by experiment-config-valid and service-starts.

export interface ExperimentProblem {
  /** JSON path of the offending part: `$[1].variants[0]`. */
  path: string;
  problem: string;
}

/**
 * RFC 3339 as Go's time.Parse(time.RFC3339, …) reads it: the `T` and `Z` are literal upper case (a lowercase t or z
 * fails), seconds are required, a fraction is allowed.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

export function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  const days = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > days || h! > 23 || mi! > 59 || se! > 59) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return true;
}

/** The struct's JSON fields and the JSON kinds Go can decode into them (config.go:121-129). */
const FIELDS: Record<string, 'string' | 'bool' | 'strings' | 'number'> = {
  id: 'string',
  enabled: 'bool',
  variants: 'strings',
  traffic_percent: 'number',
  surface: 'string',
  starts_at: 'string',
  ends_at: 'string',
};

/** Go matches object keys to fields exactly first, then case-insensitively; the last key that matches wins. */
function field(o: Record<string, unknown>, name: string): unknown {
  let out: unknown;
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === name) out = v;
  return name in o ? o[name] : out;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** Every problem of an experiment config, not only the first one the service stops at. */
export function validateExperimentConfig(raw: string): ExperimentProblem[] {
  const text = raw.trim();
  if (text === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [{ path: '$', problem: 'invalid JSON' }];
  }
  // null decodes into an empty list: no experiments.
  if (data === null) return [];
  if (!Array.isArray(data)) {
    return [{ path: '$', problem: `${kindOf(data)}, not a list of experiments: Go cannot decode it into []ExperimentDefinition` }];
  }
  const problems: ExperimentProblem[] = [];
  // Decoding errors first: Go reports the first type mismatch and the service panics before any rule runs.
  data.forEach((exp, i) => {
    const at = `$[${i}]`;
    if (exp === null) return; // decodes into an empty definition, caught below as a missing id
    if (typeof exp !== 'object' || Array.isArray(exp)) {
      problems.push({ path: at, problem: `${kindOf(exp)}, not an experiment object` });
      return;
    }
    const o = exp as Record<string, unknown>;
    for (const [name, kind] of Object.entries(FIELDS)) {
      const v = field(o, name);
      if (v === undefined || v === null) continue;
      const ok =
        kind === 'strings'
          ? Array.isArray(v) && v.every((x) => typeof x === 'string' || x === null)
          : typeof v === (kind === 'number' ? 'number' : kind === 'bool' ? 'boolean' : 'string');
      if (!ok) {
        const want = kind === 'strings' ? 'a list of strings' : kind === 'bool' ? 'true or false' : `a ${kind}`;
        problems.push({ path: `${at}.${name}`, problem: `${name} is ${Array.isArray(v) && kind === 'strings' ? 'a list with non-string entries' : kindOf(v)}, not ${want}: Go cannot decode it` });
      }
    }
  });
  if (problems.length > 0) return problems;
  const ids = new Map<string, number>();
  data.forEach((exp, i) => {
    const at = `$[${i}]`;
    const o = (exp ?? {}) as Record<string, unknown>;
    const idRaw = field(o, 'id');
    const id = typeof idRaw === 'string' ? idRaw.trim() : '';
    if (id === '') problems.push({ path: `${at}.id`, problem: 'empty or missing id' });
    else if (ids.has(id)) problems.push({ path: `${at}.id`, problem: `duplicate id "${id}" (also $[${ids.get(id)}])` });
    else ids.set(id, i);
    const t = field(o, 'traffic_percent');
    if (typeof t === 'number' && (t < 0 || t > 100)) {
      problems.push({ path: `${at}.traffic_percent`, problem: `traffic_percent ${t} is outside 0..100` });
    }
    const variants = field(o, 'variants');
    const names = new Set<string>();
    (Array.isArray(variants) ? variants : []).forEach((v, j) => {
      const name = typeof v === 'string' ? v.trim() : '';
      if (name === '') problems.push({ path: `${at}.variants[${j}]`, problem: 'empty variant' });
      else if (names.has(name)) problems.push({ path: `${at}.variants[${j}]`, problem: `duplicate variant "${name}"` });
      names.add(name);
    });
    for (const key of ['starts_at', 'ends_at']) {
      const v = field(o, key);
      if (typeof v !== 'string' || v.trim() === '') continue;
      if (!isRfc3339(v.trim())) problems.push({ path: `${at}.${key}`, problem: `${key} ${JSON.stringify(v)} is not RFC 3339 as Go reads it (time.RFC3339: upper-case T and Z, seconds required)` });
    }
  });
  return problems;
}
