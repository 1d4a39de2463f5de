// Join every source into one DeploymentModel: the api container's environment with provenance and delivery,
// the workloads, and what could not be seen. Layers apply in order: Helm values, rendered manifests, .env files.
import type { Location } from '../core/types.js';
import { parseEnvFile } from '../sources/env-file.js';
import { getPath, helmMapEntries, loadValues, type LoadedValues, type ValuesInput } from '../sources/helm-values.js';
import { addManifestFile, emptyManifestSet, type ManifestSet } from '../sources/manifests.js';
import type { TextFile } from '../io/read-file.js';
import { locateKey, parseYamlFile } from '../sources/yaml-doc.js';
import { kubeExpand, type KubeVar } from './kube-expansion.js';
import { describeLocation } from '../core/describe.js';
import type { ChartRender, Container, DeploymentModel, EnvDefinition, EnvVar, ServiceFacts, VariableSpec, Workload } from '../core/model.js';

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
/** The api's name with no nameOverride/fullnameOverride (the chart's names omit the release name). */
export const CHART_API_NAME = 'recsys-api';

/** Go template truthiness (`{{ if }}`): false, 0, "", nil and empty maps and lists are false; "false" is true. */
export function goTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** `%s` of a values scalar as Helm prints it (numbers without a trailing .0, as YAML gave them). */
function printed(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The chart's fullname (_helpers.tpl): fullnameOverride, else nameOverride, else the chart name; 63 chars, no trailing "-". */
export function chartFullname(data: Record<string, unknown>, render: ChartRender): string {
  const cut = (s: string): string => s.slice(0, 63).replace(/-+$/, '');
  const full = getPath(data, ['fullnameOverride']);
  if (goTruthy(full)) return cut(printed(full));
  const name = getPath(data, ['nameOverride']);
  return cut(goTruthy(name) ? printed(name) : render.chartName);
}

/** Fill `${a.b}`, `${a.b|fallback}` and `${fullname}` from the values. */
export function fillTemplate(template: string, data: Record<string, unknown>, fullname: string): string {
  return template.replace(/\$\{([^}|]+)(?:\|([^}]*))?\}/g, (_m, path: string, fallback: string | undefined) => {
    if (path === 'fullname') return fullname;
    const v = printed(getPath(data, path.split('.')));
    return v === '' && fallback !== undefined ? fallback : v;
  });
}

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
    podProduction: false,
    podEnvironment: '',
    env: env.vars,
    opaqueSources: [],
    workloads: [],
    serviceMonitors: [],
    sources: [],
    problems: [],
    duplicates: [],
    catalogue,
    comments: [],
    annotations: [],
  };

  // Bytes that are not UTF-8 were read as U+FFFD: say where, instead of judging the replaced text silently.
  for (const f of [...inputs.valuesFiles, ...inputs.manifestFiles, ...inputs.envFiles]) {
    if (!f.invalidUtf8) continue;
    const { offset, line, column } = f.invalidUtf8;
    model.problems.push({ file: f.name, line, column, code: 'invalid-utf8', message: `byte ${offset} (line ${line}, column ${column}) is not valid UTF-8` });
  }

  let values: LoadedValues | undefined;
  if (inputs.valuesFiles.length > 0) {
    const files = inputs.chartDefaults === false ? inputs.valuesFiles : [chartDefaults(pack), ...inputs.valuesFiles];
    values = loadValues(files);
    model.values = values;
    model.problems.push(...values.problems);
    model.duplicates.push(...values.duplicates.filter((d) => d.first.file !== CHART_DEFAULTS_NAME));
    model.comments!.push(...values.comments.filter((c) => c.file !== CHART_DEFAULTS_NAME));
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
    model.comments!.push(...set.comments);
    model.annotations!.push(...set.annotations);
    applyManifests(set, env, model);
  }

  for (const f of inputs.envFiles) {
    model.sources.push({ kind: 'env', file: f.name });
    const parsed = parseEnvFile(f.name, f.text);
    model.problems.push(...parsed.problems);
    model.duplicates.push(...parsed.duplicates);
    model.comments!.push(...parsed.comments);
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

/**
 * ENV decides what the pod does (its production defaults and refusals); --environment decides how strictly we
 * judge. Both are recorded, and the source says which one decided the strictness.
 */
function decideEnvironment(model: DeploymentModel, override: string | undefined): void {
  const def = model.env.get('ENV')?.effective;
  const raw = def?.value?.trim().toLowerCase();
  model.podProduction = raw === 'prod' || raw === 'production';
  // A value a Secret delivers is secret whatever its key (the engine's secret policy): the header says
  // whether it reads as production and does not repeat it.
  const secret = def !== undefined && (def.delivery === 'secret' || def.delivery === 'existing-secret');
  model.podEnvironment = def
    ? def.value === undefined
      ? `ENV from ${def.via ?? 'a Secret'} cannot be seen (${describeLocation(def.location)})`
      : secret
        ? `ENV set in Secret ${def.via ?? '?'}, ${model.podProduction ? '' : 'not '}production (${describeLocation(def.location)})`
        : `ENV=${def.value} (${describeLocation(def.location)})`
    : 'ENV is not set';
  const podWords = model.podProduction ? 'the pod runs as production' : 'the pod runs with non-production defaults and makes no production refusals';
  if (override !== undefined) {
    const o = override.trim().toLowerCase();
    model.production = o === 'prod' || o === 'production';
    model.environmentSource =
      model.production === model.podProduction
        ? `--environment ${override}; ${model.podEnvironment}`
        : `judged as --environment ${override}; ${model.podEnvironment}, so ${podWords}`;
    return;
  }
  model.production = model.podProduction;
  model.environmentSource = model.podEnvironment;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function applyValues(values: LoadedValues, env: EnvBuilder, model: DeploymentModel, service: ServiceFacts): void {
  const apiEnv = helmMapEntries(values, ['api', 'env']);
  const render = service.chart;
  const apiName = fillTemplate(render.resources.api, values.data, chartFullname(values.data, render));
  for (const [name, s] of apiEnv) {
    const location = userLocation(s.location, `api.env.${name}`);
    env.set({
      name,
      value: s.rendered,
      ...(s.sourceText !== s.rendered || !s.quoted ? { sourceText: s.sourceText } : {}),
      yamlType: s.quoted ? 'string' : s.yamlType,
      delivery: 'configmap',
      via: apiName,
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
        via: apiName,
        location: userLocation(s.location, `api.secrets.${name}`),
        layer: 'helm-values',
      });
    }
  }
  const rendered = renderWorkloads(values, apiName, service.chart);
  model.workloads.push(...rendered);
  const apiWorkload = rendered[0]!;
  model.api = { workload: apiWorkload, container: apiWorkload.containers[0]! };
}

/** The chart's guards write dev-dependency settings into the ConfigMap when api.env lacks them (chart-render.yaml). */
function injectChartDefaults(
  values: LoadedValues,
  apiEnv: ReturnType<typeof helmMapEntries>,
  env: EnvBuilder,
  model: DeploymentModel,
  service: ServiceFacts,
): void {
  const render = service.chart;
  const fullname = chartFullname(values.data, render);
  const via = fillTemplate(render.resources.api, values.data, fullname);
  for (const inj of render.injections) {
    const flagPath = inj.when.split('.');
    if (!goTruthy(getPath(values.data, flagPath)) || apiEnv.has(inj.guard)) continue;
    const location = userLocation(values.locate(flagPath), inj.when);
    for (const [name, template] of Object.entries(inj.env)) {
      const already = apiEnv.get(name);
      if (already) {
        model.duplicates.push({
          name,
          first: userLocation(already.location, `api.env.${name}`),
          second: { ...location, path: inj.when },
          winner: `the chart writes ${name} into the ConfigMap twice; the injected one comes last and wins`,
        });
      }
      env.set({ name, value: fillTemplate(template, values.data, fullname), delivery: 'chart-configmap', via, location, layer: 'helm-values' });
    }
  }
}

function replicasOf(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return 1;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return undefined;
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
function renderWorkloads(values: LoadedValues, apiName: string, render: ChartRender): Workload[] {
  const d = values.data;
  const fullname = chartFullname(d, render);
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
    // api-deployment.yaml:29 prints "repository:tag" as given.
    image: `${str(image.repository) ?? ''}:${str(image.tag) ?? ''}`,
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
      name: apiName,
      // api-deployment.yaml:8 prints replicaCount unquoted: "3" renders as 3.
      ...(replicasOf(api.replicaCount) !== undefined ? { replicas: replicasOf(api.replicaCount)! } : {}),
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
  if (goTruthy(pipelines.enabled)) {
    out.push({
      kind: 'CronJob',
      name: `${fullname}-pipelines`,
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
  // What the container holds so far, for the kubelet's $(NAME) expansion of literal values (kube-expansion.ts).
  const defined = new Map<string, KubeVar>();
  const maybe: string[] = [];
  for (const from of spec.envFrom) {
    const source = from.kind === 'ConfigMap' ? set.configMaps.get(from.name) : set.secrets.get(from.name);
    if (!source) {
      model.opaqueSources.push({ kind: from.kind, name: from.name, location: from.location });
      maybe.push(`${from.kind} ${from.name}`);
      continue;
    }
    for (const [name, e] of source.entries) {
      defined.set(name, e.value !== undefined ? { value: e.value } : { unseen: `${from.kind} ${from.name}` });
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
    if (e.fromField) {
      defined.set(e.name, { unseen: 'a field of the pod' });
      continue;
    }
    if (e.value !== undefined) {
      const k = kubeExpand(e.value, defined, maybe);
      if ('value' in k) {
        env.set({ name: e.name, value: k.value, ...(k.value !== e.value ? { sourceText: e.value } : {}), delivery: 'literal', location: e.location, layer: 'manifests' });
        defined.set(e.name, { value: k.value });
      } else {
        // $(NAME) of data that cannot be seen: the value the container gets cannot be known.
        env.set({ name: e.name, value: undefined, delivery: 'literal', via: k.unseen.join(', '), location: e.location, layer: 'manifests' });
        defined.set(e.name, { unseen: k.unseen.join(', ') });
      }
    } else if (e.secretKeyRef) {
      const sec = set.secrets.get(e.secretKeyRef.name);
      const value = sec?.entries.get(e.secretKeyRef.key)?.value;
      defined.set(e.name, value !== undefined ? { value } : { unseen: `Secret ${e.secretKeyRef.name}` });
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
      const cmValue = cm?.entries.get(e.configMapKeyRef.key)?.value;
      defined.set(e.name, cmValue !== undefined ? { value: cmValue } : { unseen: `ConfigMap ${e.configMapKeyRef.name}` });
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
