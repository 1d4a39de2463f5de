// Turns one load result (imported or from the burst) and the gates into reports for
// checklist section 6: one per gate verdict, by message id, with the evidence that says
// which tool, which file, when the test ran and what it measured. The gates themselves
// are judgeLoad's; this file only words and locates its verdicts.

import { DEFAULT_THRESHOLDS } from '../engine/config-types.js';
import { judgeLoad } from './gates.js';
import { UserError } from '../engine/errors.js';
import type { ImportProblem } from './import/common.js';
import { importLoadResult } from './import/detect.js';
import type { AgePolicy, GateVerdict, LoadGates, LoadResult, LoadSourceTool } from './types.js';

export type LoadEvidenceStatus = 'pass' | 'fail' | 'warn' | 'unknown';

export interface LoadEvidenceReport {
  messageId: string;
  data: Record<string, string | number>;
  evidence: string[];
  location: { file?: string; line?: number };
  /** This report's own verdict; the overall one is LoadEvidence.status. */
  status: LoadEvidenceStatus;
  /** The file could not be read at all (the engine marks the finding fatal). */
  fatal?: true;
}

export interface LoadEvidence {
  status: LoadEvidenceStatus;
  reports: LoadEvidenceReport[];
}

export const LOAD_RESULT_MESSAGES: Record<string, string> = {
  p95Within: 'p95 {{p95}} ms is within the {{limit}} ms limit ({{where}})',
  p95Over: 'p95 {{p95}} ms is over the {{limit}} ms limit ({{where}})',
  p95Unknown: 'the {{tool}} result {{source}} has no p95 latency, so the {{limit}} ms limit cannot be judged',
  p99Within: 'p99 {{p99}} ms is within the {{limit}} ms limit ({{where}})',
  p99Over: 'p99 {{p99}} ms is over the {{limit}} ms limit ({{where}})',
  p99Unknown: 'the {{tool}} result {{source}} has no p99 latency, so the {{limit}} ms limit cannot be judged',
  errorRateWithin: 'error rate {{errorRate}} is within the {{limit}} limit ({{errors}} errors in {{requests}} requests, {{rateLimited}})',
  errorRateOver: 'error rate {{errorRate}} is over the {{limit}} limit ({{errors}} errors in {{requests}} requests, {{rateLimited}}; {{where}})',
  errorRateUnknown: 'the {{tool}} result {{source}} does not say how many requests failed, so the {{limit}} error-rate limit cannot be judged',
  baselineP95Within: 'p95 {{p95}} ms against the baseline {{baselineP95}} ms ({{baselineSource}}): {{change}}, within the +{{limit}} allowed',
  baselineP95Regressed: 'p95 regressed {{change}} against the baseline: {{p95}} ms vs {{baselineP95}} ms ({{baselineSource}}), over the +{{limit}} allowed',
  baselineP95Unknown: 'p95 is missing from {{source}} or from the baseline {{baselineSource}}, so the regression cannot be judged',
  baselineRpsWithin: 'throughput {{rps}} req/s against the baseline {{baselineRps}} req/s ({{baselineSource}}): {{change}}, within the -{{limit}} allowed',
  baselineRpsDropped: 'throughput dropped {{change}} against the baseline: {{rps}} req/s vs {{baselineRps}} req/s ({{baselineSource}}), over the -{{limit}} allowed',
  baselineRpsUnknown: 'requests per second are missing from {{source}} or from the baseline {{baselineSource}}, so the throughput change cannot be judged',
  resultFresh: 'the {{tool}} test ran {{age}} ago, within the {{maxAgeDays}} days a result counts for',
  resultStale:
    'the {{tool}} test in {{source}} ran {{age}} ago ({{startedAt}}), older than {{maxAgeDays}} days: section 6 asks for a current test against production-like data, so run it again',
  resultAgeUnknown:
    'the {{tool}} result {{source}} does not say when the test ran ({{reason}}), so whether it is within the {{maxAgeDays}} days a result counts for is unknown; {{decide}}',
  toolThresholdFailed: 'the {{tool}} threshold {{expression}} on {{metric}} failed during the run itself',
  loadResultUnreadable: 'cannot use {{file}} as load evidence: {{problem}}',
  noGates: 'no load gate is set (--p95-max, --error-rate-max or --baseline), so the {{tool}} result {{source}} is evidence only',
};

const DAY_MS = 86_400_000;

/** A result older than the limit, or of unknown date, warns unless .prodready.yaml says fail (loadResults). */
export const DEFAULT_AGE_POLICY: AgePolicy = { stale: 'warn', unknownAge: 'warn' };

function ms(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function pct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}

function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

function isoSeconds(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ageText(days: number): string {
  return `${days.toFixed(1)} days`;
}

function sourceOf(r: LoadResult): string {
  return r.file ?? 'the embedded burst';
}

const STATE_FLAG = '--load-results-date YYYY-MM-DD[THH:MM]';

/** Why a result carries no date, and what would give it one, by the output it was read from. */
function ageUnknownReason(r: LoadResult): { reason: string; decide: string } {
  const state = `or state the run's date with ${STATE_FLAG}`;
  switch (r.format) {
    case 'locust-stats': {
      const history = r.file?.endsWith('_stats.csv') ? `${r.file.slice(0, -'_stats.csv'.length)}_stats_history.csv` : 'PREFIX_stats_history.csv';
      return {
        reason: 'a Locust *_stats.csv has no timestamps and no *_stats_history.csv was beside it',
        decide: `keep the ${history} that locust --csv writes beside it, ${state}`,
      };
    }
    case 'k6-summary-json':
      return {
        reason: "a k6 summary holds the run's duration (state.testRunDurationMs) but not its date",
        decide: `have handleSummary stamp it (a top-level "timestamp": new Date().toISOString()), ${state}`,
      };
    case 'k6-summary-text':
      return { reason: "k6's printed summary carries no date", decide: `import the handleSummary JSON stamped with a "timestamp", ${state}` };
    case 'harness-json':
      return { reason: 'the harness report has no generated_at', decide: `keep the report as api/cmd/loadtest writes it (with generated_at), ${state}` };
    case 'harness-text':
      return { reason: "the harness's printed report carries no date", decide: `import its JSON report (it carries generated_at), ${state}` };
    default:
      return { reason: 'the report records no start time read from the run', decide: `state the run's date with ${STATE_FLAG}` };
  }
}

/** Why a result has no 429 count, in the words a user can act on. */
function rateLimitedUnknownReason(r: LoadResult): string {
  const tools: Record<LoadSourceTool, string> = {
    locust: r.file?.endsWith('_stats_history.csv')
      ? 'Locust stats history has no status codes; import the *_stats.csv with its *_failures.csv beside it'
      : 'Locust stats CSV has no status codes; pass the *_failures.csv beside it',
    k6: 'k6 exports no status codes unless the script sets a threshold on http_reqs{status:429}; 429s are counted among http_req_failed',
    'recsys-harness': 'the harness report has no status_codes; 429s are counted among the errors',
    prodready: 'the report did not record them',
  };
  return tools[r.tool];
}

/** What the p95 line of the file is, so a reader finds it. */
function p95Place(r: LoadResult): string {
  switch (r.tool) {
    case 'locust':
      return r.file?.endsWith('_stats_history.csv') ? 'last Aggregated row, "95%"' : 'Aggregated row, "95%"';
    case 'k6':
      return 'http_req_duration p(95)';
    case 'recsys-harness':
      return 'latency_ms.p95';
    case 'prodready':
      return 'latency_ms.p95';
  }
}

function where(r: LoadResult, line: number | undefined, place: string): string {
  if (!r.file) return 'embedded burst';
  return `${r.file}${line ? `:${line}` : ''}, ${place}`;
}

/** The facts every report about this result carries. */
export function loadResultEvidence(r: LoadResult, now: Date): string[] {
  const out: string[] = [];
  const started = r.started_at ? Date.parse(r.started_at) : Number.NaN;
  if (!Number.isNaN(started)) {
    const days = (now.getTime() - started) / DAY_MS;
    const how =
      r.started_at_source === 'stated'
        ? ', as stated with --load-results-date'
        : r.started_at_file
          ? `, from ${r.started_at_file}${r.source_lines?.started_at ? `:${r.source_lines.started_at}` : ''}`
          : r.started_at_source === 'file' && r.source_lines?.started_at
            ? `, from line ${r.source_lines.started_at}`
            : '';
    const when = days >= 0 ? `${ageText(days)} ago` : `${ageText(-days)} in the future: check the clocks`;
    out.push(`${r.tool}, ${sourceOf(r)}, ran ${isoSeconds(r.started_at!)} (${when}${how})`);
  } else {
    out.push(`${r.tool}, ${sourceOf(r)}, run date unknown: ${ageUnknownReason(r).reason} (a file's modification time is not the run's)`);
  }
  const l = r.latency_ms;
  const lat = (name: string, v: number | null): string => `${name} ${v === null ? 'unknown' : `${ms(v)} ms`}`;
  out.push(`${thousands(r.requests)} requests, ${r.rps.toFixed(1)} req/s, ${lat('p50', l.p50)}, ${lat('p95', l.p95)}, ${lat('p99', l.p99)}`);
  out.push(
    r.error_rate === null
      ? 'errors: unknown'
      : `errors: ${thousands(r.errors)} (${pct(r.error_rate)}${r.rate_limited === null ? ', 429s included' : ', 429s excluded'})`,
  );
  out.push(
    r.rate_limited === null
      ? `429s: unknown (${rateLimitedUnknownReason(r)})`
      : `429s: ${thousands(r.rate_limited)}${r.requests > 0 ? ` (${pct(r.rate_limited / r.requests)} of requests)` : ''}, counted apart from errors`,
  );
  if (r.concurrency !== null) out.push(`concurrency: ${r.concurrency} ${r.tool === 'k6' ? 'VUs' : r.tool === 'locust' ? 'users' : 'workers'}`);
  const causes = Object.entries(r.error_causes).sort((a, b) => b[1] - a[1]);
  if (causes.length > 0) out.push(`error causes: ${causes.slice(0, 5).map(([c, n]) => `${c} ${thousands(n)}`).join(', ')}`);
  if (r.endpoints && r.endpoints.length > 0) {
    const slowest = r.endpoints
      .filter((e) => e.latency_ms.p95 !== null)
      .sort((a, b) => b.latency_ms.p95! - a.latency_ms.p95!)[0];
    out.push(
      `${r.endpoints.length} endpoint${r.endpoints.length === 1 ? '' : 's'}` +
        (slowest ? `; slowest p95: ${slowest.method ? `${slowest.method} ` : ''}${slowest.name} ${ms(slowest.latency_ms.p95!)} ms` : ''),
    );
  }
  const unknown = r.unknown_fields.filter((f) => f !== 'rate_limited');
  if (unknown.length > 0) out.push(`not in the file: ${unknown.join(', ')}`);
  if (r.companion_files && r.companion_files.length > 0) out.push(`also read: ${r.companion_files.join(', ')}`);
  if (r.tool_thresholds && r.tool_thresholds.length > 0) {
    out.push(`${r.tool} thresholds: ${r.tool_thresholds.map((t) => `${t.metric} ${t.expression} ${t.ok ? 'passed' : 'failed'}`).join('; ')}`);
  }
  return out;
}

const RANK: Record<LoadEvidenceStatus, number> = { pass: 0, warn: 1, unknown: 2, fail: 3 };

/** Judge a load result with the gates and word every verdict for section 6. */
export function loadEvidenceFindings(result: LoadResult, gates: LoadGates, now: Date, stated?: Date): LoadEvidence {
  const maxAgeDays = gates.maxAgeDays ?? DEFAULT_THRESHOLDS.loadResultMaxAgeDays;
  const policy: AgePolicy = { ...DEFAULT_AGE_POLICY, ...gates.agePolicy };
  const verdicts = judgeLoad(result, { ...gates, maxAgeDays }, now);
  const evidence = loadResultEvidence(result, now);
  // The file's own time wins over a stated one; say so, so a mistaken flag is seen.
  if (stated && result.started_at && result.started_at_source === 'file') {
    evidence.push(`--load-results-date ${isoSeconds(stated.toISOString())} not used: the file says when the test ran`);
  }
  const source = sourceOf(result);
  const file = result.file;
  const lines = result.source_lines ?? {};
  const at = (line: number | undefined): { file?: string; line?: number } => ({
    ...(file ? { file } : {}),
    ...(file && line ? { line } : {}),
  });
  const base = { tool: result.tool, source };
  const baselineSource = gates.baseline ? sourceOf(gates.baseline) : '';
  const reports: LoadEvidenceReport[] = [];
  const add = (messageId: string, status: LoadEvidenceStatus, data: Record<string, string | number>, line?: number): void => {
    reports.push({ messageId, status, data: { ...base, ...data }, evidence, location: at(line) });
  };

  const byGate = (gate: GateVerdict['gate']): GateVerdict | undefined => verdicts.find((v) => v.gate === gate);

  const p95 = byGate('p95');
  if (p95) {
    const data = { limit: p95.limit, where: where(result, lines.p95, p95Place(result)) };
    if (p95.status === 'unknown') add('p95Unknown', 'unknown', data, lines.p95);
    else add(p95.status === 'pass' ? 'p95Within' : 'p95Over', p95.status, { ...data, p95: ms(p95.actual!) }, lines.p95);
  }
  const p99 = byGate('p99');
  if (p99) {
    const place = p95Place(result).replace('95', '99');
    const data = { limit: p99.limit, where: where(result, lines.p99, place) };
    if (p99.status === 'unknown') add('p99Unknown', 'unknown', data, lines.p99);
    else add(p99.status === 'pass' ? 'p99Within' : 'p99Over', p99.status, { ...data, p99: ms(p99.actual!) }, lines.p99);
  }
  const rate = byGate('error-rate');
  if (rate) {
    const data = {
      limit: pct(rate.limit),
      errors: thousands(result.errors),
      requests: thousands(result.requests),
      rateLimited: result.rate_limited === null ? '429s not told apart' : `${thousands(result.rate_limited)} 429s apart`,
      where: where(result, lines.errors, 'errors'),
    };
    if (rate.status === 'unknown') add('errorRateUnknown', 'unknown', data, lines.errors);
    else add(rate.status === 'pass' ? 'errorRateWithin' : 'errorRateOver', rate.status, { ...data, errorRate: pct(rate.actual!) }, lines.errors);
  }
  const bp95 = byGate('baseline-p95');
  if (bp95) {
    const data = { limit: pct(bp95.limit), baselineSource };
    if (bp95.status === 'unknown') add('baselineP95Unknown', 'unknown', data, lines.p95);
    else {
      const change = bp95.actual!;
      add(
        bp95.status === 'pass' ? 'baselineP95Within' : 'baselineP95Regressed',
        bp95.status,
        {
          ...data,
          p95: ms(result.latency_ms.p95!),
          baselineP95: ms(gates.baseline!.latency_ms.p95!),
          change: `${change >= 0 ? '+' : '-'}${pct(Math.abs(change))}`,
          changeRatio: Number(change.toFixed(4)),
        },
        lines.p95,
      );
    }
  }
  const brps = byGate('baseline-rps');
  // A baseline without throughput is left out by some judgeLoad versions: say unknown either way.
  if (gates.baseline && (!brps || brps.status === 'unknown' || brps.actual === null)) {
    add('baselineRpsUnknown', 'unknown', { limit: pct(brps?.limit ?? gates.maxRegression ?? 0.2), baselineSource }, lines.requests);
  } else if (brps) {
    const drop = brps.actual!;
    add(
      brps.status === 'pass' ? 'baselineRpsWithin' : 'baselineRpsDropped',
      brps.status,
      {
        limit: pct(brps.limit),
        baselineSource,
        rps: result.rps.toFixed(1),
        baselineRps: gates.baseline!.rps.toFixed(1),
        change: `${drop > 0 ? '-' : '+'}${pct(Math.abs(drop))}`,
        changeRatio: Number((-drop).toFixed(4)),
      },
      lines.requests,
    );
  }
  // judgeLoad leaves the age out, or calls it unknown, when the start time is missing or unreadable.
  const age = byGate('age');
  if (age && age.status !== 'unknown' && age.actual !== null && Number.isFinite(age.actual) && result.started_at) {
    const days = Math.max(0, age.actual);
    const data = {
      maxAgeDays,
      age: ageText(days),
      ageDays: Number(days.toFixed(2)),
      startedAt: isoSeconds(result.started_at),
    };
    const line = result.started_at_source === 'file' ? lines.started_at : undefined;
    if (age.status === 'pass') add('resultFresh', 'pass', data, line);
    else if (result.started_at_file) {
      // The start came from the history beside the stats CSV: point there.
      reports.push({
        messageId: 'resultStale',
        status: policy.stale,
        data: { ...base, ...data },
        evidence,
        location: { file: result.started_at_file, ...(line ? { line } : {}) },
      });
    } else add('resultStale', policy.stale, data, line);
  } else {
    add('resultAgeUnknown', policy.unknownAge, { maxAgeDays, ...ageUnknownReason(result) });
  }
  for (const t of result.tool_thresholds ?? []) {
    if (!t.ok) add('toolThresholdFailed', 'warn', { metric: t.metric, expression: t.expression });
  }
  const judged = p95 || p99 || rate || bp95;
  if (!judged) add('noGates', 'unknown', {});

  const status = reports.reduce<LoadEvidenceStatus>((worst, r) => (RANK[r.status] > RANK[worst] ? r.status : worst), 'pass');
  return { status, reports };
}

/** Fill a message template with its data; a missing placeholder is a programming error. */
export function renderLoadMessage(messageId: string, data: Record<string, string | number>): string {
  const template = LOAD_RESULT_MESSAGES[messageId];
  if (template === undefined) throw new Error(`unknown load message id "${messageId}"`);
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = data[key];
    if (v === undefined) throw new Error(`load message "${messageId}" needs data.${key}`);
    return String(v);
  });
}

/** A load-results file that could not be read, as a report at its file and line. */
export function loadImportProblemReport(problem: ImportProblem): LoadEvidenceReport {
  const place = problem.line > 0 ? `${problem.file}:${problem.line}${problem.column ? `:${problem.column}` : ''}` : problem.file;
  // A summary of a test without HTTP requests is read fine; it just cannot decide an HTTP gate.
  const undecided = problem.code === 'no-http-metrics';
  return {
    messageId: 'loadResultUnreadable',
    status: undecided ? 'unknown' : 'fail',
    ...(undecided ? {} : { fatal: true as const }),
    data: { file: problem.file, problem: problem.message, code: problem.code },
    evidence: [`${place}: ${problem.code}`],
    location: { file: problem.file, ...(problem.line > 0 ? { line: problem.line } : {}) },
  };
}

export interface LoadResultFilesEvidence extends LoadEvidence {
  /** The results that were read, in the order given (for RunResult.load and reporters). */
  results: LoadResult[];
}

const ACCESS_ERROR: Record<string, 'file-not-found' | 'file-unreadable' | 'file-too-large'> = {
  'file-not-found': 'file-not-found',
  'file-unreadable': 'file-unreadable',
  'file-too-large': 'file-too-large',
};

/**
 * `--load-results a --load-results b [--baseline c]`: import each file, judge each with the
 * gates, and gather the reports. A file that cannot be reached, or a baseline that cannot be
 * read, is the user's mistake (UserError, exit 2); a results file that is broken inside is a
 * fatal report at its line, as the checklist evidence it was meant to be.
 */
export async function judgeLoadResultFiles(
  files: string[],
  gates: Omit<LoadGates, 'baseline'> & { baselineFile?: string },
  opts: { now: Date; stdin?: AsyncIterable<Buffer | string>; stated?: Date },
): Promise<LoadResultFilesEvidence> {
  const { baselineFile, ...rest } = gates;
  const judged: LoadGates = { ...rest };
  if (baselineFile !== undefined) {
    // A stated date is the run's under judgement, not the baseline's.
    const b = await importLoadResult(baselineFile, { now: opts.now, ...(opts.stdin ? { stdin: opts.stdin } : {}) });
    if (!b.ok) {
      const p = b.problem;
      throw new UserError(ACCESS_ERROR[p.code] ?? 'invalid-load-results', `cannot read the baseline ${p.file}`, [
        { file: p.file, ...(p.line > 0 ? { path: `line ${p.line}${p.column ? `:${p.column}` : ''}` } : {}), message: p.message },
      ]);
    }
    judged.baseline = b.result;
  }
  const reports: LoadEvidenceReport[] = [];
  const results: LoadResult[] = [];
  for (const file of files) {
    const r = await importLoadResult(file, { now: opts.now, ...(opts.stdin ? { stdin: opts.stdin } : {}), ...(opts.stated ? { stated: opts.stated } : {}) });
    if (!r.ok) {
      const code = ACCESS_ERROR[r.problem.code];
      if (code) throw new UserError(code, `${r.problem.file}: ${r.problem.message}`);
      reports.push(loadImportProblemReport(r.problem));
      continue;
    }
    results.push(r.result);
    reports.push(...loadEvidenceFindings(r.result, judged, opts.now, opts.stated).reports);
  }
  // No file at all decides nothing.
  const status = reports.reduce<LoadEvidenceStatus>((worst, r) => (RANK[r.status] > RANK[worst] ? r.status : worst), reports.length ? 'pass' : 'unknown');
  return { status, reports, results };
}
