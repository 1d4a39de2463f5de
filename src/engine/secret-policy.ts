// The one secret policy: whatever a check or probe reports passes through here before it becomes a
// finding, so no template has to remember to mask. What is secret is decided by how a value is
// delivered, not by what its key is called:
//   - every value delivered by a Secret (a rendered Secret, api.secrets, a secretKeyRef), whatever its key;
//   - every value the catalogue marks secret, or whose unknown name looks like a secret's, wherever it is set;
//   - every scalar under api.secrets, even when api.existingSecret means the chart ignores them;
//   - passwords inside DSNs and URLs (userinfo, `?password=`, libpq `password=`), in any text;
//   - key names that are not names but tokens (a secret pasted where its key should be).
// A secret is shown as what supports a verdict about it: `[secret: 24 chars, from Secret recsys-api]`.
// A DSN the catalogue types as one keeps its shape with the password masked, as DESIGN.md says.
// Only what units report is masked (data, evidence, locations, skip reasons); message templates,
// titles and remediation come from the rule pack and stay as written.
import type { Collected } from './collector.js';
import type { Report } from '../core/define.js';
import type { Location } from '../core/types.js';
import type { DeploymentModel, EnvDefinition } from '../core/model.js';
import { serviceReading } from '../model/service-expansion.js';

const MASK = '****';
/** Shorter forms are masked only where they stand whole or quoted: inside words they are not the secret. */
const MIN_ANYWHERE = 6;
/**
 * Below this length a secret's bare text is not masked in free text, only quoted, as a variable's value or as a
 * DSN's password: a short password is often a plain word (the chart's bundled `recsys`), and masking that word
 * in `Job/recsys-migrate` or `charts/recsys/values.yaml` would garble the report and tell every reader what
 * the password is. Credentials anyone would paste (tokens, keys) are longer.
 */
const MIN_BARE = 12;

/** Names of unknown variables that carry a secret (`GITHUB_TOKEN`, `STRIPE_SECRET_KEY`). */
const SECRET_NAME = /(^|_)(SECRET|SALT|PASSWORD|PASSWD|PASS|TOKEN|PRIVATE_KEY|SECRET_KEY|ACCESS_KEY|API_KEY|CREDENTIALS?)(_|$)/i;


/** Passwords in free text: URL userinfo, `?password=`/`&sslpassword=`, libpq `password='…'`. */
export function maskCredentialsInText(text: string): string {
  if (!text.includes('@') && !/pass|pwd/i.test(text)) return text;
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]*):[^\s"'<>]*@/gi, `$1:${MASK}@`)
    // A quoted value runs to its closing quote, or to the end when it has none (libpq: \' and \\ escape).
    .replace(/\b(password|sslpassword|passwd|pwd)(\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&;"'<>]+)/gi, `$1$2${MASK}`);
}

/** The passwords a DSN or URL carries, in every form it is written: userinfo, query, key=value. */
function passwordsIn(value: string): string[] {
  const out: string[] = [];
  const t = value.trim();
  // Userinfo needs an `@`, a password parameter names itself (or is percent-encoded): most values have neither,
  // and parsing every URL-shaped value of every deployment (JWKS URLs, issuers) was most of this function's cost.
  if (!t.includes('@') && !/pass|%/i.test(t)) return out;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    try {
      const url = new URL(t);
      if (url.password) out.push(url.password);
      for (const [k, v] of url.searchParams) if (/^(ssl)?password$/i.test(k) && v) out.push(v);
    } catch {
      // Not a URL after all: the key=value pattern below and the text masker still apply.
    }
    const userinfo = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:(.*)@/i.exec(t);
    if (userinfo?.[1]) out.push(userinfo[1]);
  }
  for (const m of t.matchAll(/\b(?:ssl)?password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s&;]+)/gi)) {
    const raw = m[1]!;
    out.push(raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
  }
  return out;
}

/** The forms a value may be shown in: as is, trimmed, JSON-escaped, URL-encoded or decoded, base64, its list items. */
function formsOf(value: string): string[] {
  const forms = new Set<string>([value, value.trim()]);
  forms.add(jsonEscaped(value));
  forms.add(encodeURIComponent(value));
  forms.add(Buffer.from(value).toString('base64').replace(/=+$/, ''));
  try {
    forms.add(decodeURIComponent(value));
  } catch {
    // Not URL-encoded.
  }
  // A list is judged item by item (CORS origins, allowed hosts): each item is part of the secret.
  if (value.includes(',')) for (const item of value.split(',')) forms.add(item.trim());
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim())) {
    try {
      const url = new URL(value.trim());
      forms.add(url.href);
      if (url.password) forms.add(url.password).add(decodeURIComponentSafe(url.password));
    } catch {
      // Not a URL.
    }
  }
  forms.delete('');
  return [...forms];
}

/** What JSON.stringify makes of a string, without its quotes; most secrets need no escape, so skip the call for them. */
function jsonEscaped(s: string): string {
  return /["\\\u0000-\u001f\ud800-\udfff]/.test(s) ? JSON.stringify(s).slice(1, -1) : s;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function deliveryWords(def: EnvDefinition): string {
  switch (def.delivery) {
    case 'secret':
    case 'existing-secret':
      return `from Secret ${def.via ?? '?'}`;
    case 'configmap':
    case 'chart-configmap':
      return `from ConfigMap ${def.via ?? '?'}`;
    case 'literal':
      return 'a literal in the pod spec';
    case 'env-file':
      return 'from an env file';
  }
}

/**
 * A key that is a token pasted where a name goes (`ghp_16C7e42F292c…`, `AKIAIOSFODNN7EXAMPLE`), not a
 * name (`SENTRY_DSN`, `NEW_RELIC_LICENSE_KEY`): made of token characters, at least 16 of them, with a
 * part no name has (longer than 16 characters, or mixing lower case, upper case and digits).
 */
export function looksLikeToken(key: string): boolean {
  if (key.length < 16 || !/^[A-Za-z0-9_\-+/=.~:]+$/.test(key)) return false;
  return key.split(/[_\-.:/]/).some((part) => part.length > 16 || (part.length >= 8 && /[a-z]/.test(part) && /[A-Z]/.test(part) && /\d/.test(part)));
}

interface Hidden {
  form: string;
  replacement: string;
  /** The variable whose value this is, when it is one. */
  variable?: string;
}

/** The secret texts this deployment holds, each with what is shown in its place. */
function hiddenTexts(model: DeploymentModel): Hidden[] {
  const hidden: Hidden[] = [];
  const add = (value: string, replacement: string, variable?: string): void => {
    for (const form of formsOf(value)) hidden.push({ form, replacement, ...(variable ? { variable } : {}) });
  };
  const keyName = (key: string): Hidden => ({ form: key, replacement: `[a key name of ${[...key].length} chars that looks like a secret]` });
  for (const v of model.env.values()) {
    const spec = model.catalogue.get(v.name);
    if (!spec && looksLikeToken(v.name)) hidden.push(keyName(v.name));
    for (const def of v.definitions) {
      const value = def.value;
      if (value === undefined || value.trim() === '') continue;
      for (const pw of passwordsIn(value)) add(pw, MASK);
      const secret =
        def.delivery === 'secret' || def.delivery === 'existing-secret' || spec?.secret === true || (!spec && SECRET_NAME.test(v.name));
      if (!secret) continue;
      const isDsn = spec?.type === 'dsn' || /^postgres(ql)?:\/\//i.test(value.trim()) || /(^|\s)(host|dbname|user)\s*=/.test(value);
      if (isDsn) {
        // A DSN keeps its shape (host, sslmode) with its password, listed above, masked.
        const masked = maskCredentialsInText(value.trim());
        if (masked !== value.trim()) hidden.push({ form: value, replacement: masked }, { form: value.trim(), replacement: masked });
        continue;
      }
      add(value, `[secret: ${[...value.trim()].length} chars, ${deliveryWords(def)}]`, v.name);
    }
  }
  // A value the service expands from a secret carries that secret (`LOG_PREFIX=${API_KEY_HASH_SECRET}`): what it
  // expands to is hidden too, since rules show a non-secret variable's value as the service reads it.
  const secretNames = new Set(hidden.flatMap((h) => (h.variable !== undefined ? [h.variable] : [])));
  for (const v of model.env.values()) {
    const value = v.effective.value;
    if (value === undefined || !value.includes('$')) continue;
    const reading = serviceReading(model, v.name, value);
    if (reading.state === 'expanded' && reading.names.some((n) => secretNames.has(n))) {
      add(reading.value, `[${[...reading.value.trim()].length} chars, expanded from a secret]`);
    }
  }
  // api.secrets in the values, even when api.existingSecret makes the chart ignore them.
  const apiSecrets = (model.values?.data.api as Record<string, unknown> | undefined)?.secrets;
  if (apiSecrets && typeof apiSecrets === 'object') {
    for (const [key, value] of Object.entries(apiSecrets as Record<string, unknown>)) {
      if (!model.catalogue.has(key) && looksLikeToken(key)) hidden.push(keyName(key));
      if (typeof value === 'string' && value.trim() !== '') add(value, `[secret: ${[...value.trim()].length} chars, in api.secrets]`, key);
    }
  }
  return hidden;
}

/** Masks secrets in one text; `variable` is the variable the report is about, when it names one. */
export type SecretMasker = (text: string, variable?: string) => string;

function replaceAll(text: string, list: readonly Hidden[]): string {
  let out = text;
  for (const h of list) if (out.includes(h.form)) out = out.split(h.form).join(h.replacement);
  return out;
}

/** The distinct texts of `list` that contain no other of them: a text holding any of `list` holds one of these. */
function minimalCores(list: readonly string[]): string[] {
  const distinct = [...new Set(list)].filter((t) => t !== '').sort((a, b) => a.length - b.length);
  const out: string[] = [];
  for (const t of distinct) if (!out.some((shorter) => t.includes(shorter))) out.push(t);
  return out;
}

/** Every form of a deployment's secrets, longest first, and each variable's own value in its forms. */
interface Forms {
  anywhere: Hidden[];
  own: Map<string, Map<string, string>>;
}

/** The masker for one deployment: every secret it holds, then any password in a DSN or URL. */
export function secretMasker(model: DeploymentModel): SecretMasker {
  const hidden = hiddenTexts(model);
  // Every form below contains its secret's text as shown or JSON-escaped, so a text that contains none of those
  // cores contains none of the forms, and cannot be a variable's whole value either. Most texts (rule evidence, file
  // names) contain none: they are only checked for DSN passwords, and the forms are built only once a text needs them.
  const cores = minimalCores(hidden.flatMap((h) => [h.form, jsonEscaped(h.form)]));
  let forms: Forms | undefined;
  const buildForms = (): Forms => {
    const anywhere: Hidden[] = [];
    // A variable's own value, whatever its length, where a report about that variable carries it whole.
    const own = new Map<string, Map<string, string>>();
    for (const h of hidden) {
      if (h.form.length >= MIN_ANYWHERE) anywhere.push({ form: JSON.stringify(h.form), replacement: h.replacement });
      if (h.form.length >= MIN_BARE) anywhere.push(h);
      if (h.variable === undefined) continue;
      // Short values (`info`, `1`) only where they are shown as this variable's: `LOG_LEVEL="info"`.
      anywhere.push(
        { form: `${h.variable}=${JSON.stringify(h.form)}`, replacement: `${h.variable}=${h.replacement}` },
        { form: `${h.variable}=${h.form}`, replacement: `${h.variable}=${h.replacement}` },
      );
      const mine = own.get(h.variable) ?? new Map<string, string>();
      mine.set(h.form, h.replacement).set(JSON.stringify(h.form), h.replacement);
      own.set(h.variable, mine);
    }
    // Longest first: a DSN is replaced whole before its password alone, a quoted value before the bare one.
    // (A single-pass replace would take the leftmost match, which can be a shorter form starting inside a longer
    // one, and leave the rest of the longer secret in the text.)
    anywhere.sort((a, b) => b.form.length - a.form.length);
    return { anywhere, own };
  };
  // The same texts recur across a deployment's results (file names, paths, values named by several rules).
  const seen = new Map<string, string>();
  const remember = (text: string, masked: string): string => {
    if (seen.size < 4096) seen.set(text, masked);
    return masked;
  };
  return (text, variable) => {
    const known = seen.get(text);
    if (known !== undefined && (variable === undefined || !forms?.own.has(variable))) return known;
    if (!cores.some((c) => text.includes(c))) return remember(text, maskCredentialsInText(text));
    forms ??= buildForms();
    const whole = variable !== undefined ? forms.own.get(variable)?.get(text) : undefined;
    if (whole !== undefined) return whole;
    return remember(text, maskCredentialsInText(replaceAll(text, forms.anywhere)));
  };
}

function maskLocation(loc: Location, mask: SecretMasker): Location {
  const out: Location = { ...loc };
  if (loc.file !== undefined) out.file = mask(loc.file);
  if (loc.path !== undefined) out.path = mask(loc.path);
  if (loc.resource !== undefined) out.resource = mask(loc.resource);
  if (loc.target !== undefined) out.target = mask(loc.target);
  return out;
}

function maskReport(r: Report, mask: SecretMasker): Report {
  // Templates name the variable a report is about `variable` (ESLint-style message data).
  const variable = typeof r.data?.variable === 'string' ? r.data.variable : undefined;
  return {
    ...r,
    ...(r.data
      ? { data: Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, typeof v === 'string' && k !== 'variable' ? mask(v, variable) : typeof v === 'string' ? mask(v) : v])) }
      : {}),
    ...(r.location ? { location: maskLocation(r.location, mask) } : {}),
    ...(r.evidence ? { evidence: r.evidence.map((e) => mask(e)) } : {}),
  };
}

/** What one unit said, with the policy applied: the only form of it the engine renders into findings. */
export function applySecretPolicy(c: Collected, mask: SecretMasker): Collected {
  return {
    failures: c.failures.map((r) => maskReport(r, mask)),
    unknowns: c.unknowns.map((r) => maskReport(r, mask)),
    evidence: c.evidence.map((e) => mask(e)),
    ...(c.skipReason !== undefined ? { skipReason: mask(c.skipReason) } : {}),
  };
}
