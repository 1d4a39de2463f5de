// Questions checks ask the model: "what does the service effectively use for X, and where was that decided?"
import type { Location } from '../core/types.js';
import { describeLocation } from '../core/describe.js';
import { EMPTY_IS_SET, emptyReading, parseByType } from './go-parse.js';
import { CHART_DEFAULTS_NAME } from './build.js';
import type { DeploymentModel, EnvDefinition, ResourceRef, VariableSpec } from '../core/model.js';
import { expansionWords, serviceReading, type Expansion } from './service-expansion.js';

/**
 * `raw` is what the service reads: the value as written, or as its config loader expands `${NAME}` and `$NAME` in it
 * (service-expansion.ts). `expansion` is there when that expansion changed the value (`def` then holds the expanded
 * value) or kept it from being read (unseen, unresolved, growing, never-ending: `def` is the written one).
 */
export type Effective =
  /** Set to a value that parses. */
  | { state: 'set'; name: string; raw: string; value: unknown; def: EnvDefinition; spec?: VariableSpec; expansion?: Expansion }
  /** Unset or empty: the service uses its default. */
  | { state: 'default'; name: string; raw: string | undefined; value: unknown; def?: EnvDefinition; spec?: VariableSpec; because: string; expansion?: Expansion }
  /** Set to a value that does not parse: the service will not start. */
  | { state: 'invalid'; name: string; raw: string; def: EnvDefinition; spec: VariableSpec; expected: string; expansion?: Expansion }
  /** Cannot be seen: it may be set in a Secret whose keys are unknown. */
  | { state: 'unknown'; name: string; def?: EnvDefinition; spec?: VariableSpec; opaque: ResourceRef[]; because: string; expansion?: Expansion };

/** The default the service uses for a variable in this deployment (production-aware, derived defaults resolved). */
function defaultRaw(model: DeploymentModel, spec: VariableSpec | undefined): { raw: string | undefined; because: string } {
  if (!spec) return { raw: undefined, because: 'unset' };
  if (spec.defaultTrueWhenSet) {
    // config.go:313 and :335 test `path != ""` on the untrimmed string the loader returned.
    const other = model.env.get(spec.defaultTrueWhenSet)?.effective.value;
    if (other) return { raw: 'true', because: `defaults to true because ${spec.defaultTrueWhenSet} is set` };
  }
  if (spec.defaultFrom) {
    const other = model.env.get(spec.defaultFrom)?.effective.value;
    return { raw: other && other.trim() !== '' ? other : undefined, because: `defaults to the value of ${spec.defaultFrom}` };
  }
  if (model.podProduction && spec.productionDefault !== undefined) {
    return { raw: spec.productionDefault, because: `production default ${spec.productionDefault}` };
  }
  return { raw: spec.default, because: spec.default !== undefined ? `default ${spec.default}` : 'unset, no default' };
}

/** Why an expansion keeps a value from being read, after `the service expands the $ references in it`. */
const UNREAD: Record<'opaque' | 'unresolved' | 'too-large', (words: string) => string> = {
  opaque: (words) => `, ${words}`,
  unresolved: (words) => ` (there is no escape), and ${words}: the container image or Kubernetes may set them`,
  'too-large': (words) => `, and ${words}`,
};

/** The definition with the value the service reads, or what it cannot be read as (unknown, never-ending). */
function readAsService(model: DeploymentModel, written: EnvDefinition, value: string, spec: VariableSpec): Effective | { def: EnvDefinition; expansion?: Expansion } {
  const name = written.name;
  const expansion = serviceReading(model, name, value);
  switch (expansion.state) {
    case 'unchanged':
      return { def: written };
    case 'expanded':
      return { def: { ...written, value: expansion.value }, expansion };
    case 'endless':
      return {
        state: 'invalid',
        name,
        raw: value,
        def: written,
        spec,
        expected: `a value whose expansion ends, but ${expansionWords(expansion)}: the service's expansion never ends, so it never starts`,
        expansion,
      };
    default:
      return { state: 'unknown', name, def: written, spec, opaque: [], because: `the service expands the $ references in it${UNREAD[expansion.state](expansionWords(expansion))}`, expansion };
  }
}

export function effective(model: DeploymentModel, name: string): Effective {
  const spec = model.catalogue.get(name);
  const written = model.env.get(name)?.effective;
  if (written && written.value === undefined) {
    return { state: 'unknown', name, def: written, ...(spec ? { spec } : {}), opaque: [], because: `read from Secret ${written.via ?? '?'} whose data cannot be seen` };
  }
  // What the service reads: its config loader expands ${NAME} and $NAME in the value first.
  // (Most values hold no `$`: nothing to expand, nothing allocated.)
  const read = written?.value !== undefined && spec && written.value.includes('$') ? readAsService(model, written, written.value, spec) : undefined;
  if (read && 'state' in read) return read;
  const def = read?.def ?? written;
  const expansion = read?.expansion;
  const ex = expansion !== undefined ? { expansion } : {};
  const empty = def !== undefined && def.value !== undefined && def.value.trim() === '';
  // Present but empty: read as the toolkit reads it (see emptyReading), not as unset.
  if (empty && spec && !(spec.secret && model.opaqueSources.some((o) => o.kind === 'Secret'))) {
    const reading = emptyReading(spec.type, spec.lenient);
    if (reading === 'panics') {
      return { state: 'invalid', name, raw: def.value!, def, spec, expected: `${expectedOf(spec)}: it is empty, and ${EMPTY_IS_SET}, so it fails to parse`, ...ex };
    }
    if (reading === 'replaces-default' && (spec.default !== undefined || spec.defaultFrom !== undefined)) {
      return {
        state: 'default',
        name,
        raw: def.value!,
        value: def.value!,
        def,
        spec,
        because: `empty: ${EMPTY_IS_SET}, so it replaces the default ${spec.defaultFrom ? `(the value of ${spec.defaultFrom})` : JSON.stringify(spec.default)}`,
        ...ex,
      };
    }
  }
  if (!def || def.value === undefined || def.value.trim() === '') {
    // Secrets may live in a Secret made elsewhere; for them, "unset here" is not "unset".
    if (spec?.secret && model.opaqueSources.some((o) => o.kind === 'Secret')) {
      const opaque = model.opaqueSources.filter((o) => o.kind === 'Secret');
      return {
        state: 'unknown',
        name,
        ...(def ? { def } : {}),
        ...(spec ? { spec } : {}),
        opaque,
        because: `not set in any file given; the pod also reads ${opaque.map((o) => `Secret ${o.name}`).join(', ')}, whose keys cannot be seen`,
      };
    }
    // A default taken from another variable (config.go:313, :335, :379) cannot be known when that one is read
    // from a Secret whose data cannot be seen: EXPERIMENT_ASSIGNMENT_SALT is then whatever the Secret holds.
    const from = spec?.defaultFrom ?? spec?.defaultTrueWhenSet;
    const source = from !== undefined ? model.env.get(from)?.effective : undefined;
    if (source && source.value === undefined) {
      return {
        state: 'unknown',
        name,
        ...(def ? { def } : {}),
        ...(spec ? { spec } : {}),
        opaque: [],
        because: `${def ? 'empty' : 'not set'}, so it defaults to ${spec?.defaultFrom ? `the value of ${from}` : `true when ${from} is not empty`}, which is read from Secret ${source.via ?? '?'} whose data cannot be seen`,
      };
    }
    const d = defaultRaw(model, spec);
    const value = d.raw === undefined || !spec ? d.raw : parseByType(spec.type, d.raw);
    return {
      state: 'default',
      name,
      raw: d.raw,
      value: value && typeof value === 'object' && 'ok' in value ? (value.ok ? value.value : undefined) : value,
      ...(def ? { def } : {}),
      ...(spec ? { spec } : {}),
      because: expansion !== undefined ? `${d.because} (${expansionWords(expansion)}, it is empty)` : d.because,
      ...ex,
    };
  }
  if (!spec) return { state: 'set', name, raw: def.value, value: def.value, def };
  const parsed = parseByType(spec.type, def.value);
  if (!parsed.ok) return { state: 'invalid', name, raw: def.value, def, spec, expected: parsed.expected, ...ex };
  return { state: 'set', name, raw: def.value, value: parsed.value, def, spec, ...ex };
}

function expectedOf(spec: VariableSpec): string {
  const p = parseByType(spec.type, '');
  return p.ok ? 'a value' : p.expected;
}

/** A bool the service will use, or undefined when it cannot be known (invalid or unseen). */
export function effectiveBool(model: DeploymentModel, name: string): boolean | undefined {
  const e = effective(model, name);
  if (e.state === 'set' || e.state === 'default') return typeof e.value === 'boolean' ? e.value : undefined;
  return undefined;
}

/** Where a value was decided, for messages and evidence: `values.yaml:12`, or `default` when unset. */
export function whereDecided(e: Effective): string {
  if (e.def) return `${describeLocation(e.def.location)}${e.expansion?.state === 'expanded' ? ` (${expansionWords(e.expansion)})` : ''}`;
  return e.state === 'default' ? e.because : 'unset';
}

/**
 * The location a finding about this variable points at; when it is unset, the api workload, or else the env file
 * it would be added to (no finding without a file).
 */
export function locationOf(model: DeploymentModel, e: Effective): Location | undefined {
  // A chart default has no file of the user's: point at the api workload that inherits it.
  if (e.def && e.def.location.file !== undefined) return e.def.location;
  return apiLocation(model) ?? e.def?.location;
}

/** How a value reaches the pod, in words, never with its content. */
export function deliveryText(def: EnvDefinition): string {
  switch (def.delivery) {
    case 'secret':
      return `from Secret ${def.via ?? ''}`.trim();
    case 'existing-secret':
      return `from Secret ${def.via ?? ''} (not in the given files)`;
    case 'configmap':
      return `from ConfigMap ${def.via ?? ''}`.trim();
    case 'chart-configmap':
      return `written into ConfigMap ${def.via ?? ''} by the chart`;
    case 'literal':
      return 'as a literal value in the pod spec';
    case 'env-file':
      return `from env file ${def.location.file ?? ''}`.trim();
  }
}

/** Evidence for a non-secret variable: `DEV_AUTH_ENABLED=false (values.yaml:12, from ConfigMap recsys-api)`. */
export function valueEvidence(e: Effective): string {
  if (e.spec?.secret) return secretEvidence(e);
  switch (e.state) {
    case 'set':
    case 'invalid':
      return `${e.name}=${JSON.stringify(e.raw)} (${describeLocation(e.def.location)}, ${deliveryText(e.def)})`;
    case 'default':
      return `${e.name} ${e.def ? `is empty at ${describeLocation(e.def.location)}` : 'is not set'}: ${e.because}`;
    case 'unknown':
      return `${e.name}: ${e.because}`;
  }
}

/** Evidence for a secret: `set, 43 chars, from Secret recsys-api` — never the value. */
export function secretEvidence(e: Effective): string {
  if (e.state === 'unknown') return `${e.name}: ${e.because}`;
  if (!e.def || e.def.value === undefined || e.def.value.trim() === '') {
    return `${e.name}: ${e.def ? `empty at ${describeLocation(e.def.location)}` : 'not set'}`;
  }
  return `${e.name}: set, ${[...e.def.value.trim()].length} chars, ${deliveryText(e.def)} (${describeLocation(e.def.location)})`;
}

/** A bool precondition of a rule ("only while JWT_AUTH_ENABLED is true"), as rule params spell it. */
export interface BoolCondition {
  variable: string;
  is: boolean;
}

export type ConditionVerdict =
  | { holds: true; evidence: string }
  | { holds: false; evidence: string }
  | { holds: undefined; evidence: string };

/** Whether a precondition holds, with the evidence for it; undefined when the bool cannot be known. */
export function conditionHolds(model: DeploymentModel, c: BoolCondition): ConditionVerdict {
  const e = effective(model, c.variable);
  const v = effectiveBool(model, c.variable);
  const evidence = valueEvidence(e);
  if (v === undefined) return { holds: undefined, evidence };
  return { holds: v === c.is, evidence };
}

/** The api workload's location; without one, the last env file given (where a missing setting would go). */
export function apiLocation(model: DeploymentModel): Location | undefined {
  if (model.api) return model.api.workload.location;
  const env = model.sources.filter((s) => s.kind === 'env').pop();
  return env ? { file: env.file } : undefined;
}

/** Where a Helm values path was set, for findings: a chart default has no file of the user's to point at. */
export function valuesLocation(model: DeploymentModel, path: readonly string[]): Location | undefined {
  const loc = model.values?.locate(path);
  if (!loc) return undefined;
  if (loc.file === CHART_DEFAULTS_NAME) return { path: path.join('.'), resource: 'recsys chart default' };
  return loc;
}

/** A value for a message: quoted as written, or only its length when the variable is a secret. */
export function shownValue(e: Effective): string {
  const raw = e.state === 'unknown' ? undefined : e.raw;
  if (raw === undefined) return 'unset';
  if (e.spec?.secret) return `(a secret of ${[...raw.trim()].length} chars)`;
  return JSON.stringify(raw);
}
