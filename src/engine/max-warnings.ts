// `--max-warnings N`, as in ESLint: more than N warning findings make the run fail even when --fail-on is error.
// The limit is part of the verdict (not only the exit code), so every report says why the gate is shut.
import type { RunResult } from '../core/types.js';

/** Warning findings of the run (each one, not each rule), what --max-warnings counts. */
export function countWarnings(result: RunResult): number {
  return result.results.reduce((n, u) => n + u.findings.filter((f) => f.status === 'warn').length, 0);
}

export function applyMaxWarnings(result: RunResult, max: number | undefined): RunResult {
  if (max === undefined) return result;
  const count = countWarnings(result);
  if (count <= max) return result;
  return { ...result, summary: { ...result.summary, verdict: 'not-ready', tooManyWarnings: { max, count } } };
}
