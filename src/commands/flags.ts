// The flags `check`, `probe` and fleet mode share, and how they become the inputs of judge().
import type { RunConfig } from '../core/config-types.js';
import { parseFailOn, type JudgeInputs } from '../engine/run.js';

export interface CheckOptions {
  env: string[];
  values: string[];
  manifests: string[];
  format: string[];
  output: string[];
  failOn: string;
  environment?: string;
  only?: string[];
  skip?: string[];
  rules: string[];
  chartDefaults: boolean;
  color?: boolean;
  verbose?: boolean;
  /** Config file; without it the nearest .prodready.yaml above the working directory is used. */
  config?: string;
  /** Attestations file; without it prodready.attestations.yaml in the working directory, when present. */
  attestations?: string;
  /** `probe` judges the live target alone: no deployment files needed. */
  allowNoInputs?: boolean;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** Flags → the inputs of judge(). */
export function judgeInputs(opts: CheckOptions, config: RunConfig): JudgeInputs {
  return {
    env: opts.env,
    values: opts.values,
    manifests: opts.manifests,
    config,
    failOn: parseFailOn(opts.failOn),
    chartDefaults: opts.chartDefaults,
    ...(opts.environment !== undefined ? { environment: opts.environment } : {}),
    ...(opts.only ? { only: opts.only } : {}),
    ...(opts.skip ? { skip: opts.skip } : {}),
    ...(opts.attestations !== undefined ? { attestations: opts.attestations } : {}),
    ...(opts.allowNoInputs ? { allowNoInputs: true } : {}),
  };
}
