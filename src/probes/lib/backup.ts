// The two decisions of backup-marker-fresh, kept pure so they can be tested without a server
// that has really failed to archive.

export type MarkerVerdict =
  | { state: 'fresh'; completedAt: Date; ageHours: number }
  | { state: 'stale'; completedAt: Date; ageHours: number }
  | { state: 'future'; completedAt: Date; aheadHours: number }
  | { state: 'absent' }
  | { state: 'unparseable'; value: string };

/** Hours, one decimal. */
function hours(ms: number): number {
  return Math.round((ms / 3_600_000) * 10) / 10;
}

/** How far ahead of our clock a marker may be before it is a clock or data error: ordinary skew. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Judges the newest marker's completion time against a maximum age. A time ahead of the clock
 * (beyond ordinary skew) proves no backup: some clock is wrong or the marker is bad data.
 */
export function judgeMarker(value: unknown, now: Date, maxAgeHours: number): MarkerVerdict {
  if (value === null || value === undefined) return { state: 'absent' };
  const completedAt = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(completedAt.getTime())) return { state: 'unparseable', value: String(value).slice(0, 60) };
  const aheadMs = completedAt.getTime() - now.getTime();
  if (aheadMs > FUTURE_TOLERANCE_MS) return { state: 'future', completedAt, aheadHours: hours(aheadMs) };
  const ageHours = hours(now.getTime() - completedAt.getTime());
  return ageHours > maxAgeHours ? { state: 'stale', completedAt, ageHours } : { state: 'fresh', completedAt, ageHours };
}

/** A row of pg_stat_archiver, plus the archive_mode setting. */
export interface ArchiverRow {
  archive_mode?: string | null;
  archived_count?: string | number | null;
  last_archived_wal?: string | null;
  last_archived_time?: Date | null;
  failed_count?: string | number | null;
  last_failed_wal?: string | null;
  last_failed_time?: Date | null;
}

export type ArchiverVerdict =
  | { state: 'off' }
  | { state: 'idle' }
  | { state: 'ok'; lastArchivedTime: Date; lastArchivedWal: string; archivedCount: number; failedCount: number }
  | {
      state: 'failing';
      lastFailedTime: Date;
      lastFailedWal: string;
      lastArchivedTime?: Date;
      failedCount: number;
    };

/** Fails when the last archive failure is newer than the last success (or there was never a success). */
export function judgeArchiver(row: ArchiverRow): ArchiverVerdict {
  const failedCount = Number(row.failed_count ?? 0);
  const archivedCount = Number(row.archived_count ?? 0);
  const failed = row.last_failed_time ?? undefined;
  const archived = row.last_archived_time ?? undefined;
  if (failed && (!archived || failed.getTime() > archived.getTime())) {
    return {
      state: 'failing',
      lastFailedTime: failed,
      lastFailedWal: row.last_failed_wal ?? 'unknown',
      ...(archived ? { lastArchivedTime: archived } : {}),
      failedCount,
    };
  }
  if (row.archive_mode === 'off') return { state: 'off' };
  if (!archived) return { state: 'idle' };
  return { state: 'ok', lastArchivedTime: archived, lastArchivedWal: row.last_archived_wal ?? 'unknown', archivedCount, failedCount };
}
