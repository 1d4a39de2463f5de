import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { validateExperimentConfig } from '../model/experiments.js';
import { effective, effectiveBool, locationOf, valueEvidence } from '../model/query.js';
import { isLoopbackAddr, mountedAt } from '../model/workload.js';

/**
 * Everything that would stop the service at start-up, all at once: the service itself panics on the first one, so
 * a deployment with three problems crash-loops three times before it runs.
 */
export default defineCheck({
  meta: {
    id: 'service-starts',
    type: 'problem',
    description:
      'Fails for each reason the service would refuse to start: unparsable values, invalid EXPERIMENT_CONFIG_JSON, missing production secrets, S3 without TLS, pprof on a public address, an unmounted DATABASE_URL_FILE.',
    messages: {
      unparsable: '{{variable}} at {{where}} is not {{expected}}: the service panics at start-up',
      experimentConfig: '{{variable}} at {{where}}: {{path}}: {{problem}}: the service panics at start-up',
      missingSecret: '{{variable}} is empty while {{condition}}: in production the service refuses to start',
      s3WithoutTls:
        'artifact mode is on with RECSYS_ARTIFACT_S3_ENDPOINT set ({{endpoint}}) and RECSYS_ARTIFACT_S3_USE_SSL effectively false ({{where}}): in production the service refuses to start',
      pprofPublic: 'PPROF_ENABLED is true and API_ADDR {{addr}} is not a loopback host:port ({{where}}): the service refuses to start',
      dbFileNotMounted: 'DATABASE_URL_FILE={{path}} ({{where}}) but the api container mounts no volume at {{dir}}: reading it fails and the service panics',
      unseen: '{{what}} cannot be judged: {{because}}',
    },
    params: z.strictObject({}),
  },
  run(ctx) {
    const { model } = ctx;
    let reasons = 0;
    const fail = (r: Parameters<typeof ctx.report>[0]): void => {
      reasons += 1;
      ctx.report(r);
    };

    // 1. Values the service cannot parse (lenient ones are ignored by the service, not fatal).
    for (const v of model.env.values()) {
      const e = effective(model, v.name);
      if (e.state !== 'invalid' || e.spec.lenient) continue;
      fail({
        messageId: 'unparsable',
        data: { variable: v.name, where: describeLocation(e.def.location), expected: e.expected },
        location: e.def.location,
      });
    }

    // 2. EXPERIMENT_CONFIG_JSON that is JSON but breaks the service's rules (invalid JSON is counted above).
    const exp = effective(model, 'EXPERIMENT_CONFIG_JSON');
    if (exp.state === 'set') {
      for (const pr of validateExperimentConfig(exp.raw)) {
        fail({
          messageId: 'experimentConfig',
          data: { variable: 'EXPERIMENT_CONFIG_JSON', where: describeLocation(exp.def.location), path: pr.path, problem: pr.problem },
          location: exp.def.location,
        });
      }
    }

    // 3. Production-only refusals.
    if (model.production) {
      const needs: Array<{ flag: string; secret: string }> = [
        { flag: 'EXPOSURE_LOG_ENABLED', secret: 'EXPOSURE_HASH_SALT' },
        { flag: 'EXPERIMENT_ASSIGNMENT_ENABLED', secret: 'EXPERIMENT_ASSIGNMENT_SALT' },
        { flag: 'API_KEY_ENABLED', secret: 'API_KEY_HASH_SECRET' },
      ];
      for (const n of needs) {
        if (effectiveBool(model, n.flag) !== true) continue;
        const s = effective(model, n.secret);
        if (s.state === 'unknown') {
          ctx.unknown({ messageId: 'unseen', data: { what: n.secret, because: s.because } });
          continue;
        }
        const present = s.state === 'set' || (s.state === 'default' && typeof s.raw === 'string' && s.raw.trim() !== '');
        if (present) continue;
        const flag = effective(model, n.flag);
        // Unset secret: point at the switch that makes it needed, when that was set somewhere.
        const location = s.def?.location ?? flag.def?.location ?? locationOf(model, s);
        fail({
          messageId: 'missingSecret',
          data: { variable: n.secret, condition: `${n.flag} is effectively true (${valueEvidence(flag)})` },
          ...(location ? { location } : {}),
        });
      }
      const endpoint = effective(model, 'RECSYS_ARTIFACT_S3_ENDPOINT');
      if (effectiveBool(model, 'RECSYS_ARTIFACT_MODE_ENABLED') === true && endpoint.state === 'set' && effectiveBool(model, 'RECSYS_ARTIFACT_S3_USE_SSL') === false) {
        const ssl = effective(model, 'RECSYS_ARTIFACT_S3_USE_SSL');
        const location = locationOf(model, ssl);
        fail({
          messageId: 's3WithoutTls',
          data: { endpoint: endpoint.raw, where: ssl.def ? describeLocation(ssl.def.location) : ssl.state === 'default' ? ssl.because : 'unset' },
          ...(location ? { location } : {}),
        });
      }
    }

    // 4. pprof needs a loopback listen address, in every environment.
    if (effectiveBool(model, 'PPROF_ENABLED') === true) {
      const addr = effective(model, 'API_ADDR');
      const raw = addr.state === 'set' || addr.state === 'default' ? String(addr.raw ?? '') : '';
      if (addr.state !== 'invalid' && !isLoopbackAddr(raw)) {
        const location = addr.def?.location ?? locationOf(model, effective(model, 'PPROF_ENABLED'));
        fail({
          messageId: 'pprofPublic',
          data: { addr: JSON.stringify(raw), where: addr.def ? describeLocation(addr.def.location) : `${addr.state === 'default' ? addr.because : 'unset'}` },
          ...(location ? { location } : {}),
        });
      }
    }

    // 5. DATABASE_URL_FILE must name a file the pod can read: the chart mounts no volumes.
    const file = effective(model, 'DATABASE_URL_FILE');
    if (file.state === 'set') {
      const path = file.raw.trim();
      const dir = path.replace(/\/[^/]*$/, '') || '/';
      if (!model.api) {
        ctx.unknown({ messageId: 'unseen', data: { what: 'DATABASE_URL_FILE', because: 'no api workload was given, so its volume mounts are unknown: pass --values or --manifests' } });
      } else if (!mountedAt(model.api.container, path) && !mountedAt(model.api.container, dir)) {
        fail({ messageId: 'dbFileNotMounted', data: { path, where: describeLocation(file.def.location), dir }, location: file.def.location });
      }
    }

    if (reasons === 0) ctx.evidence(`no start-up stopper found (${model.production ? 'production checks included' : 'not production: only the checks of every environment'})`);
  },
});
