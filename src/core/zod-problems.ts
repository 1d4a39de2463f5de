// zod issues → ProblemDetails a person can act on: the file, the dotted path, what was expected, and a
// did-you-mean for unknown keys.
import type { z } from 'zod';
import type { ProblemDetail } from './errors.js';
import { didYouMean } from './did-you-mean.js';

export function dottedPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out || '(root)';
}

/**
 * `knownKeys(path)` names the keys allowed at a path, for did-you-mean on unrecognized keys.
 * Each unknown key becomes its own problem at its own path.
 */
export function zodProblems(
  file: string,
  issues: z.core.$ZodIssue[],
  knownKeys: (path: ReadonlyArray<PropertyKey>) => string[] = () => [],
): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(issue.path);
      for (const key of issue.keys) {
        const guess = didYouMean(key, known);
        problems.push({
          file,
          path: dottedPath([...issue.path, key]),
          message: `unknown key${guess ? `; did you mean "${guess}"?` : known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`,
        });
      }
      continue;
    }
    problems.push({ file, path: dottedPath(issue.path), message: issue.message.replace(/^Invalid input: /, '') });
  }
  return problems;
}

interface DefLike {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  valueType?: unknown;
  in?: unknown;
}

function defOf(schema: unknown): DefLike | undefined {
  return (schema as { _zod?: { def?: DefLike } })?._zod?.def;
}

/** The keys an object schema allows at `path`, looking through optional, default, array and record wrappers. */
export function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let cur: unknown = schema;
  const unwrap = (): void => {
    for (let def = defOf(cur); def; def = defOf(cur)) {
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') cur = def.innerType;
      else if (def.type === 'pipe') cur = def.in;
      else return;
    }
  };
  unwrap();
  for (const p of path) {
    const def = defOf(cur);
    if (!def) return [];
    if (def.type === 'object' && typeof p === 'string') cur = def.shape?.[p];
    else if (def.type === 'array') cur = def.element;
    else if (def.type === 'record') cur = def.valueType;
    else return [];
    unwrap();
  }
  const def = defOf(cur);
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}
