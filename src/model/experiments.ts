// EXPERIMENT_CONFIG_JSON judged by the rules the service applies at start-up (in every environment): any one
// violation stops the service. Shared by experiment-config-valid and service-starts.

export interface ExperimentProblem {
  /** JSON path of the offending part: `$[1].variants[0]`. */
  path: string;
  problem: string;
}

/** RFC 3339 date-time as Go's time.RFC3339 parses it: full date, time, seconds, optional fraction, Z or offset. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

export function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  const days = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > days || h! > 23 || mi! > 59 || se! > 59) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return true;
}

function variantName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const n = o.name ?? o.id ?? o.variant;
    return typeof n === 'string' ? n : undefined;
  }
  return undefined;
}

/**
 * Every problem of an experiment config, not only the first. Accepts a list of experiments or an object with an
 * `experiments` list; each experiment has `id`, `traffic_percent` (0..100), `variants` (names or {name}), and
 * optional `starts_at` / `ends_at` in RFC 3339.
 */
export function validateExperimentConfig(raw: string): ExperimentProblem[] {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return [{ path: '$', problem: 'invalid JSON' }];
  }
  let list: unknown;
  let base = '$';
  if (Array.isArray(data)) list = data;
  else if (data && typeof data === 'object' && Array.isArray((data as Record<string, unknown>).experiments)) {
    list = (data as Record<string, unknown>).experiments;
    base = '$.experiments';
  } else {
    return [{ path: '$', problem: 'not a list of experiments (nor an object with an "experiments" list)' }];
  }
  const problems: ExperimentProblem[] = [];
  const ids = new Map<string, number>();
  (list as unknown[]).forEach((exp, i) => {
    const at = `${base}[${i}]`;
    if (!exp || typeof exp !== 'object' || Array.isArray(exp)) {
      problems.push({ path: at, problem: 'an experiment must be an object' });
      return;
    }
    const o = exp as Record<string, unknown>;
    const id = typeof o.id === 'string' ? o.id.trim() : '';
    if (id === '') problems.push({ path: `${at}.id`, problem: 'empty or missing id' });
    else if (ids.has(id)) problems.push({ path: `${at}.id`, problem: `duplicate id "${id}" (also ${base}[${ids.get(id)}])` });
    else ids.set(id, i);
    if (o.traffic_percent !== undefined) {
      const t = o.traffic_percent;
      if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t > 100) {
        problems.push({ path: `${at}.traffic_percent`, problem: `traffic_percent ${JSON.stringify(t)} is outside 0..100` });
      }
    }
    const variants = Array.isArray(o.variants) ? o.variants : [];
    if (o.variants !== undefined && !Array.isArray(o.variants)) problems.push({ path: `${at}.variants`, problem: 'variants must be a list' });
    const names = new Set<string>();
    variants.forEach((v, j) => {
      const name = variantName(v)?.trim() ?? '';
      if (name === '') problems.push({ path: `${at}.variants[${j}]`, problem: 'empty variant' });
      else if (names.has(name)) problems.push({ path: `${at}.variants[${j}]`, problem: `duplicate variant "${name}"` });
      names.add(name);
    });
    for (const key of ['starts_at', 'ends_at']) {
      const v = o[key];
      if (v === undefined || v === null || v === '') continue;
      if (typeof v !== 'string' || !isRfc3339(v)) problems.push({ path: `${at}.${key}`, problem: `${key} ${JSON.stringify(v)} is not RFC 3339` });
    }
  });
  return problems;
}
