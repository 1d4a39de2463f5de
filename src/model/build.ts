// Join every source into one DeploymentModel: the api container's environment with provenance and delivery,
// the workloads, and what could not be seen. Layers apply in order: Helm values, rendered manifests, .env files.
import type { Location } from '../core/types.js';
import { parseEnvFile } from '../sources/env-file.js';
import { getPath, helmMapEntries, loadValues, type LoadedValues, type ValuesInput } from '../sources/helm-values.js';
import { addManifestFile, emptyManifestSet, type ManifestSet } from '../sources/manifests.js';
import type { TextFile } from '../io/read-file.js';
import { locateKey, parseYamlFile } from '../sources/yaml-doc.js';
import { describeLocation } from '../core/describe.js';
import type { Container, DeploymentModel, EnvDefinition, EnvVar, ServiceFacts, VariableSpec, Workload } from '../core/model.js';

export interface ModelInputs {
  envFiles: TextFile[];
  valuesFiles: TextFile[];
  manifestFiles: TextFile[];
  /** `--environment`: overrides what ENV says about which policy applies. */
  environment?: string;
  /** Merge the chart's own values under the user's, as Helm does (default true). */
  chartDefaults?: boolean;
}

/** What the model needs from the rule pack: the service's variables, the chart's values and what the chart injects. */
export interface ModelPack {
  catalogue: Map<string, VariableSpec>;
  chartDefaults: { text: string };
  service: ServiceFacts;
}

export const CHART_DEFAULTS_NAME = '<recsys chart defaults>';
/** Names the chart gives its resources (they omit the release name). */
export const CHART_API_NAME = 'recsys-api';

const chartDefaultsInputs = new WeakMap<ModelPack['chartDefaults'], ValuesInput>();
/** Parsed once per pack: fleet mode merges the same defaults under every deployment (read-only). */
function chartDefaults(pack: ModelPack): ValuesInput {
  let input = chartDefaultsInputs.get(pack.chartDefaults);
  if (!input) {
    const text = pack.chartDefaults.text;
    input = { name: CHART_DEFAULTS_NAME, text, parsed: parseYamlFile(CHART_DEFAULTS_NAME, text, '1.1') };
    chartDefaultsInputs.set(pack.chartDefaults, input);
  }
  return input;
}

/** A chart default has no file of the user's to point at: say so instead of naming a file. */
function userLocation(loc: Location | undefined, path: string): Location {
  if (!loc) return { path };
  if (loc.file === CHART_DEFAULTS_NAME) return { path: loc.path ?? path, resource: 'recsys chart default' };
  return loc;
}

class EnvBuilder {
  readonly vars = new Map<string, EnvVar>();
  set(def: EnvDefinition): void {
    const prev = this.vars.get(def.name);
    if (prev) {
      prev.definitions.push(def);
      prev.effective = def;
    } else {
      this.vars.set(def.name, { name: def.name, effective: def, definitions: [def] });
    }
  }
}

export function buildModel(inputs: ModelInputs, pack: ModelPack): DeploymentModel {
  const catalogue = pack.catalogue;
  const env = new EnvBuilder();
  const model: DeploymentModel = {
    production: false,
    environmentSource: '',
    env: env.vars,
    opaqueSources: [],
    workloads: [],
    serviceMonitors: [],
    sources: [],
    problems: [],
    duplicates: [],
    catalogue,
  };

  let values: LoadedValues | undefined;
  if (inputs.valuesFiles.length > 0) {
    const files = inputs.chartDefaults === false ? inputs.valuesFiles : [chartDefaults(pack), ...inputs.valuesFiles];
    values = loadValues(files);
    model.values = values;
    model.problems.push(...values.problems);
    model.duplicates.push(...values.duplicates.filter((d) => d.first.file !== CHART_DEFAULTS_NAME));
    for (const f of inputs.valuesFiles) model.sources.push({ kind: 'helm-values', file: f.name });
    applyValues(values, env, model, pack.service);
  }

  if (inputs.manifestFiles.length > 0) {
    const set = emptyManifestSet();
    for (const f of inputs.manifestFiles) {
      addManifestFile(set, f.name, f.text);
      model.sources.push({ kind: 'manifests', file: f.name });
    }
    model.problems.push(...set.problems);
    applyManifests(set, env, model);
  }

  for (const f of inputs.envFiles) {
    model.sources.push({ kind: 'env', file: f.name });
    const parsed = parseEnvFile(f.name, f.text);
    model.problems.push(...parsed.problems);
    model.duplicates.push(...parsed.duplicates);
    for (const e of parsed.all) {
      env.set({
        name: e.key,
        value: e.value,
        delivery: 'env-file',
        location: { file: f.name, line: e.line, column: e.column, path: e.key },
        layer: 'env',
      });
    }
  }

  decideEnvironment(model, inputs.environment);
  return model;
}

function decideEnvironment(model: DeploymentModel, override: string | undefined): void {
  const def = model.env.get('ENV')?.effective;
  const raw = def?.value?.trim().toLowerCase();
  const fromEnv = raw === 'prod' || raw === 'production';
  const where = def ? describeLocation(def.location) : '';
  if (override !== undefined) {
    const o = override.trim().toLowerCase();
    model.production = o === 'prod' || o === 'production';
    model.environmentSource = `--environment ${override}`;
    return;
  }
  model.production = fromEnv;
  model.environmentSource = def ? `ENV=${def.value ?? '(unseen)'} (${where})` : 'ENV is not set';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function applyValues(values: LoadedValues, env: EnvBuilder, model: DeploymentModel, service: ServiceFacts): void {
  const apiEnv = helmMapEntries(values, ['api', 'env']);
  for (const [name, s] of apiEnv) {
    const location = userLocation(s.location, `api.env.${name}`);
    env.set({
      name,
      value: s.rendered,
      ...(s.sourceText !== s.rendered || !s.quoted ? { sourceText: s.sourceText } : {}),
      yamlType: s.quoted ? 'string' : s.yamlType,
      delivery: 'configmap',
      via: CHART_API_NAME,
      location,
      layer: 'helm-values',
      ...(location.resource === 'recsys chart default' ? { chartDefault: true } : {}),
    });
  }
  injectChartDefaults(values, apiEnv, env, model, service);

  const existing = str(getPath(values.data, ['api', 'existingSecret']))?.trim() ?? '';
  const secrets = helmMapEntries(values, ['api', 'secrets']);
  if (existing !== '') {
    model.opaqueSources.push({
      kind: 'Secret',
      name: existing,
      location: userLocation(values.locate(['api', 'existingSecret']), 'api.existingSecret'),
    });
  } else {
    for (const [name, s] of secrets) {
      env.set({
        name,
        value: s.rendered,
        delivery: 'secret',
        via: CHART_API_NAME,
        location: userLocation(s.location, `api.secrets.${name}`),
        layer: 'helm-values',
      });
    }
  }
  const rendered = renderWorkloads(values);
  model.workloads.push(...rendered);
  const apiWorkload = rendered[0]!;
  model.api = { workload: apiWorkload, container: apiWorkload.containers[0]! };
}

/** The chart's guards write dev-dependency settings into the ConfigMap when api.env lacks them (pack data). */
function injectChartDefaults(
  values: LoadedValues,
  apiEnv: ReturnType<typeof helmMapEntries>,
  env: EnvBuilder,
  model: DeploymentModel,
  service: ServiceFacts,
): void {
  const inject = (guard: string, flagPath: string[], entries: Record<string, string>): void => {
    if (getPath(values.data, flagPath) !== true || apiEnv.has(guard)) return;
    const location = userLocation(values.locate(flagPath), flagPath.join('.'));
    for (const [name, value] of Object.entries(entries)) {
      const already = apiEnv.get(name);
      if (already) {
        model.duplicates.push({
          name,
          first: userLocation(already.location, `api.env.${name}`),
          second: { ...location, path: flagPath.join('.') },
          winner: `the chart writes ${name} into the ConfigMap twice; the injected one comes last and wins`,
        });
      }
      env.set({ name, value, delivery: 'chart-configmap', via: CHART_API_NAME, location, layer: 'helm-values' });
    }
  };
  for (const i of service.chartInjections) {
    const entries = Object.fromEntries(
      Object.entries(i.env).map(([name, v]) => [name, typeof v === 'string' ? v : (str(getPath(values.data, v.fromValues)) ?? v.default)]),
    );
    inject(i.guard, i.when, entries);
  }
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) {
    const s = str(val);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** What the chart would render from the values, for when no manifests are given. */
function renderWorkloads(values: LoadedValues): Workload[] {
  const d = values.data;
  const at = (path: string[]): Location => userLocation(values.locate(path), path.join('.'));
  // The workload itself is best shown at the `api:` key of the last file that configures it.
  const keyAt = (path: string[]): Location => {
    for (let i = values.files.length - 1; i >= 0; i -= 1) {
      const doc = values.files[i]!.doc;
      if (doc && doc.doc.hasIn(path)) return userLocation(locateKey(doc, path), path.join('.'));
    }
    return at(path);
  };
  const api = obj(d.api);
  const image = obj(api.image);
  const port = (getPath(d, ['api', 'service', 'port']) as number | string | undefined) ?? 8000;
  const resources = obj(api.resources);
  const container: Container = {
    name: 'api',
    image: `${str(image.repository) ?? 'recsys-service'}:${str(image.tag) ?? ''}`,
    imageLocation: at(['api', 'image', 'tag']),
    command: [],
    args: [],
    livenessProbe: { path: '/healthz', port, location: at(['api', 'service', 'port']) },
    readinessProbe: { path: '/readyz', port, location: at(['api', 'service', 'port']) },
    ports: [Number(port)],
    resources: { requests: strMap(resources.requests), limits: strMap(resources.limits) },
    resourcesLocation: at(['api', 'resources']),
    securityContext: obj(api.securityContext),
    volumeMounts: [],
    envNames: Object.keys(obj(api.env)),
    location: keyAt(['api']),
  };
  const out: Workload[] = [
    {
      kind: 'Deployment',
      name: CHART_API_NAME,
      replicas: typeof api.replicaCount === 'number' ? api.replicaCount : 1,
      replicasLocation: at(['api', 'replicaCount']),
      annotations: {},
      podAnnotations: strMap(api.podAnnotations),
      labels: { 'app.kubernetes.io/component': 'api' },
      helmHooks: [],
      containers: [container],
      initContainers: [],
      podSecurityContext: obj(api.podSecurityContext),
      volumes: [],
      location: keyAt(['api']),
      renderedFrom: 'helm-values',
    },
  ];
  const pipelines = obj(d.pipelines);
  if (pipelines.enabled === true) {
    out.push({
      kind: 'CronJob',
      name: 'recsys-pipelines',
      ...(str(pipelines.schedule) ? { schedule: str(pipelines.schedule)! } : {}),
      annotations: {},
      podAnnotations: {},
      labels: {},
      helmHooks: [],
      containers: [],
      initContainers: [],
      volumes: [],
      location: keyAt(['pipelines', 'enabled']),
      renderedFrom: 'helm-values',
    });
  }
  return out;
}

function applyManifests(set: ManifestSet, env: EnvBuilder, model: DeploymentModel): void {
  model.serviceMonitors.push(...set.serviceMonitors);
  model.duplicates.push(...set.duplicates);
  // Rendered manifests are the truth of what runs: they replace workloads derived from values. Manifests with no
  // long-running workload (only a migration Job, say) are a partial render: the api derived from values still stands.
  if (set.workloads.some((w) => w.kind === 'Deployment' || w.kind === 'StatefulSet')) {
    model.workloads = [];
    delete model.api;
  }
  model.workloads.push(...set.workloads);
  const api = pickApi(set, model);
  if (!api) return;
  model.api = { workload: api.workload, container: api.container };
  const spec = api.workload.envSpecs.get(`containers/${api.container.name}`);
  if (!spec) return;
  for (const from of spec.envFrom) {
    const source = from.kind === 'ConfigMap' ? set.configMaps.get(from.name) : set.secrets.get(from.name);
    if (!source) {
      model.opaqueSources.push({ kind: from.kind, name: from.name, location: from.location });
      continue;
    }
    for (const [name, e] of source.entries) {
      env.set({
        name,
        value: e.value,
        delivery: from.kind === 'ConfigMap' ? 'configmap' : 'secret',
        via: from.name,
        location: { ...e.location, path: name },
        layer: 'manifests',
      });
    }
  }
  // Explicit env entries override envFrom, as the kubelet applies them.
  for (const e of spec.env) {
    if (e.fromField) continue;
    if (e.value !== undefined) {
      env.set({ name: e.name, value: e.value, delivery: 'literal', location: e.location, layer: 'manifests' });
    } else if (e.secretKeyRef) {
      const sec = set.secrets.get(e.secretKeyRef.name);
      const value = sec?.entries.get(e.secretKeyRef.key)?.value;
      env.set({
        name: e.name,
        value,
        delivery: sec ? 'secret' : 'existing-secret',
        via: e.secretKeyRef.name,
        location: e.location,
        layer: 'manifests',
      });
    } else if (e.configMapKeyRef) {
      const cm = set.configMaps.get(e.configMapKeyRef.name);
      env.set({
        name: e.name,
        value: cm?.entries.get(e.configMapKeyRef.key)?.value,
        delivery: 'configmap',
        via: e.configMapKeyRef.name,
        location: e.location,
        layer: 'manifests',
      });
    }
  }
}

/** The recsys api: the long-running workload whose container is named or labelled api, or reads the most recsys variables. */
function pickApi(set: ManifestSet, model: DeploymentModel): { workload: ManifestSet['workloads'][number]; container: Container } | undefined {
  let best: { workload: ManifestSet['workloads'][number]; container: Container; score: number } | undefined;
  for (const w of set.workloads) {
    if (w.kind !== 'Deployment' && w.kind !== 'StatefulSet') continue;
    for (const c of w.containers) {
      let score = 0;
      if (c.name === 'api') score += 3;
      if (/(^|-)api$/.test(w.name)) score += 3;
      if (w.labels['app.kubernetes.io/component'] === 'api') score += 2;
      score += c.envNames.filter((n) => model.catalogue.has(n)).length;
      if (c.envNames.some((n) => n.startsWith('ConfigMap:') || n.startsWith('Secret:'))) score += 1;
      if (score > 0 && (!best || score > best.score)) best = { workload: w, container: c, score };
    }
  }
  return best;
}
