// Spectral custom function for bench/spectral-ruleset.yaml: judges api.env / api.secrets of a recsys values file
// the way the pod sees them. Spectral parses YAML 1.2, so plain scalars are re-read from the source text with
// Helm's YAML 1.1 rules (yes/on are true, 10000000 renders 1e+07).
const BOOLS = ['DEV_AUTH_ENABLED', 'PPROF_ENABLED', 'AUTH_ALLOW_INSECURE_JWKS', 'MIGRATE_ON_START'];
const INTS = ['RECSYS_BACKPRESSURE_MAX_INFLIGHT', 'RECSYS_BACKPRESSURE_MAX_QUEUE'];
const SECRETS = ['API_KEY_HASH_SECRET', 'EXPOSURE_HASH_SALT', 'DATABASE_URL'];
const FORBIDDEN = { 'dev-auth-disabled': 'DEV_AUTH_ENABLED', 'pprof-disabled': 'PPROF_ENABLED', 'insecure-jwks-disabled': 'AUTH_ALLOW_INSECURE_JWKS' };
const YAML11_TRUE = /^(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const YAML11_FALSE = /^(n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const PLACEHOLDER_WORDS = ['changeme', 'change-me', 'change_me', 'password', 'secret', 'minioadmin', 'recsys', 'example', 'todo', 'test', 'default', 'admin', 'replaceme'];

function goFloat(n) {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    if (Math.abs(n) < 1e6) return String(n);
  }
  const [mant, exp] = n.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(n);
}

/** The string the pod sees for api.<section>.<name>, or undefined when the key is absent. */
function rendered(doc, data, section, name) {
  const map = data?.api?.[section];
  if (!map || typeof map !== 'object' || !(name in map)) return undefined;
  const v = map[name];
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return JSON.stringify(v);
  const range = doc.getRangeForJsonPath(['api', section, name]);
  const line = range ? String(doc.input).split('\n')[range.start.line] ?? '' : '';
  const raw = range ? line.slice(range.start.character).trimStart() : '';
  if (raw.startsWith('"') || raw.startsWith("'")) return v;
  if (YAML11_TRUE.test(v)) return 'true';
  if (YAML11_FALSE.test(v)) return 'false';
  return v;
}

const goBool = (s) => (/^(1|t|T|TRUE|true|True)$/.test(s.trim()) ? true : /^(0|f|F|FALSE|false|False)$/.test(s.trim()) ? false : undefined);
const goInt = (s) => /^[+-]?\d+$/.test(s.trim());

function placeholder(s) {
  const v = s.trim();
  const lower = v.toLowerCase();
  if (PLACEHOLDER_WORDS.includes(lower)) return true;
  const stripped = lower.replace(/[\d\W_]+/g, '');
  if (stripped && PLACEHOLDER_WORDS.some((w) => stripped === w.replace(/[\W_]+/g, '')) && v.length < 24) return true;
  return /^<[^>]*>$/.test(v) || /\$\{[^}]*\}/.test(v) || /\{\{[^}]*\}\}/.test(v);
}

export default (input, options, context) => {
  const doc = context.document;
  const out = [];
  const at = (section, name, message) => out.push({ message, path: ['api', section, name] });
  const env = (name) => rendered(doc, input, 'env', name);
  switch (options.rule) {
    case 'dev-auth-disabled':
    case 'pprof-disabled':
    case 'insecure-jwks-disabled': {
      const name = FORBIDDEN[options.rule];
      const v = env(name);
      if (v !== undefined && goBool(v) === true) at('env', name, `${name} is true`);
      break;
    }
    case 'migrate-on-start-disabled': {
      const production = ['prod', 'production'].includes((env('ENV') ?? '').trim().toLowerCase());
      const v = env('MIGRATE_ON_START') ?? 'true';
      if (production && goBool(v === '' ? 'true' : v) === true) at('env', 'MIGRATE_ON_START', 'MIGRATE_ON_START is true in production');
      break;
    }
    case 'value-parses':
      for (const name of BOOLS) {
        const v = env(name);
        if (v && v.trim() !== '' && goBool(v) === undefined) at('env', name, `${name}=${JSON.stringify(v)} is not a Go bool`);
      }
      for (const name of INTS) {
        const v = env(name);
        if (v && v.trim() !== '' && !goInt(v)) at('env', name, `${name}=${JSON.stringify(v)} is not a base-10 integer`);
      }
      break;
    case 'placeholder-secret':
      for (const section of ['env', 'secrets']) {
        for (const name of SECRETS) {
          const v = rendered(doc, input, section, name);
          if (v && placeholder(v)) at(section, name, `${name} is a placeholder`);
        }
      }
      break;
  }
  return out;
};
