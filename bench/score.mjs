// Score a tool's findings against the corpus's expected.json: which seeded violations it found, and which findings
// of the seeded rules it reported where none was seeded (false alarms).
import { readFileSync } from 'node:fs';

export const SEEDED_RULES = ['dev-auth-disabled', 'pprof-disabled', 'insecure-jwks-disabled', 'placeholder-secret', 'migrate-on-start-disabled', 'value-parses'];

const key = (v) => `${v.deployment} ${v.rule} ${v.variable}`;

/** prodready `check --each --format json`: one RunResult per line, then a summary line. */
/** `jsonLines`: the whole output, or its lines one by one. */
export function prodreadyFindings(jsonLines) {
  const found = [];
  for (const line of typeof jsonLines === 'string' ? jsonLines.split('\n') : jsonLines) {
    if (!line.startsWith('{"schemaVersion"')) continue;
    const r = JSON.parse(line);
    const deployment = /(\d{4})\/values\.yaml$/.exec(r.deployment)?.[1];
    for (const unit of r.results) {
      for (const f of unit.findings) {
        if (f.status === 'fail' || f.status === 'warn') found.push({ deployment, rule: f.ruleId, variable: f.data?.variable, line: f.location?.line });
      }
    }
  }
  return found;
}

/** Spectral `--format json`: one result per finding, the rule name as code, the file as source. */
export function spectralFindings(json) {
  const found = [];
  for (const r of JSON.parse(json)) {
    const deployment = /(\d{4})\/values\.yaml$/.exec(r.source ?? '')?.[1];
    // A finding about an absent key (MIGRATE_ON_START left to the chart's default) points at its parent map.
    const last = String(r.path[r.path.length - 1] ?? '');
    const variable = /^[A-Z][A-Z0-9_]*$/.test(last) ? last : /^[A-Z][A-Z0-9_]*/.exec(r.message ?? '')?.[0];
    found.push({ deployment, rule: r.code, variable, line: r.range?.start?.line !== undefined ? r.range.start.line + 1 : undefined });
  }
  return found;
}

export function score(expectedFile, found) {
  const expected = JSON.parse(readFileSync(expectedFile, 'utf8'));
  const want = new Set(expected.violations.map(key));
  const got = new Set(found.filter((f) => SEEDED_RULES.includes(f.rule)).map(key));
  const missed = [...want].filter((k) => !got.has(k));
  const extra = [...got].filter((k) => !want.has(k));
  // Found with its line: a finding of the violation points at the variable's own line (when it has one).
  const linesOf = new Map();
  for (const f of found) if (SEEDED_RULES.includes(f.rule)) linesOf.set(key(f), [...(linesOf.get(key(f)) ?? []), f.line]);
  const wrongLine = expected.violations
    .filter((v) => v.line !== undefined && got.has(key(v)) && !linesOf.get(key(v)).includes(v.line))
    .map((v) => `${key(v)} (line ${v.line}, reported ${linesOf.get(key(v)).join(', ')})`);
  const withLine = expected.violations.filter((v) => v.line !== undefined).length;
  return { expected: want.size, found: want.size - missed.length, missed, extra, withLine, foundAtLine: withLine - wrongLine.length - expected.violations.filter((v) => v.line !== undefined && !got.has(key(v))).length, wrongLine };
}
