// Rendered Kubernetes manifests (helm template output, kubectl get -o yaml Lists): workloads, ConfigMaps,
// Secrets (decoded to be judged, never printed), ServiceMonitors, each with its position.
import type { Location } from '../core/types.js';
import type { Container, Duplicate, HttpProbeSpec, ObjectAnnotation, ParseProblem, ResourceRef, SourceComment, Workload, WorkloadKind } from '../core/model.js';
import { locateIn, locateKey, mapPairs, pairKeyLocation, parseYamlFile, type YamlDoc } from './yaml-doc.js';

type Path = Array<string | number>;

export interface KeyedData {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  /** Key → value (Secret data decoded from base64) with the key's position. */
  entries: Map<string, { value: string; location: Location }>;
  location: Location;
}

export interface EnvRefEntry {
  name: string;
  location: Location;
  value?: string;
  secretKeyRef?: { name: string; key: string };
  configMapKeyRef?: { name: string; key: string };
  /** fieldRef / resourceFieldRef: set by Kubernetes itself. */
  fromField?: boolean;
}

export interface ContainerEnvSpec {
  envFrom: Array<{ kind: 'ConfigMap' | 'Secret'; name: string; location: Location }>;
  env: EnvRefEntry[];
  duplicates: Duplicate[];
}

export interface ManifestSet {
  workloads: Array<Workload & { envSpecs: Map<string, ContainerEnvSpec> }>;
  configMaps: Map<string, KeyedData>;
  secrets: Map<string, KeyedData>;
  serviceMonitors: ResourceRef[];
  problems: ParseProblem[];
  duplicates: Duplicate[];
  files: string[];
  /** Comments of every manifest file, with positions. */
  comments: SourceComment[];
  /** `prodready.io/...` annotations of every object (any kind), with the annotation's position. */
  annotations: ObjectAnnotation[];
}

/** Annotations under this prefix speak to prodready (`prodready.io/ignore`). */
export const ANNOTATION_PREFIX = 'prodready.io/';

const WORKLOAD_KINDS = new Set<WorkloadKind>(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}
function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) {
    const s = str(val);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

export function emptyManifestSet(): ManifestSet {
  return { workloads: [], configMaps: new Map(), secrets: new Map(), serviceMonitors: [], problems: [], duplicates: [], files: [], comments: [], annotations: [] };
}

export function addManifestFile(set: ManifestSet, name: string, text: string): void {
  set.files.push(name);
  const parsed = parseYamlFile(name, text, '1.2');
  set.problems.push(...parsed.problems);
  set.comments.push(...parsed.comments);
  for (const y of parsed.docs) {
    const root = obj(y.data);
    if (root.kind === 'List' || (typeof root.kind === 'string' && root.kind.endsWith('List') && Array.isArray(root.items))) {
      arr(root.items).forEach((item, i) => addObject(set, y, ['items', i], obj(item)));
    } else if (root.kind) {
      addObject(set, y, [], root);
    }
  }
}

function addObject(set: ManifestSet, y: YamlDoc, base: Path, o: Record<string, unknown>): void {
  const kind = str(o.kind) ?? '';
  const meta = obj(o.metadata);
  const name = str(meta.name) ?? '(unnamed)';
  const resource = `${kind}/${name}`;
  const at = (p: Path): Location => ({ ...(locateIn(y, [...base, ...p]) ?? { file: y.file }), resource });
  const keyAt = (p: Path): Location => ({ ...(locateKey(y, [...base, ...p]) ?? { file: y.file }), resource });
  for (const [key, value] of Object.entries(strMap(meta.annotations))) {
    if (!key.startsWith(ANNOTATION_PREFIX)) continue;
    const l = keyAt(['metadata', 'annotations', key]);
    const whole = locateIn(y, base);
    const start = whole?.line ?? 1;
    set.annotations.push({ file: y.file, line: l.line ?? 1, column: l.column ?? 1, resource, key, value, objectLines: { start, end: whole?.endLine ?? start } });
  }
  if (kind === 'ConfigMap' || kind === 'Secret') {
    const entries = new Map<string, { value: string; location: Location }>();
    // Keys located through an index built once per map: one getIn per key is quadratic in the map's size.
    const indexes = new Map<string, ReturnType<typeof mapPairs>>();
    const dataKeyAt = (field: 'data' | 'stringData', k: string): Location => {
      if (!indexes.has(field)) indexes.set(field, mapPairs(y, [...base, field]));
      const pair = indexes.get(field)?.get(k);
      return pair ? { ...pairKeyLocation(y, pair, [...base, field, k].join('.')), resource } : keyAt([field, k]);
    };
    if (kind === 'Secret') {
      for (const [k, v] of Object.entries(obj(o.data))) {
        const s = str(v);
        if (s !== undefined) entries.set(k, { value: decodeBase64(s), location: dataKeyAt('data', k) });
      }
      // stringData wins over data, as the API server merges them.
      for (const [k, v] of Object.entries(obj(o.stringData))) {
        const s = str(v);
        if (s !== undefined) entries.set(k, { value: s, location: dataKeyAt('stringData', k) });
      }
    } else {
      for (const [k, v] of Object.entries(obj(o.data))) {
        const s = str(v);
        if (s !== undefined) entries.set(k, { value: s, location: dataKeyAt('data', k) });
      }
    }
    const target = kind === 'Secret' ? set.secrets : set.configMaps;
    target.set(name, { kind, name, entries, location: at([]) });
    return;
  }
  if (kind === 'ServiceMonitor' || kind === 'PodMonitor') {
    set.serviceMonitors.push({ kind, name, location: at([]) });
    return;
  }
  if (!WORKLOAD_KINDS.has(kind as WorkloadKind)) return;
  const spec = obj(o.spec);
  let podPath: Path;
  if (kind === 'CronJob') podPath = ['spec', 'jobTemplate', 'spec', 'template'];
  else if (kind === 'Pod') podPath = [];
  else podPath = ['spec', 'template'];
  const pod = podPath.reduce<Record<string, unknown>>((acc, p) => obj(acc[p as string]), o);
  const podSpec = kind === 'Pod' ? spec : obj(pod.spec);
  const podSpecPath: Path = kind === 'Pod' ? ['spec'] : [...podPath, 'spec'];
  const annotations = strMap(meta.annotations);
  const hooks = (annotations['helm.sh/hook'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const envSpecs = new Map<string, ContainerEnvSpec>();
  const readContainers = (field: 'containers' | 'initContainers'): Container[] =>
    arr(podSpec[field]).map((c, i) => {
      const co = obj(c);
      const cpath: Path = [...podSpecPath, field, i];
      const cname = str(co.name) ?? `${field}[${i}]`;
      const envSpec = readEnvSpec(co, cpath, at);
      envSpecs.set(`${field}/${cname}`, envSpec);
      return {
        name: cname,
        ...(str(co.image) !== undefined ? { image: str(co.image)!, imageLocation: at([...cpath, 'image']) } : {}),
        command: arr(co.command).map((x) => str(x) ?? ''),
        args: arr(co.args).map((x) => str(x) ?? ''),
        ...probeSpec(co.livenessProbe, [...cpath, 'livenessProbe'], at, 'livenessProbe'),
        ...probeSpec(co.readinessProbe, [...cpath, 'readinessProbe'], at, 'readinessProbe'),
        ports: arr(co.ports)
          .map((p) => Number(obj(p).containerPort))
          .filter((n) => Number.isFinite(n)),
        portNames: Object.fromEntries(
          arr(co.ports)
            .map((p) => [str(obj(p).name), Number(obj(p).containerPort)] as const)
            .filter((e): e is readonly [string, number] => e[0] !== undefined && Number.isFinite(e[1])),
        ),
        ...(co.resources !== undefined
          ? {
              resources: { requests: strMap(obj(co.resources).requests), limits: strMap(obj(co.resources).limits) },
              resourcesLocation: at([...cpath, 'resources']),
            }
          : {}),
        ...(co.securityContext !== undefined ? { securityContext: obj(co.securityContext) } : {}),
        volumeMounts: arr(co.volumeMounts).map((m) => ({ name: str(obj(m).name) ?? '', mountPath: str(obj(m).mountPath) ?? '' })),
        envNames: [...envSpec.env.map((e) => e.name), ...envSpec.envFrom.map((f) => `${f.kind}:${f.name}`)],
        location: at(cpath),
      };
    });
  const replicas = spec.replicas;
  const workload: Workload & { envSpecs: Map<string, ContainerEnvSpec> } = {
    kind: kind as WorkloadKind,
    name,
    ...(str(meta.generateName) !== undefined && str(meta.name) === undefined ? { generateName: str(meta.generateName)! } : {}),
    ...(str(meta.namespace) ? { namespace: str(meta.namespace)! } : {}),
    ...(typeof replicas === 'number' ? { replicas, replicasLocation: at(['spec', 'replicas']) } : {}),
    annotations,
    podAnnotations: strMap(obj(pod.metadata).annotations),
    labels: { ...strMap(meta.labels), ...strMap(obj(pod.metadata).labels) },
    helmHooks: hooks,
    ...(kind === 'CronJob' && str(spec.schedule) ? { schedule: str(spec.schedule)! } : {}),
    containers: readContainers('containers'),
    initContainers: readContainers('initContainers'),
    ...(podSpec.securityContext !== undefined ? { podSecurityContext: obj(podSpec.securityContext) } : {}),
    volumes: arr(podSpec.volumes).map((v) => str(obj(v).name) ?? ''),
    location: at([]),
    envSpecs,
  };
  set.workloads.push(workload);
  for (const spec2 of envSpecs.values()) set.duplicates.push(...spec2.duplicates);
}

function probeSpec(
  v: unknown,
  path: Path,
  at: (p: Path) => Location,
  field: 'livenessProbe' | 'readinessProbe',
): Partial<Record<typeof field, HttpProbeSpec>> {
  if (v === undefined || v === null) return {};
  const http = obj(obj(v).httpGet);
  const port = http.port;
  const spec: HttpProbeSpec = {
    ...(str(http.path) !== undefined ? { path: str(http.path)! } : {}),
    ...(typeof port === 'number' || typeof port === 'string' ? { port } : {}),
    location: at(path),
  };
  return { [field]: spec };
}

function readEnvSpec(co: Record<string, unknown>, cpath: Path, at: (p: Path) => Location): ContainerEnvSpec {
  const envFrom: ContainerEnvSpec['envFrom'] = [];
  arr(co.envFrom).forEach((f, i) => {
    const fo = obj(f);
    const cm = str(obj(fo.configMapRef).name);
    const sec = str(obj(fo.secretRef).name);
    if (cm) envFrom.push({ kind: 'ConfigMap', name: cm, location: at([...cpath, 'envFrom', i]) });
    if (sec) envFrom.push({ kind: 'Secret', name: sec, location: at([...cpath, 'envFrom', i]) });
  });
  const env: EnvRefEntry[] = [];
  const seen = new Map<string, Location>();
  const duplicates: Duplicate[] = [];
  arr(co.env).forEach((e, i) => {
    const eo = obj(e);
    const name = str(eo.name);
    if (!name) return;
    const location = { ...at([...cpath, 'env', i]), path: name };
    const vf = obj(eo.valueFrom);
    const entry: EnvRefEntry = { name, location };
    if (eo.value !== undefined) entry.value = str(eo.value) ?? '';
    else if (vf.secretKeyRef) entry.secretKeyRef = { name: str(obj(vf.secretKeyRef).name) ?? '', key: str(obj(vf.secretKeyRef).key) ?? '' };
    else if (vf.configMapKeyRef) entry.configMapKeyRef = { name: str(obj(vf.configMapKeyRef).name) ?? '', key: str(obj(vf.configMapKeyRef).key) ?? '' };
    else if (vf.fieldRef || vf.resourceFieldRef) entry.fromField = true;
    else entry.value = '';
    const prev = seen.get(name);
    if (prev) duplicates.push({ name, first: prev, second: location, winner: 'the later entry in the env list' });
    seen.set(name, location);
    env.push(entry);
  });
  return { envFrom, env, duplicates };
}

function decodeBase64(s: string): string {
  return Buffer.from(s.replace(/\s+/g, ''), 'base64').toString('utf8');
}
