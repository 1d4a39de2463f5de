// Load and instantiate rule packs: every rule file validated, every check and params resolved, before anything runs.
// All problems are gathered and thrown together as one UserError, so a user fixes a pack in one pass.
import { readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseDocument } from 'yaml';
import type { CheckDefinition, ProbeDefinition } from '../core/define.js';
import { UserError, type ProblemDetail } from '../core/errors.js';
import { cachedPackEntry, cachedProbeMeta } from './cache.js';
import { deferProbe } from './deferred-probe.js';
import { ruleSchema, type RuleDef } from './rule-schema.js';
import { didYouMean } from '../core/did-you-mean.js';

const RULE_KEYS = ['id', 'section', 'sectionFrom', 'severity', 'title', 'description', 'check', 'probe', 'params', 'when', 'remediation', 'docs', 'checklist', 'tags'];
import type { Severity } from '../core/types.js';
import { PACK_DATA_FILES } from './files.js';

/** The check and probe templates rules may name, by id (src/checks/index.ts, src/probes/index.ts). */
export interface Templates {
  checks: Record<string, () => Promise<{ default: CheckDefinition }>>;
  probes: Record<string, () => Promise<{ default: ProbeDefinition }>>;
}

export interface LoadedRule {
  rule: RuleDef;
  file: string;
  check?: CheckDefinition;
  probe?: ProbeDefinition;
  /** Params after the template's schema parsed them (defaults applied). */
  params: unknown;
  severity: Severity;
}

export async function loadRuleDirs(dirs: string[], templates: Templates, severities: Record<string, Severity | 'off'> = {}): Promise<LoadedRule[]> {
  const problems: ProblemDetail[] = [];
  const loaded: LoadedRule[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(code === 'ENOENT' ? 'file-not-found' : 'file-unreadable', `rule directory ${dir}: ${code === 'ENOENT' ? 'no such directory' : 'cannot be read'}`);
    }
    for (const name of names) {
      if (PACK_DATA_FILES.has(name)) continue;
      const file = join(dir, name);
      const parsedFile = await parseRuleFile(file, problems);
      if (!parsedFile) continue;
      const { rule, params } = parsedFile;
      const stem = basename(name).replace(/\.ya?ml$/, '');
      if (rule.id !== stem) problems.push({ file, path: 'id', message: `id "${rule.id}" must equal the file name "${stem}"` });
      const prev = seen.get(rule.id);
      if (prev) {
        problems.push({ file, path: 'id', message: `duplicate rule id "${rule.id}" (also in ${prev})` });
        continue;
      }
      seen.set(rule.id, file);
      const inst = await instantiate(rule, file, problems, templates, params);
      if (!inst) continue;
      const sev = severities[rule.id];
      if (sev === 'off') continue;
      loaded.push({ ...inst, severity: sev ?? rule.severity });
    }
  }
  if (problems.length > 0) {
    throw new UserError('invalid-rule-definition', `${problems.length} problem${problems.length === 1 ? '' : 's'} in rule files`, problems);
  }
  return loaded;
}

/** A rule is a screenful of YAML; a file far past this is not one. */
const MAX_RULE_FILE_BYTES = 1024 * 1024;

/** A rule file's rule, and its params already parsed by its template's schema when the pack cache holds them. */
interface ParsedRuleFile {
  rule: RuleDef;
  params?: { value: unknown };
}

async function parseRuleFile(file: string, problems: ProblemDetail[]): Promise<ParsedRuleFile | undefined> {
  let text: string;
  try {
    // A FIFO or device named *.yaml in a rule directory would block the read or never end: a rule is a file.
    // Read synchronously: some sixty small files, each a handful of round trips through the thread pool when
    // read asynchronously one after the other, which a start paid for in waiting.
    const st = statSync(file);
    if (!st.isFile()) {
      problems.push({ file, message: 'is not a regular file' });
      return undefined;
    }
    if (st.size > MAX_RULE_FILE_BYTES) {
      problems.push({ file, message: `is ${st.size} bytes, over the ${MAX_RULE_FILE_BYTES}-byte limit for a rule file` });
      return undefined;
    }
    text = readFileSync(file, 'utf8');
  } catch {
    problems.push({ file, message: 'cannot be read' });
    return undefined;
  }
  const cached = cachedPackEntry(file, text);
  if (cached !== undefined) return { rule: cached.value as RuleDef, ...('params' in cached ? { params: { value: cached.params } } : {}) };
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    problems.push({ file, message: `YAML syntax: ${doc.errors[0]!.message.split('\n')[0]}` });
    return undefined;
  }
  const parsed = ruleSchema().safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys =
        issue.code === 'unrecognized_keys'
          ? issue.keys
              .map((k) => {
                const guess = didYouMean(k, RULE_KEYS);
                return guess ? `; did you mean "${guess}"?` : '';
              })
              .join('')
          : '';
      problems.push({ file, path: issue.path.join('.') || '(root)', message: `${issue.message}${keys}` });
    }
    return undefined;
  }
  return { rule: parsed.data };
}

/**
 * A rule's params parsed by its template's schema: `cached` when the build already did it (dist/pack.json). The
 * schema is read only when needed: a template builds it on first use (defineCheck).
 */
function parseParams(unit: { meta: { params: { safeParse(v: unknown): { success: true; data: unknown } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } } } }, rule: RuleDef, cached: { value: unknown } | undefined) {
  return cached !== undefined ? { success: true as const, data: cached.value } : unit.meta.params.safeParse(rule.params);
}

async function instantiate(
  rule: RuleDef,
  file: string,
  problems: ProblemDetail[],
  { checks: CHECKS, probes: PROBES }: Templates,
  cachedParams?: { value: unknown },
): Promise<Omit<LoadedRule, 'severity'> | undefined> {
  if (rule.check !== undefined) {
    const load = CHECKS[rule.check];
    if (!load) {
      problems.push({ file, path: 'check', message: `unknown check "${rule.check}" (known: ${Object.keys(CHECKS).join(', ')})` });
      return undefined;
    }
    const check = (await load()).default;
    if (cachedParams === undefined) await check.prepare?.(rule.params);
    const params = parseParams(check, rule, cachedParams);
    if (!params.success) {
      for (const issue of params.error.issues) problems.push({ file, path: ['params', ...issue.path.map(String)].join('.'), message: issue.message });
      return undefined;
    }
    return { rule, file, check, params: params.data };
  }
  const load = PROBES[rule.probe!];
  if (!load) {
    problems.push({ file, path: 'probe', message: `unknown probe "${rule.probe}" (known: ${Object.keys(PROBES).join(', ')})` });
    return undefined;
  }
  // Params the build already parsed need no schema: the probe's implementation waits until it runs.
  const meta = cachedParams !== undefined ? cachedProbeMeta(rule.probe!) : undefined;
  if (meta !== undefined) return { rule, file, probe: deferProbe(meta, load), params: cachedParams!.value };
  const probe = (await load()).default;
  const params = parseParams(probe, rule, cachedParams);
  if (!params.success) {
    for (const issue of params.error.issues) problems.push({ file, path: ['params', ...issue.path.map(String)].join('.'), message: issue.message });
    return undefined;
  }
  return { rule, file, probe, params: params.data };
}
