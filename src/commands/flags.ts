// The flags `check`, `probe` and fleet mode share, and how they become the inputs of judge().
import type { RunConfig } from '../core/config-types.js';
import { UserError } from '../core/errors.js';
import { PIPE_DEADLINE_MS } from '../io/read-file.js';
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
  /** Flags that name a live input themselves (a live finding then points at the first input file). */
  jwksUrl?: string;
  issuer?: string;
  /** Report options: file URIs relative to this folder, SARIF category, docs base URL. */
  root?: string;
  sarifCategory?: string;
  docsUrl?: string;
  /** Adoption: record the failing findings (`--write-baseline`), accept those recorded (`--baseline-findings`). */
  writeBaseline?: string;
  baselineFindings?: string;
  /** More warning findings than this make the run not ready (`--max-warnings`). */
  maxWarnings?: string;
  /** Text and Markdown show only what fails the gate, and the verdict. */
  quiet?: boolean;
  /** Seconds a pipe or FIFO given as an input may stay silent (default 30). */
  inputTimeout?: string;
}

export function parseMaxWarnings(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isInteger(n) || n < 0) throw new UserError('invalid-option', `--max-warnings must be a whole number of 0 or more, not "${v}"`);
  return n;
}

/**
 * Flags that only mean something together: a load regression baseline without load results would be ignored
 * silently, so it is refused. (The findings baseline is --baseline-findings.)
 */
export function checkFlagPairs(opts: CheckOptions & { loadResults?: string[]; baseline?: string; maxRegression?: string }): void {
  if (opts.baseline !== undefined && (opts.loadResults ?? []).length === 0) {
    throw new UserError(
      'invalid-option',
      '--baseline compares imported load results and needs --load-results; to accept the findings of a baseline file use --baseline-findings',
    );
  }
  if (opts.maxRegression !== undefined && opts.baseline === undefined) throw new UserError('invalid-option', '--max-regression needs --baseline and --load-results');
  parseMaxWarnings(opts.maxWarnings);
}

/** `--input-timeout` in ms: a positive number of seconds, at most an hour. */
export function inputTimeoutMs(raw: string | undefined): number {
  if (raw === undefined) return PIPE_DEADLINE_MS;
  const s = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(s > 0) || s > 3600) {
    throw new UserError('invalid-option', `--input-timeout must be a number of seconds between 0 and 3600, got ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return s * 1000;
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
    pipeDeadlineMs: inputTimeoutMs(opts.inputTimeout),
    ...(opts.maxWarnings !== undefined ? { maxWarnings: parseMaxWarnings(opts.maxWarnings)! } : {}),
    liveFlags: { jwksUrl: opts.jwksUrl !== undefined, issuer: opts.issuer !== undefined },
  };
}
