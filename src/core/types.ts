// The one vocabulary every room shares: findings, rule results, the run result.
// Lines and columns are 1-based everywhere; reporters convert if their format wants otherwise.
import type { LoadResult } from './load.js';

/** Load figures of a run: a burst measured by prodready or an imported result. */
export type LoadFigures = LoadResult;

export const STATUSES = ['pass', 'fail', 'warn', 'skip', 'unknown', 'manual', 'waived'] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['error', 'warn', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SECTIONS = [0, 1, 2, 3, 4, 5, 6, 7] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_TITLES: Record<Section, string> = {
  0: 'Serving mode',
  1: 'Tenancy and authentication',
  2: 'Data contracts, logging and privacy',
  3: 'Pipelines readiness',
  4: 'Database and migrations',
  5: 'Observability and runbooks',
  6: 'Performance and capacity',
  7: 'Safe rollout and rollback',
};

/** Where something is: a file position, a YAML path, a manifest resource, or a live target. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** Dotted YAML path (`api.env.DEV_AUTH_ENABLED`) or env key. */
  path?: string;
  /** Manifest resource, `Deployment/recsys-api`. */
  resource?: string;
  /** A live endpoint (`https://recsys.example/readyz`) or database (password masked). */
  target?: string;
}

export type UnitKind = 'rule' | 'probe' | 'attestation';

/** Why a failing finding is accepted: a config waiver, an inline suppression, or the findings baseline. */
export interface WaiverInfo {
  /** A person (config waiver), the comment or annotation (`values.yaml:12`), or the baseline file. */
  by: string;
  reason: string;
  /** YYYY-MM-DD; an inline suppression may have none, a baseline entry has none. */
  until?: string;
  /** Where the acceptance is written (default: the config file's waivers). */
  source?: 'config' | 'inline' | 'baseline';
}

export interface AttestationInfo {
  item: string;
  statement: string;
  by: string;
  date: string;
  expires: string;
  evidence: string;
}

/** One thing a rule or probe said about the deployment. */
export interface Finding {
  ruleId: string;
  /** The check or probe template that produced it. */
  checkId: string;
  kind: UnitKind;
  section: Section;
  severity: Severity;
  /** pass | fail | warn | unknown | skip | manual | waived, per finding. */
  status: Status;
  messageId: string;
  message: string;
  data: Record<string, string | number | boolean>;
  location?: Location;
  /** Facts that support the verdict; never a secret value. */
  evidence: string[];
  remediation?: string;
  helpUrl?: string;
  /** The input could not be read at all (a file that does not parse). */
  fatal?: boolean;
  waiver?: WaiverInfo;
  attestation?: AttestationInfo;
}

/** What names a rule, probe or attestable item: the same in its result and in its metadata, in this order. */
export interface UnitHeader {
  id: string;
  kind: UnitKind;
  checkId: string;
  title: string;
  section: Section;
  severity: Severity;
}

/** The verdict of one rule, probe or attestable item, with all its findings. */
export interface UnitResult extends UnitHeader {
  status: Status;
  /** Why a skip, unknown or manual result could not be decided, and what would decide it. */
  reason?: string;
  remediation?: string;
  helpUrl?: string;
  findings: Finding[];
  /** Facts gathered on a pass (e.g. `set, 43 chars, from Secret recsys-api`). */
  evidence: string[];
}

export interface SectionSummary {
  section: Section;
  title: string;
  counts: Record<Status, number>;
}

export type Verdict = 'ready' | 'not-ready';

export interface RunSummary {
  verdict: Verdict;
  failOn: Severity;
  counts: Record<Status, number>;
  sections: SectionSummary[];
  fatal: number;
  /** `--max-warnings`: set when the run has more warnings than allowed, which makes it not ready. */
  tooManyWarnings?: { max: number; count: number };
}

export interface InputDescription {
  kind: 'env' | 'helm-values' | 'manifests' | 'attestations' | 'config' | 'load-results' | 'target';
  file: string;
}

/** Everything one `prodready check` learned; the only input reporters get. */
export interface RunResult {
  schemaVersion: '1.0';
  tool: { name: 'prodready'; version: string };
  generatedAt: string;
  environment: { production: boolean; source: string };
  deployment?: string;
  inputs: InputDescription[];
  /** Findings that belong to no rule: files that do not parse. */
  fatal: Finding[];
  results: UnitResult[];
  summary: RunSummary;
  /** Load figures when a burst ran or results were imported. */
  load?: LoadFigures[];
}

/** Rule metadata reporters need (SARIF rules[], JUnit names, HTML headers). */
export interface UnitMeta extends UnitHeader {
  description: string;
  remediation?: string;
  helpUrl?: string;
  /** Labels from the rule file (`security`, ...). */
  tags?: string[];
}

export interface ReportContext {
  units: UnitMeta[];
  toolVersion: string;
  cwd: string;
  color: boolean;
  /** Show evidence for passing results too. */
  verbose?: boolean;
  /** Text and Markdown: only findings that fail the gate (at or above --fail-on), and the verdict. */
  quiet?: boolean;
  /** Folder file URIs are relative to in SARIF and annotations (`--root`; default: the git top level, else cwd). */
  root?: string;
  /** SARIF `automationDetails` category (`--sarif-category`); fleet mode adds the deployment. */
  sarifCategory?: string;
  /** The full report is written to the GitHub job summary ($GITHUB_STEP_SUMMARY) in this run. */
  jobSummary?: boolean;
  /** Absolute base URL where docs/rules/<id>.md pages are served (`--docs-url`), for SARIF helpUri. */
  docsUrl?: string;
}

export type Reporter = (result: RunResult, ctx: ReportContext) => string;
