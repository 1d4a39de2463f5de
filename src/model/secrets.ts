// Judging secrets without ever repeating them: every verdict here carries facts about a value, never the value.
import { parseDsn } from '../io/dsn.js';
import type { Thresholds } from '../core/config-types.js';
import type { DeploymentModel, EnvDefinition } from '../core/model.js';

export type SecretPurpose = 'hash' | 'salt' | 'password' | 'default';

export type SecretVerdict =
  | { ok: true; length: number; bitsPerChar: number }
  | { ok: false; problem: 'empty' | 'placeholder' | 'short' | 'low-entropy'; detail: string; length: number };

/** Words that mark a value nobody chose: the chart's defaults, examples, and common stand-ins. */
const PLACEHOLDER_WORDS = [
  'changeme',
  'change-me',
  'change_me',
  'password',
  'passwd',
  'secret',
  'minioadmin',
  'recsys',
  'recsys-db',
  'example',
  'todo',
  'tbd',
  'fixme',
  'xxx',
  'dummy',
  'test',
  'default',
  'admin',
  'replace-me',
  'replaceme',
  'your-secret-here',
  'insert-secret-here',
  'postgres',
  'none',
  'null',
  'undefined',
];

const PLACEHOLDER_SHAPES: Array<{ re: RegExp; why: string }> = [
  { re: /^<[^>]*>$/, why: 'an <angle-bracket> placeholder' },
  { re: /\$\{[^}]*\}/, why: 'an unexpanded ${...} reference' },
  // The kubelet fills $(NAME) only from variables defined above it in the container, and leaves any other as written.
  { re: /\$\([^)]*\)/, why: 'an unexpanded $(...) reference' },
  { re: /\{\{[^}]*\}\}/, why: 'an unrendered {{ template }}' },
  { re: /^(.)\1+$/s, why: 'one character repeated' },
  { re: /^(..?.?)\1{2,}$/s, why: 'a short pattern repeated' },
  { re: /^(0123456789?|123456(789)?|abcdef(ghij)?|qwerty\w*)$/i, why: 'a keyboard sequence' },
  { re: /(^|[^a-z])(todo|fixme|changeme|change[-_ ]?me|replace[-_ ]?me)([^a-z]|$)/i, why: 'a to-do marker' },
];

export function placeholderReason(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return 'empty';
  const lower = v.toLowerCase();
  if (PLACEHOLDER_WORDS.includes(lower)) return 'a well-known placeholder word';
  // "changeme123", "secret-secret": a placeholder word with only digits or separators around it.
  const stripped = lower.replace(/[\d\W_]+/g, '');
  if (stripped !== '' && PLACEHOLDER_WORDS.some((w) => stripped === w.replace(/[\W_]+/g, '')) && v.length < 24) {
    return 'a placeholder word with digits or punctuation around it';
  }
  for (const s of PLACEHOLDER_SHAPES) if (s.re.test(v)) return s.why;
  return undefined;
}

/** Shannon entropy in bits per character of the value's own character distribution. */
export function bitsPerChar(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...value].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

export function judgeSecret(value: string | undefined, purpose: SecretPurpose, t: Thresholds): SecretVerdict {
  const v = (value ?? '').trim();
  const length = [...v].length;
  if (length === 0) return { ok: false, problem: 'empty', detail: 'empty', length };
  const placeholder = placeholderReason(v);
  if (placeholder) return { ok: false, problem: 'placeholder', detail: placeholder, length };
  const min = t.secretMinLength[purpose];
  if (length < min) return { ok: false, problem: 'short', detail: `${length} chars, under the ${min} a ${purpose} secret needs`, length };
  const bits = bitsPerChar(v);
  if (bits < t.secretMinEntropyBitsPerChar) {
    return {
      ok: false,
      problem: 'low-entropy',
      detail: `${bits.toFixed(1)} bits of entropy per char, under ${t.secretMinEntropyBitsPerChar}`,
      length,
    };
  }
  return { ok: true, length, bitsPerChar: bits };
}

const SECRET_NAME = /(^|_)(SECRET|SALT|PASSWORD|PASSWD|PASS|TOKEN|PRIVATE_KEY|SECRET_KEY|ACCESS_KEY|API_KEY|CREDENTIALS?)(_|$)/;

/**
 * The password inside a DSN (URL or key=value form), if it carries one: from libpq's own parse when the DSN
 * parses (so `?password=` and quoted key=value passwords count), else from its shape.
 */
export function dsnPassword(dsn: string): string | undefined {
  const t = dsn.trim();
  const parsed = parseDsn(t);
  if (parsed.ok) return parsed.dsn.values.get('password') || undefined;
  if (/^postgres(ql)?:\/\//i.test(t)) {
    try {
      const u = new URL(t);
      if (u.password !== '') return decodeURIComponent(u.password);
      return u.searchParams.get('password') || undefined;
    } catch {
      const m = /^[a-z]+:\/\/[^:/@]*:([^@]*)@/i.exec(t);
      return m?.[1] || undefined;
    }
  }
  const m = /(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/i.exec(t);
  if (!m) return undefined;
  const raw = m[1]!;
  return raw.startsWith("'") ? raw.slice(1, -1) : raw;
}

export interface SecretLike {
  name: string;
  def: EnvDefinition;
  /** The part of the value that is secret: the whole value, or a DSN's password. */
  secret: string | undefined;
  /** `password in DATABASE_URL` or the variable name. */
  label: string;
}

/** Every variable of the api container that carries a secret, known to the catalogue or named like one. */
export function secretLikeVars(model: DeploymentModel): SecretLike[] {
  const out: SecretLike[] = [];
  for (const v of model.env.values()) {
    const spec = model.catalogue.get(v.name);
    const def = v.effective;
    if (spec?.type === 'dsn' || /^DATABASE_URL$|_DSN$|_DATABASE_URL$/.test(v.name)) {
      if (def.value === undefined) {
        out.push({ name: v.name, def, secret: undefined, label: `${v.name}` });
        continue;
      }
      const pw = dsnPassword(def.value);
      if (pw !== undefined) out.push({ name: v.name, def, secret: pw, label: `the password in ${v.name}` });
      continue;
    }
    // The catalogue decides for variables the service reads; the name pattern only for the others.
    if (spec ? spec.secret : SECRET_NAME.test(v.name)) out.push({ name: v.name, def, secret: def.value, label: v.name });
  }
  return out;
}

/** Every secret value the model holds, for tests and for a last-line guard on output. */
export function allSecretValues(model: DeploymentModel): string[] {
  return secretLikeVars(model)
    .map((s) => s.secret)
    .filter((s): s is string => s !== undefined && s.length >= 4);
}
