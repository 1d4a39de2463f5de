import path from 'node:path';
import type { Location } from '../../core/types.js';

/** A file path relative to the working directory when it lies inside it, with `/` separators. */
export function relativeFile(file: string, cwd: string): string {
  if (!path.isAbsolute(file)) return file.split(path.sep).join('/');
  const rel = path.relative(cwd, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return file.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

/** `file:line:col` (or what part of it is known). */
export function filePosition(loc: Location, cwd: string): string | undefined {
  if (!loc.file) return undefined;
  let out = relativeFile(loc.file, cwd);
  if (loc.line !== undefined) {
    out += `:${loc.line}`;
    if (loc.column !== undefined) out += `:${loc.column}`;
  }
  return out;
}

/** One line saying where: `values.yaml:12:5 (api.env.X)`, `Deployment/recsys-api`, a live target. */
export function formatLocation(loc: Location | undefined, cwd: string): string {
  if (!loc) return '';
  const parts: string[] = [];
  const pos = filePosition(loc, cwd);
  if (pos) parts.push(pos);
  const detail = [loc.resource, loc.path].filter((x): x is string => !!x).join(' ');
  if (detail) parts.push(pos ? `(${detail})` : detail);
  if (loc.target) parts.push(parts.length ? `→ ${loc.target}` : loc.target);
  return parts.join(' ');
}
