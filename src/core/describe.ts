import type { Location } from './types.js';

/** A location in a few words: `values.yaml:12`, `Secret/recsys-api DATABASE_URL`, `api.env.ENV`. */
export function describeLocation(loc: Location): string {
  if (loc.file) return `${loc.file}${loc.line ? `:${loc.line}` : ''}`;
  if (loc.resource) return `${loc.resource}${loc.path ? ` ${loc.path}` : ''}`;
  if (loc.target) return loc.target;
  return loc.path ?? 'unknown place';
}
