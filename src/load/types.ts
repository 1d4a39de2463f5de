// One load result, whatever produced it: the embedded burst or an imported Locust / k6 / harness file.
// It is a superset of recsys's own harness report (`requests, concurrency, success, errors,
// elapsed_ms, rps, latency_ms {p50,p95,p99}, status_codes`) so dashboards reading that keep working.

export type LoadSourceTool = 'prodready' | 'locust' | 'k6' | 'recsys-harness';

export type LoadResultFormat =
  | 'locust-stats'
  | 'locust-history'
  | 'k6-summary-json'
  | 'k6-summary-text'
  | 'harness-json'
  | 'harness-text'
  | 'prodready-json';

export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export interface EndpointRow {
  name: string;
  method?: string;
  requests: number;
  failures: number | null;
  rps: number | null;
  latency_ms: LatencySummary;
}

export interface LoadResult {
  // recsys harness fields, names kept as the harness writes them
  requests: number;
  concurrency: number | null;
  success: number;
  errors: number;
  elapsed_ms: number;
  rps: number;
  latency_ms: LatencySummary;
  status_codes: Record<string, number>;
  // prodready's own
  tool: LoadSourceTool;
  /** File it was read from, when imported. */
  file?: string;
  /**
   * When the test ran (ISO 8601), and where that came from: the file's own times, the date the
   * user stated (--load-results-date), or the clock of the burst that ran here. Null when unknown:
   * a file's modification time is never used, a checkout or a copy sets it.
   */
  started_at: string | null;
  started_at_source?: 'file' | 'stated' | 'clock';
  /** The file the start time was read from when it is not `file` (Locust's *_stats_history.csv beside a stats CSV). */
  started_at_file?: string;
  /** Which output of the tool it was read from, so a report can say where a missing figure would be. */
  format?: LoadResultFormat;
  endpoint?: string;
  mode?: 'closed' | 'open';
  /** Requests that were rate limited (429), counted apart from errors; null when the format does not say. */
  rate_limited: number | null;
  /** errors / (requests - rate_limited), null when unknown. */
  error_rate: number | null;
  /** Error causes by code (`ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`, `HTTP_500`) with counts. */
  error_causes: Record<string, number>;
  /** Which cap ended the burst, if one did. */
  stopped_by?: 'requests' | 'duration' | 'timeout' | 'abort' | 'retry-after' | null;
  /** Time the burst waited because answers asked for it (Retry-After), ms; absent when it never waited. */
  retry_after_ms?: number;
  /** A few error causes as seen (problem body or error message, secrets redacted), by cause code. */
  error_samples?: Record<string, string[]>;
  /** Requests sent before measuring and not counted. */
  warmup_requests?: number;
  /** Open loop: the arrival rate asked for, requests per second. */
  target_rps?: number;
  /** Open loop: arrivals that were due but never sent (every connection busy); their wait is in the latencies. */
  dropped?: number;
  endpoints?: EndpointRow[];
  /** Figures the format does not carry, named so reports say "unknown" instead of inventing them. */
  unknown_fields: string[];
  /** Latency histogram buckets for charts: upper bound in ms and count. */
  histogram?: Array<{ le_ms: number; count: number }>;
  /** 1-based lines in `file` where figures were read, so findings can cite them. */
  source_lines?: Partial<Record<'requests' | 'p95' | 'p99' | 'errors' | 'started_at', number>>;
  /** Files read beside `file` (Locust's *_failures.csv and *_stats_history.csv). */
  companion_files?: string[];
  /** Pass/fail criteria the load tool evaluated itself during the run (k6 thresholds). */
  tool_thresholds?: Array<{ metric: string; expression: string; ok: boolean }>;
}

export interface LoadGates {
  p95MaxMs?: number;
  p99MaxMs?: number;
  errorRateMax?: number;
  baseline?: LoadResult;
  /** 0.2 for 20 %. */
  maxRegression?: number;
  maxAgeDays?: number;
  /** What a result older than maxAgeDays, or of unknown date, is: a warning or a failure. */
  agePolicy?: Partial<AgePolicy>;
}

export interface AgePolicy {
  stale: 'warn' | 'fail';
  unknownAge: 'warn' | 'fail';
}

export interface GateVerdict {
  gate: 'p95' | 'p99' | 'error-rate' | 'baseline-p95' | 'baseline-rps' | 'age';
  status: 'pass' | 'fail' | 'warn' | 'unknown';
  actual: number | null;
  limit: number;
  message: string;
}
