import type { Location } from './types.js';

/** How a value reaches the api container. */
export type Delivery =
  | 'secret' // a Secret whose keys we can see (api.secrets, a rendered Secret, secretKeyRef)
  | 'existing-secret' // a Secret made elsewhere: keys and values unknown
  | 'configmap' // api.env or a rendered ConfigMap
  | 'chart-configmap' // written into the ConfigMap by the chart itself (postgres/minio guards)
  | 'literal' // a plain `value:` in the pod spec
  | 'env-file'; // a .env file given with --env

export type SourceLayer = 'helm-values' | 'manifests' | 'env';

export interface EnvDefinition {
  name: string;
  /** The string the pod sees; undefined when it lives in a Secret whose data cannot be seen. */
  value: string | undefined;
  /** The text as written in the file, when it differs from what the pod sees (YAML 1.1 coercion). */
  sourceText?: string;
  /** For Helm values: the YAML scalar was unquoted and not a string. */
  yamlType?: 'string' | 'bool' | 'int' | 'float' | 'null' | 'other';
  delivery: Delivery;
  /** Name of the Secret or ConfigMap that delivers it. */
  via?: string;
  location: Location;
  layer: SourceLayer;
  /** Not written by the user: the chart's own values.yaml supplies it. */
  chartDefault?: boolean;
}

export interface EnvVar {
  name: string;
  /** The definition that wins (the last one applied). */
  effective: EnvDefinition;
  /** Every place it was set, in the order applied. */
  definitions: EnvDefinition[];
}

export type VariableType =
  | 'string'
  | 'bool'
  | 'int'
  | 'float'
  | 'duration'
  | 'csv'
  | 'csv-int16'
  | 'json'
  | 'dsn'
  | 'url'
  | 'path';

/** One entry of the service's variable catalogue (the pack's variables.yaml). */
export interface VariableSpec {
  name: string;
  type: VariableType;
  /** Default the service uses when unset or empty. */
  default?: string;
  /** Default in production when it differs. */
  productionDefault?: string;
  /** Default is "true" when this other variable is set (AUDIT_LOG_ENABLED ← AUDIT_LOG_PATH). */
  defaultTrueWhenSet?: string;
  /** Default is the value of this other variable (EXPERIMENT_ASSIGNMENT_SALT ← EXPOSURE_HASH_SALT). */
  defaultFrom?: string;
  secret: boolean;
  /** Checklist section the variable belongs to (cross-cutting rules report under it). */
  section: number;
  /** The service ignores a value that does not parse instead of stopping. */
  lenient?: boolean;
  /** Read with os.Getenv, not through the config loader: `${NAME}` and `$NAME` in it are not expanded. */
  notExpanded?: boolean;
  notes?: string;
}

export interface HttpProbeSpec {
  path?: string;
  port?: string | number;
  location: Location;
}

export interface Container {
  name: string;
  image?: string;
  imageLocation?: Location;
  command: string[];
  args: string[];
  livenessProbe?: HttpProbeSpec;
  readinessProbe?: HttpProbeSpec;
  ports: number[];
  /** Named container ports (`http` → 8000), for probes that name their port. */
  portNames?: Record<string, number>;
  resources?: {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  };
  resourcesLocation?: Location;
  securityContext?: Record<string, unknown>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
  /** Names of env vars this container sets or imports (for picking the api container). */
  envNames: string[];
  location: Location;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'Pod';

export interface Workload {
  kind: WorkloadKind;
  name: string;
  /** `metadata.generateName` (Jobs made per release often carry only this; `name` is then `(unnamed)`). */
  generateName?: string;
  namespace?: string;
  replicas?: number;
  replicasLocation?: Location;
  annotations: Record<string, string>;
  podAnnotations: Record<string, string>;
  labels: Record<string, string>;
  /** Helm hook names from `helm.sh/hook` (`pre-install`, `pre-upgrade`, …). */
  helmHooks: string[];
  schedule?: string;
  containers: Container[];
  initContainers: Container[];
  podSecurityContext?: Record<string, unknown>;
  volumes: string[];
  location: Location;
  /** Set when the workload was derived from Helm values (what the chart would render), not read from manifests. */
  renderedFrom?: 'helm-values';
}

export interface ResourceRef {
  kind: string;
  name: string;
  location: Location;
}

export interface ParseProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  code: string;
}

/**
 * A comment in an input file (`# ...` in a .env or YAML file), kept with its position so the engine can read
 * inline suppressions from it. `text` is what follows the `#`, bounded; a comment is never a setting.
 */
export interface SourceComment {
  file: string;
  line: number;
  /** Column of the `#`. */
  column: number;
  text: string;
  /** Alone on its line (it then speaks of the line below it); otherwise it trails a setting on the same line. */
  ownLine: boolean;
  /** Before anything but comments and blank lines in the file. */
  leading: boolean;
}

/** An annotation a manifest object carries about prodready itself (`prodready.io/ignore`), with its position. */
export interface ObjectAnnotation {
  file: string;
  line: number;
  column: number;
  /** `Kind/name` of the object it sits on. */
  resource: string;
  /** Lines the object spans in its file: findings are matched to it by position (a name may be shown masked). */
  objectLines: { start: number; end: number };
  key: string;
  value: string;
}

export interface Duplicate {
  name: string;
  first: Location;
  second: Location;
  /** Which definition wins, in words (`the second, as dotenv does`). */
  winner: string;
}

export interface SourceFileInfo {
  kind: 'env' | 'helm-values' | 'manifests';
  file: string;
}

export interface HelmValues {
  /** Merged values (later files win, maps merge deeply). */
  data: Record<string, unknown>;
  /** Where a merged path was last set. */
  locate(path: readonly string[]): Location | undefined;
  /** Source text of the scalar at a path, as written. */
  sourceText(path: readonly string[]): string | undefined;
}

export interface DeploymentModel {
  /** How strictly to judge: production when ENV says so or the user said `--environment production`. */
  production: boolean;
  /** Which one decided, and what the pod itself does: `--environment production (the pod's ENV is not set: ...)`. */
  environmentSource: string;
  /**
   * What the pod does: production defaults and production refusals follow ENV alone (prod/production, trimmed,
   * any case), whatever --environment says.
   */
  podProduction: boolean;
  /** The pod's ENV in words: `ENV=production (values.yaml:4)`, `ENV is not set`. */
  podEnvironment: string;
  env: Map<string, EnvVar>;
  /** Secrets or ConfigMaps the container reads whose keys cannot be seen (existingSecret, refs not in the manifests). */
  opaqueSources: ResourceRef[];
  workloads: Workload[];
  /** The recsys api workload and container, when found. */
  api?: { workload: Workload; container: Container };
  serviceMonitors: ResourceRef[];
  values?: HelmValues;
  sources: SourceFileInfo[];
  problems: ParseProblem[];
  duplicates: Duplicate[];
  catalogue: Map<string, VariableSpec>;
  /** Comments of the user's values and .env files (the chart's defaults have none worth reading). */
  comments?: SourceComment[];
  /** `prodready.io/*` annotations of the manifest objects. */
  annotations?: ObjectAnnotation[];
}

/**
 * How the chart turns values into what the api pod sees, beyond the values themselves (the pack's chart-render.yaml,
 * read from the chart's templates). `${a.b}` is a values path as the template prints it, `${a.b|x}` falls back to x
 * when the value is empty, `${fullname}` is the chart's fullname; anything else is literal text.
 */
export interface ChartRender {
  chartName: string;
  fullname: { upstream: string };
  resources: { api: string; postgres: string; minio: string };
  /** Written into the api ConfigMap when `when` (a dotted values path) is truthy and api.env has no `guard` key. */
  injections: Array<{ when: string; guard: string; upstream: string; env: Record<string, string> }>;
}

/** The pack's facts about the service and its chart (service.yaml, chart-render.yaml); the model and engine read them. */
export interface ServiceFacts {
  /** The variable whose value decides artifact (true) or DB-only (false) serving. */
  servingModeVariable: string;
  /** How the chart renders the api's environment and names: the one source of chart facts. */
  chart: ChartRender;
}
