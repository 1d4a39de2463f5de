import { z } from 'zod';
import { lazy } from '../core/lazy.js';
import { defineCheck, type Report } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { validateExperimentConfig } from '../model/experiments.js';
import { splitCsv } from '../model/go-parse.js';
import { effective, effectiveBool, locationOf, valueEvidence, type Effective } from '../model/query.js';
import type { DeploymentModel } from '../core/model.js';
import { isLoopbackAddr, mountedAt } from '../model/workload.js';

/**
 * Every stopper this template can judge from files. The facts behind each one (its step, its variables, the
 * reason and the upstream file:line) are rule data in the pack's service-starts rule; a live step (the
 * database) adds its own stoppers in a probe.
 */
export const STOPPER_IDS = [
  'unparsable-value',
  'database-url-missing',
  'database-url-file-unmounted',
  'experiment-config',
  'pprof-public',
  'exposure-salt-missing',
  'experiment-salt-missing',
  'api-key-secret-missing',
  's3-without-tls',
  'jwt-with-dev-headers',
  'no-auth-provider',
  'jwks-not-https',
  'jwks-host-not-allowed',
  'jwt-config-missing',
  'jwt-algorithm-none',
  'jwt-skip-without-proxies',
  'api-key-header-empty',
  'audit-log-unwritable',
  'artifact-no-template',
  'artifact-no-file-root',
  'exposure-log-path-empty',
  'exposure-log-format',
  'algo-plugin-production',
] as const;
type StopperId = (typeof STOPPER_IDS)[number];

const camel = (id: string): string => id.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());

export const stopperSchema = lazy(() =>
  z.strictObject({
    id: z.enum(STOPPER_IDS),
    step: z.enum(['config load', 'database', 'security stack', 'app dependencies', 'server']),
    /** The variables it concerns; "*" for every typed variable. */
    variables: z.array(z.string().regex(/^([A-Z][A-Z0-9_]*|\*)$/)).min(1),
    /** Production only, decided by the pod's ENV (never by --environment). */
    production: z.boolean().default(false),
    reason: z.string().min(1),
    /** Upstream file:line in aatuh/recsys (api/... and charts/...) or aatuh/api-toolkit (toolkit: ...). */
    upstream: z.array(z.string().regex(/:\d+(-\d+)?$/)).min(1),
  }),
);
export type Stopper = z.infer<ReturnType<typeof stopperSchema>>;

const MESSAGE = '{{step}}: {{what}}: {{reason}} ({{upstream}}); the pod exits at start-up';

/**
 * Everything that would stop the service at start-up, all at once: the service itself exits on the first one,
 * so a deployment with three problems crash-loops three times before it runs.
 */
export default defineCheck({
  meta: {
    id: 'service-starts',
    type: 'problem',
    description:
      'Fails for each reason any start-up step of the service (config load, security stack, app dependencies) would exit, naming the step, the variables, the upstream reason and its file:line.',
    messages: { ...Object.fromEntries(STOPPER_IDS.map((id) => [camel(id), MESSAGE])), unseen: '{{what}} cannot be judged: {{because}}' },
    params: () => z.strictObject({ stoppers: z.array(stopperSchema()).min(1) }),
  },
  run(ctx, p) {
    const { model } = ctx;
    let reasons = 0;
    let unknowns = 0;
    for (const s of p.stoppers) {
      if (s.production && !model.podProduction) continue;
      const hit = (what: string, at?: Effective | { location?: Report['location'] }): void => {
        reasons += 1;
        const location = at && 'state' in at ? locationOf(model, at) : (at?.location ?? locationOf(model, effective(model, s.variables[0]!)));
        ctx.report({ messageId: camel(s.id), data: { step: s.step, what, reason: s.reason, upstream: s.upstream.join(', ') }, ...(location ? { location } : {}) });
      };
      const unseen = (what: string, because: string): void => {
        unknowns += 1;
        ctx.unknown({ messageId: 'unseen', data: { what: `${what} (${s.id})`, because } });
      };
      judge(s.id, model, hit, unseen);
    }
    if (reasons === 0 && unknowns === 0) {
      ctx.evidence(
        `no start-up stopper found (${model.podProduction ? `${model.podEnvironment}: production refusals included` : `${model.podEnvironment}: the pod makes no production refusals, so only the checks of every environment apply`})`,
      );
    }
  },
});

type Hit = (what: string, at?: Effective | { location?: Report['location'] }) => void;
type Unseen = (what: string, because: string) => void;

const str = (e: Effective): string | undefined => (e.state === 'set' || e.state === 'default' ? (typeof e.raw === 'string' ? e.raw : undefined) : e.state === 'invalid' ? e.raw : undefined);
const on = (m: DeploymentModel, name: string): boolean => effectiveBool(m, name) === true;
const where = (e: Effective): string => (e.def ? describeLocation(e.def.location) : e.state === 'default' ? e.because : 'unset');

function judge(id: StopperId, m: DeploymentModel, hit: Hit, unseen: Unseen): void {
  switch (id) {
    case 'unparsable-value':
      for (const v of m.env.values()) {
        const e = effective(m, v.name);
        if (e.state === 'invalid' && !e.spec.lenient) hit(`${v.name} at ${describeLocation(e.def.location)} is not ${e.expected}`, e);
      }
      return;
    case 'database-url-missing': {
      const url = effective(m, 'DATABASE_URL');
      const file = effective(m, 'DATABASE_URL_FILE');
      if (file.state === 'set') return;
      if (url.state === 'unknown') return unseen('DATABASE_URL', url.because);
      if (url.state === 'default') hit(`DATABASE_URL ${url.def ? `is empty at ${describeLocation(url.def.location)}` : 'is not set'} and DATABASE_URL_FILE is not set`, url);
      return;
    }
    case 'database-url-file-unmounted': {
      const file = effective(m, 'DATABASE_URL_FILE');
      if (file.state !== 'set') return;
      const path = file.raw.trim();
      const dir = path.replace(/\/[^/]*$/, '') || '/';
      if (!m.api) return unseen('DATABASE_URL_FILE', 'no api workload was given, so its volume mounts are unknown: pass --values or --manifests');
      if (!mountedAt(m.api.container, path) && !mountedAt(m.api.container, dir)) hit(`DATABASE_URL_FILE=${path} (${where(file)}) but the api container mounts no volume at ${dir}`, file);
      return;
    }
    case 'experiment-config': {
      const e = effective(m, 'EXPERIMENT_CONFIG_JSON');
      if (e.state !== 'set') return;
      for (const pr of validateExperimentConfig(e.raw)) {
        if (pr.problem === 'invalid JSON') continue; // unparsable-value names it
        hit(`EXPERIMENT_CONFIG_JSON at ${where(e)}: ${pr.path}: ${pr.problem}`, e);
      }
      return;
    }
    case 'pprof-public': {
      if (!on(m, 'PPROF_ENABLED')) return;
      const addr = effective(m, 'API_ADDR');
      if (addr.state === 'invalid' || addr.state === 'unknown') return;
      const raw = str(addr) ?? '';
      if (!isLoopbackAddr(raw)) hit(`PPROF_ENABLED is true and API_ADDR ${JSON.stringify(raw)} (${where(addr)}) is not a loopback host:port`, addr.def ? addr : effective(m, 'PPROF_ENABLED'));
      return;
    }
    case 'exposure-salt-missing':
      return needSecret(m, 'EXPOSURE_LOG_ENABLED', 'EXPOSURE_HASH_SALT', hit, unseen);
    case 'experiment-salt-missing':
      return needSecret(m, 'EXPERIMENT_ASSIGNMENT_ENABLED', 'EXPERIMENT_ASSIGNMENT_SALT', hit, unseen);
    case 'api-key-secret-missing':
      return needSecret(m, 'API_KEY_ENABLED', 'API_KEY_HASH_SECRET', hit, unseen);
    case 's3-without-tls': {
      const endpoint = effective(m, 'RECSYS_ARTIFACT_S3_ENDPOINT');
      if (!on(m, 'RECSYS_ARTIFACT_MODE_ENABLED') || endpoint.state !== 'set' || effectiveBool(m, 'RECSYS_ARTIFACT_S3_USE_SSL') !== false) return;
      const ssl = effective(m, 'RECSYS_ARTIFACT_S3_USE_SSL');
      hit(`artifact mode is on with RECSYS_ARTIFACT_S3_ENDPOINT ${JSON.stringify(endpoint.raw)} and RECSYS_ARTIFACT_S3_USE_SSL false (${where(ssl)})`, ssl.def ? ssl : endpoint);
      return;
    }
    case 'jwt-with-dev-headers':
      if (on(m, 'JWT_AUTH_ENABLED') && on(m, 'DEV_AUTH_ENABLED')) {
        const dev = effective(m, 'DEV_AUTH_ENABLED');
        hit(`DEV_AUTH_ENABLED is true (${where(dev)}) while ${valueEvidence(effective(m, 'JWT_AUTH_ENABLED'))}`, dev);
      }
      return;
    case 'no-auth-provider':
      if (on(m, 'AUTH_REQUIRED') && effectiveBool(m, 'JWT_AUTH_ENABLED') === false && effectiveBool(m, 'DEV_AUTH_ENABLED') === false && effectiveBool(m, 'API_KEY_ENABLED') === false) {
        const jwt = effective(m, 'JWT_AUTH_ENABLED');
        hit(`AUTH_REQUIRED is true (${where(effective(m, 'AUTH_REQUIRED'))}) and JWT (${where(jwt)}), dev headers and API keys are all off`, jwt);
      }
      return;
    case 'jwks-not-https': {
      if (!on(m, 'JWT_AUTH_ENABLED')) return;
      const url = effective(m, 'JWT_JWKS_URL');
      const raw = (str(url) ?? '').trim();
      if (raw === '' || on(m, 'AUTH_ALLOW_INSECURE_JWKS')) return;
      // auth.go:105-109 compares the scheme url.Parse returns, and url.Parse lowercases it: HTTPS://… is https.
      const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
      if (scheme !== 'https') hit(`JWT_JWKS_URL ${JSON.stringify(raw)} (${where(url)}) is not https and AUTH_ALLOW_INSECURE_JWKS is not true`, url);
      return;
    }
    case 'jwks-host-not-allowed': {
      if (!on(m, 'JWT_AUTH_ENABLED')) return;
      const url = effective(m, 'JWT_JWKS_URL');
      const raw = (str(url) ?? '').trim();
      const allowed = effective(m, 'AUTH_JWKS_ALLOWED_HOSTS');
      const hosts = splitCsv(str(allowed) ?? '');
      if (raw === '' || hosts.length === 0) return;
      let host: string;
      try {
        host = new URL(raw).hostname.replace(/^\[|\]$/g, '').toLowerCase();
      } catch {
        return;
      }
      if (!hosts.some((h) => h.toLowerCase() === host)) hit(`the host ${host} of JWT_JWKS_URL (${where(url)}) is not in AUTH_JWKS_ALLOWED_HOSTS (${where(allowed)})`, allowed);
      return;
    }
    case 'jwt-config-missing': {
      if (!on(m, 'JWT_AUTH_ENABLED')) return;
      const missing: string[] = [];
      for (const name of ['JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE']) {
        const e = effective(m, name);
        if (e.state === 'unknown') return unseen(name, e.because);
        if ((str(e) ?? '') === '') missing.push(name);
      }
      if (missing.length > 0) hit(`JWT is on (${where(effective(m, 'JWT_AUTH_ENABLED'))}) and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} empty`, effective(m, 'JWT_AUTH_ENABLED'));
      return;
    }
    case 'jwt-algorithm-none': {
      if (!on(m, 'JWT_AUTH_ENABLED')) return;
      const e = effective(m, 'JWT_ALLOWED_ALGORITHMS');
      if (splitCsv(str(e) ?? '').some((a) => a.toUpperCase() === 'NONE')) hit(`JWT_ALLOWED_ALGORITHMS (${where(e)}) lists none`, e);
      return;
    }
    case 'jwt-skip-without-proxies':
      if (on(m, 'JWT_AUTH_ENABLED') && on(m, 'JWT_ALLOW_DANGEROUS_DEV_BYPASSES') && on(m, 'JWT_SKIP_HEADER_ENABLED')) {
        const proxies = effective(m, 'JWT_SKIP_TRUSTED_PROXIES');
        if (splitCsv(str(proxies) ?? '').length === 0) hit('JWT_ALLOW_DANGEROUS_DEV_BYPASSES and JWT_SKIP_HEADER_ENABLED are true and JWT_SKIP_TRUSTED_PROXIES is empty', effective(m, 'JWT_SKIP_HEADER_ENABLED'));
      }
      return;
    case 'api-key-header-empty': {
      if (!on(m, 'API_KEY_ENABLED')) return;
      const h = effective(m, 'API_KEY_HEADER');
      if ((str(h) ?? 'x').trim() === '') hit(`API_KEY_ENABLED is true and API_KEY_HEADER is empty (${where(h)})`, h);
      return;
    }
    case 'audit-log-unwritable':
      return logPath(m, 'AUDIT_LOG_ENABLED', 'AUDIT_LOG_PATH', true, hit, unseen);
    case 'exposure-log-path-empty':
      return logPath(m, 'EXPOSURE_LOG_ENABLED', 'EXPOSURE_LOG_PATH', false, hit, unseen);
    case 'artifact-no-template': {
      if (!on(m, 'RECSYS_ARTIFACT_MODE_ENABLED')) return;
      const t = effective(m, 'RECSYS_ARTIFACT_MANIFEST_TEMPLATE');
      if (t.state === 'unknown') return unseen('RECSYS_ARTIFACT_MANIFEST_TEMPLATE', t.because);
      if ((str(t) ?? '').trim() === '') hit(`RECSYS_ARTIFACT_MODE_ENABLED is true (${where(effective(m, 'RECSYS_ARTIFACT_MODE_ENABLED'))}) and RECSYS_ARTIFACT_MANIFEST_TEMPLATE is empty`, effective(m, 'RECSYS_ARTIFACT_MODE_ENABLED'));
      return;
    }
    case 'artifact-no-file-root': {
      if (!on(m, 'RECSYS_ARTIFACT_MODE_ENABLED')) return;
      const t = effective(m, 'RECSYS_ARTIFACT_MANIFEST_TEMPLATE');
      const tpl = (str(t) ?? '').trim();
      const r = effective(m, 'RECSYS_ARTIFACT_FILE_ROOT');
      if (r.state === 'unknown') return unseen('RECSYS_ARTIFACT_FILE_ROOT', r.because);
      const root = (str(r) ?? '').trim();
      if (tpl !== '' && !tpl.startsWith('s3://') && root === '') return hit(`RECSYS_ARTIFACT_MANIFEST_TEMPLATE (${where(t)}) is not an s3:// URI and RECSYS_ARTIFACT_FILE_ROOT is empty`, t);
      if (root === '') return;
      // A root that is set is stat'ed at start and must be a directory (objectstore/fs_reader.go:22-38): a volume
      // mounted there makes one; elsewhere it must come with the image, which no file given shows.
      if (!m.api) return unseen('RECSYS_ARTIFACT_FILE_ROOT', `the service exits at start when ${root} is not a directory, and no api workload was given, so its volume mounts are unknown: pass --values or --manifests`);
      const mount = mountedAt(m.api.container, root);
      if (mount === undefined) {
        return unseen('RECSYS_ARTIFACT_FILE_ROOT', `the service exits at start when ${root} is not a directory; the api container mounts no volume at it, so it must be in the image, which cannot be seen from the files given`);
      }
      // Below a mount, the volume must already hold the folder (an emptyDir starts empty).
      if (mount !== (root.replace(/\/+$/, '') || '/')) {
        return unseen('RECSYS_ARTIFACT_FILE_ROOT', `the service exits at start when ${root} is not a directory; it lies inside the volume mounted at ${mount}, which must already hold it when the pod starts`);
      }
      return;
    }
    case 'exposure-log-format': {
      if (!on(m, 'EXPOSURE_LOG_ENABLED')) return;
      const f = effective(m, 'EXPOSURE_LOG_FORMAT');
      const raw = (str(f) ?? '').trim().toLowerCase();
      if (raw !== '' && !['service', 'service_v1', 'eval', 'eval_v1'].includes(raw)) hit(`EXPOSURE_LOG_FORMAT ${JSON.stringify(str(f))} (${where(f)}) is not service, service_v1, eval or eval_v1 while exposure logging is on`, f);
      return;
    }
    case 'algo-plugin-production': {
      const env = m.env.get('ENV')?.effective.value;
      const path = (str(effective(m, 'RECSYS_ALGO_PLUGIN_PATH')) ?? '').trim();
      // wiring.go compares ENV with EqualFold, untrimmed: only "production" in any case, never "prod".
      if (on(m, 'RECSYS_ALGO_PLUGIN_ENABLED') && path !== '' && env?.toLowerCase() === 'production') {
        hit(`RECSYS_ALGO_PLUGIN_ENABLED is true with RECSYS_ALGO_PLUGIN_PATH set while ENV=${env}`, effective(m, 'RECSYS_ALGO_PLUGIN_ENABLED'));
      }
      return;
    }
  }
}

function needSecret(m: DeploymentModel, flag: string, secret: string, hit: Hit, unseen: Unseen): void {
  if (effectiveBool(m, flag) !== true) return;
  const s = effective(m, secret);
  if (s.state === 'unknown') return unseen(secret, s.because);
  const raw = str(s);
  if (raw !== undefined && raw.trim() !== '') return;
  const f = effective(m, flag);
  const because = s.state === 'default' && s.def ? `empty at ${describeLocation(s.def.location)}${s.because.startsWith('empty:') ? ` (${s.because.slice(7)})` : ''}` : 'not set';
  hit(`${secret} is ${because} while ${valueEvidence(f)}`, s.def ? s : f.def ? f : undefined);
}

function logPath(m: DeploymentModel, flag: string, pathVar: string, opensAtStart: boolean, hit: Hit, unseen: Unseen): void {
  if (effectiveBool(m, flag) !== true) return;
  const p = effective(m, pathVar);
  if (p.state === 'unknown') return unseen(pathVar, p.because);
  const path = (str(p) ?? '').trim();
  const f = effective(m, flag);
  if (path === '') return hit(`${flag} is true (${where(f)}) and ${pathVar} is empty`, f.def ? f : p);
  // Only the audit log opens its file at start (O_APPEND|O_CREATE): on a read-only root with no volume there it fails.
  if (!opensAtStart || !m.api) return;
  const c = m.api.container;
  if (c.securityContext?.readOnlyRootFilesystem !== true) return;
  const dir = path.replace(/\/[^/]*$/, '') || '/';
  if (!mountedAt(c, dir) && !mountedAt(c, path)) hit(`${pathVar}=${path} (${where(p)}) is on a read-only root filesystem with no volume mounted at ${dir}`, p);
}
