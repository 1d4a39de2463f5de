// Reading the effective env of the deployment under audit, as the service would see it.
import type { DeploymentModel } from '../../core/model.js';

/** The effective value, trimmed; empty counts as unset (the service treats `KEY=` so). */
export function envValue(model: DeploymentModel, name: string): string | undefined {
  const v = model.env.get(name)?.effective.value?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** A CSV variable split as the service does: on commas, parts trimmed, empty parts dropped. */
export function envCsv(model: DeploymentModel, name: string): string[] | undefined {
  const v = envValue(model, name);
  if (v === undefined) return undefined;
  return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Whether any static input was given at all (else "unset" only means "not told"). */
export function hasStaticInputs(model: DeploymentModel): boolean {
  return model.sources.length > 0;
}
