import type { Severity } from './types.js';

export interface Waiver {
  rule: string;
  /** Optional: only findings at this file (and line) are waived. */
  location?: { file?: string; line?: number; path?: string };
  by: string;
  reason: string;
  until: string;
}

export interface Thresholds {
  /** Minimum secret lengths by purpose. */
  secretMinLength: { hash: number; salt: number; password: number; default: number };
  /** Minimum Shannon entropy in bits per character. */
  secretMinEntropyBitsPerChar: number;
  exposureRetentionMaxDays: number;
  manifestTtlMaxSeconds: number;
  replicasMin: number;
  backupMaxAgeHours: number;
  loadResultMaxAgeDays: number;
  /** Latest a waiver's `until` or an attestation's `expires` may lie after today, in days. */
  maxExpiryDays: number;
}

export interface RunConfig {
  /** Path of the config file it came from, when any. */
  file?: string;
  severities: Record<string, Severity | 'off'>;
  thresholds: Thresholds;
  waivers: Waiver[];
  ruleDirs: string[];
  /** Backup marker query for backup-marker-fresh; must return a `completed_at` column. */
  backupMarkerQuery: string;
  /** Probe / burst parameters by unit id, merged over the rule's own params. */
  params: Record<string, Record<string, unknown>>;
  /** Whether an old, or undated, imported load result warns or fails. */
  loadResults: { stale: 'warn' | 'fail'; unknownAge: 'warn' | 'fail' };
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  secretMinLength: { hash: 32, salt: 16, password: 12, default: 16 },
  secretMinEntropyBitsPerChar: 3,
  exposureRetentionMaxDays: 90,
  manifestTtlMaxSeconds: 300,
  replicasMin: 2,
  backupMaxAgeHours: 26,
  loadResultMaxAgeDays: 30,
  maxExpiryDays: 365,
};

export const DEFAULT_BACKUP_MARKER_QUERY =
  'SELECT max(completed_at) AS completed_at FROM prodready_backup_marker';

export function defaultConfig(): RunConfig {
  return {
    severities: {},
    thresholds: structuredClone(DEFAULT_THRESHOLDS),
    waivers: [],
    ruleDirs: [],
    backupMarkerQuery: DEFAULT_BACKUP_MARKER_QUERY,
    params: {},
    loadResults: { stale: 'warn', unknownAge: 'warn' },
  };
}
