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
  production: boolean;
  /** Why we think so: `ENV=production (values.yaml:4)`, `--environment production`, `ENV unset`. */
  environmentSource: string;
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
}

/** A value the chart writes by itself: fixed text, or read from the Helm values with a default. */
export type InjectedValue = string | { fromValues: string[]; default: string };

/** The pack's facts about the service and its chart (the pack's service.yaml); the model and engine read them. */
export interface ServiceFacts {
  /** The variable whose value decides artifact (true) or DB-only (false) serving. */
  servingModeVariable: string;
  /** What the chart writes into the api ConfigMap when `when` is true and api.env lacks `guard`. */
  chartInjections: Array<{ when: string[]; guard: string; env: Record<string, InjectedValue> }>;
}
