import { z } from 'zod';
import { defineCheck, type CheckContext } from '../core/define.js';
import type { Location } from '../core/types.js';
import { describeLocation } from '../core/describe.js';
import { effective, valueEvidence } from '../model/query.js';
import type { Container, DeploymentModel, HttpProbeSpec, Workload } from '../core/model.js';
import { addrPort, imageTag, mountedAt } from '../model/workload.js';

const NO_WORKLOAD = 'no api workload was found: pass --values (the chart renders it) or --manifests';

function where(loc: Location | undefined): string {
  return loc ? describeLocation(loc) : 'unknown place';
}
function loc(l: Location | undefined): { location?: Location } {
  return l ? { location: l } : {};
}

/** A chart default has no file of the user's: point at the first fallback that has one (API_ADDR, the api workload). */
function fileOr(l: Location | undefined, ...fallbacks: Array<Location | undefined>): Location | undefined {
  if (l?.file) return l;
  return fallbacks.find((f) => f?.file) ?? l;
}

function secCtx(w: Workload, c: Container, key: string): unknown {
  const own = c.securityContext?.[key];
  return own !== undefined ? own : w.podSecurityContext?.[key];
}

type Api = NonNullable<DeploymentModel['api']>;
type Ctx = CheckContext;

const aspects = () =>
  z.discriminatedUnion('aspect', [
    z.strictObject({ aspect: z.literal('resources'), need: z.array(z.enum(['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'])).min(1) }),
    z.strictObject({ aspect: z.literal('replicas') }),
    z.strictObject({ aspect: z.literal('image-pinned') }),
    z.strictObject({
      aspect: z.literal('numeric-user'),
      /** The image's USER is a name (recsys-service runs as `app`), so runAsNonRoot needs a numeric runAsUser. */
      imageUserIsName: z.boolean().default(true),
    }),
    z.strictObject({ aspect: z.literal('health-probes'), liveness: z.string().min(1), readiness: z.string().min(1) }),
    z.strictObject({ aspect: z.literal('metrics'), annotation: z.string().min(1) }),
    z.strictObject({
      aspect: z.literal('writable-paths'),
      /** Variables holding file paths the service writes; their folder must be on a volume. */
      variables: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/)),
      /** The image sets TMPDIR to this; a read-only root needs a volume there too. */
      tmpdir: z.string().min(1).optional(),
    }),
  ]);

/** The api workload's shape as Kubernetes will run it: resources, replicas, image, user, probes, scraping, volumes. */
export default defineCheck({
  meta: {
    id: 'workload-shape',
    type: 'problem',
    description: 'Fails when the api workload (rendered, or derived from Helm values) lacks a property of a production pod chosen by `aspect`.',
    messages: {
      noWorkload: NO_WORKLOAD,
      resourcesMissing: 'the api container {{container}} has no {{missing}} ({{where}})',
      replicasLow: '{{workload}} runs {{replicas}} replica{{plural}} ({{where}}), below {{min}}: one pod restart or node drain takes the service down',
      imageUnpinned: 'container {{container}} of {{workload}} uses image {{image}} ({{where}}): {{problem}}, so what runs can change without a deploy',
      userNotNumeric:
        "{{workload}} sets runAsNonRoot: true without a numeric runAsUser ({{where}}) while the image's user is a name: the kubelet refuses to start the container",
      probeMissing: 'the api container has no {{probe}} ({{where}})',
      probeWrongPath: 'the {{probe}} of the api container checks {{path}}, not {{want}} ({{where}})',
      probePortMismatch: 'the {{probe}} checks port {{port}} while API_ADDR makes the server listen on {{addrPort}} ({{where}}): the probe will fail',
      probePortNamed: 'the {{probe}} uses the port name {{port}}, which no port of the api container declares ({{where}})',
      notScraped: 'the api pods carry no {{annotation}}: "true" annotation and no ServiceMonitor or PodMonitor was given ({{where}})',
      notWritable:
        '{{variable}}={{path}} needs a writable {{dir}}, but the api container has readOnlyRootFilesystem: true and no volume mounted there ({{where}})',
    },
    params: aspects,
  },
  run(ctx, p) {
    const api = ctx.model.api;
    if (p.aspect === 'image-pinned') return imagePinned(ctx);
    if (!api) return ctx.unknown({ messageId: 'noWorkload' });
    switch (p.aspect) {
      case 'resources':
        return resources(ctx, api, p.need);
      case 'replicas':
        return replicas(ctx, api);
      case 'numeric-user':
        return numericUser(ctx, api, p.imageUserIsName);
      case 'health-probes':
        return healthProbes(ctx, api, p.liveness, p.readiness);
      case 'metrics':
        return metrics(ctx, api, p.annotation);
      case 'writable-paths':
        return writablePaths(ctx, api, p.variables, p.tmpdir);
    }
  },
});

function resources(ctx: Ctx, api: Api, need: string[]): void {
  const r = api.container.resources ?? {};
  const missing = need.filter((n) => {
    const [kind, res] = n.split('.') as ['requests' | 'limits', string];
    const v = r[kind]?.[res];
    return v === undefined || String(v).trim() === '';
  });
  const l = fileOr(api.container.resourcesLocation, api.container.location, api.workload.location);
  if (missing.length === 0) return ctx.evidence(`api container resources: ${JSON.stringify(r)} (${where(l)})`);
  ctx.report({ messageId: 'resourcesMissing', data: { container: api.container.name, missing: missing.join(', '), where: where(l) }, ...loc(l) });
}

function replicas(ctx: Ctx, api: Api): void {
  const min = ctx.config.thresholds.replicasMin;
  const w = api.workload;
  // Kubernetes runs one replica when the field is absent.
  const n = w.replicas ?? 1;
  const l = fileOr(w.replicasLocation, w.location);
  if (n >= min) return ctx.evidence(`${w.kind}/${w.name}: ${n} replicas (${where(l)})`);
  ctx.report({
    messageId: 'replicasLow',
    data: { workload: `${w.kind}/${w.name}`, replicas: n, plural: n === 1 ? '' : 's', where: w.replicas === undefined ? `${where(w.location)}, replicas not set` : where(l), min },
    ...loc(l),
  });
}

function imagePinned(ctx: Ctx): void {
  const workloads = ctx.model.workloads;
  if (workloads.length === 0) return ctx.unknown({ messageId: 'noWorkload' });
  for (const w of workloads) {
    for (const c of [...w.containers, ...w.initContainers]) {
      if (c.image === undefined) continue;
      const { tag, digest } = imageTag(c.image);
      const l = c.imageLocation ?? c.location;
      if (digest) {
        ctx.evidence(`${w.kind}/${w.name} ${c.name}: ${c.image} pinned by digest`);
        continue;
      }
      const problem = tag === '' ? 'no tag, so Kubernetes pulls latest' : tag.toLowerCase() === 'latest' ? 'the tag is latest' : undefined;
      if (!problem) {
        ctx.evidence(`${w.kind}/${w.name} ${c.name}: ${c.image}`);
        continue;
      }
      ctx.report({ messageId: 'imageUnpinned', data: { container: c.name, workload: `${w.kind}/${w.name}`, image: c.image, where: where(l), problem }, ...loc(l) });
    }
  }
}

function numericUser(ctx: Ctx, api: Api, imageUserIsName: boolean): void {
  const { workload: w, container: c } = api;
  const nonRoot = secCtx(w, c, 'runAsNonRoot') === true;
  const user = secCtx(w, c, 'runAsUser');
  const numeric = typeof user === 'number' || (typeof user === 'string' && /^\d+$/.test(user));
  if (!nonRoot || numeric || !imageUserIsName) {
    return ctx.evidence(`runAsNonRoot: ${String(nonRoot)}, runAsUser: ${user === undefined ? 'unset' : String(user)} (${w.kind}/${w.name})`);
  }
  const l = w.podSecurityContext?.runAsNonRoot === true ? w.location : c.location;
  ctx.report({ messageId: 'userNotNumeric', data: { workload: `${w.kind}/${w.name}`, where: where(l) }, ...loc(l) });
}

function healthProbes(ctx: Ctx, api: Api, liveness: string, readiness: string): void {
  const c = api.container;
  const addr = effective(ctx.model, 'API_ADDR');
  const port = addr.state === 'set' || addr.state === 'default' ? addrPort(String(addr.raw ?? '')) : undefined;
  let ok = true;
  const judge = (probe: 'livenessProbe' | 'readinessProbe', spec: HttpProbeSpec | undefined, want: string): void => {
    if (!spec) {
      ok = false;
      ctx.report({ messageId: 'probeMissing', data: { probe, where: where(c.location) }, ...loc(c.location) });
      return;
    }
    const w = where(spec.location);
    if (spec.path !== want) {
      ok = false;
      ctx.report({ messageId: 'probeWrongPath', data: { probe, path: spec.path ?? 'no HTTP path', want, where: w }, ...loc(spec.location) });
    }
    if (spec.port === undefined || port === undefined) return;
    let probePort = Number(spec.port);
    if (typeof spec.port === 'string' && !/^\d+$/.test(spec.port)) {
      const named = c.portNames?.[spec.port];
      if (named === undefined) {
        ok = false;
        ctx.unknown({ messageId: 'probePortNamed', data: { probe, port: spec.port, where: w }, ...loc(spec.location) });
        return;
      }
      probePort = named;
    }
    if (probePort !== port) {
      ok = false;
      ctx.report({
        messageId: 'probePortMismatch',
        data: { probe, port: String(spec.port) + (probePort !== Number(spec.port) ? ` (${probePort})` : ''), addrPort: port, where: w },
        ...loc(fileOr(spec.location, addr.def?.location, api.workload.location)),
        evidence: [valueEvidence(addr)],
      });
    }
  };
  judge('livenessProbe', c.livenessProbe, liveness);
  judge('readinessProbe', c.readinessProbe, readiness);
  if (ok) ctx.evidence(`liveness ${liveness} and readiness ${readiness} on port ${port ?? '?'} (${valueEvidence(addr)})`);
}

function metrics(ctx: Ctx, api: Api, annotation: string): void {
  const w = api.workload;
  const monitors = ctx.model.serviceMonitors;
  if (monitors.length > 0) return ctx.evidence(`${monitors.map((m) => `${m.kind}/${m.name}`).join(', ')} (${where(monitors[0]!.location)})`);
  const v = w.podAnnotations[annotation];
  if (v !== undefined && v.trim().toLowerCase() === 'true') return ctx.evidence(`${w.kind}/${w.name} pods annotated ${annotation}: "true"`);
  ctx.report({ messageId: 'notScraped', data: { annotation, where: where(w.location) }, ...loc(w.location) });
}

function writablePaths(ctx: Ctx, api: Api, variables: string[], tmpdir: string | undefined): void {
  const { workload: w, container: c } = api;
  // readOnlyRootFilesystem exists only on the container's securityContext.
  if (c.securityContext?.readOnlyRootFilesystem !== true) {
    return ctx.evidence(`${w.kind}/${w.name}: the root filesystem is writable`);
  }
  const wants: Array<{ variable: string; path: string; location?: Location }> = [];
  for (const variable of variables) {
    const e = effective(ctx.model, variable);
    if (e.state !== 'set') continue;
    wants.push({ variable, path: e.raw.trim(), location: e.def.location });
  }
  if (tmpdir) {
    const t = effective(ctx.model, 'TMPDIR');
    wants.push(t.state === 'set' ? { variable: 'TMPDIR', path: t.raw.trim(), location: t.def.location } : { variable: 'TMPDIR', path: tmpdir });
  }
  for (const want of wants) {
    // A log file lives in its folder; TMPDIR is the folder itself.
    const dir = want.variable === 'TMPDIR' ? want.path : want.path.replace(/\/[^/]*$/, '') || '/';
    // A file mounted by itself (subPath) is writable too.
    const mount = mountedAt(c, dir) ?? (want.variable === 'TMPDIR' ? undefined : mountedAt(c, want.path));
    if (mount) {
      ctx.evidence(`${want.variable}=${want.path} is on the volume mounted at ${mount}`);
      continue;
    }
    const l = want.location ?? c.location;
    ctx.report({ messageId: 'notWritable', data: { variable: want.variable, path: want.path, dir, where: where(l) }, ...loc(l) });
  }
}
