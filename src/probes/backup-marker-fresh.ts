import { z } from 'zod';
import { defineProbe, type ProbeContext } from '../core/define.js';
import { IO_MESSAGES } from '../io/errors.js';
import { QUERY_REFUSED, TRANSACTION_ENDED, describeSqlState, withTargetDatabase, type CancelCause, type ReadOnlySession } from './lib/pg.js';
import { judgeArchiver, judgeMarker, type ArchiverRow } from './lib/backup.js';

const params = z.strictObject({
  /** Overrides config thresholds.backupMaxAgeHours. */
  maxAgeHours: z.number().positive().max(24 * 365).optional(),
  statementTimeoutMs: z.number().int().positive().max(60_000).default(3000),
  /** Read pg_stat_archiver too (off where the role may not see it and WAL archiving is not used). */
  checkArchiver: z.boolean().default(true),
});
type Params = z.infer<typeof params>;

const ARCHIVER_QUERY = `SELECT a.archived_count, a.last_archived_wal, a.last_archived_time,
  a.failed_count, a.last_failed_wal, a.last_failed_time, pg_catalog.current_setting('archive_mode') AS archive_mode
  FROM pg_catalog.pg_stat_archiver a`;

/** What would let the probe read what it could not, by SQLSTATE. */
function fixFor(sqlstate: string, what: 'marker' | 'archiver', cause?: CancelCause): string {
  if (sqlstate === '42501') {
    return what === 'marker'
      ? 'grant SELECT on the marker table to the probing role'
      : 'grant pg_monitor (or pg_read_all_stats) to the probing role';
  }
  if (sqlstate === '42P01' || sqlstate === '42703') {
    return what === 'marker'
      ? 'have the backup job write its marker table, or point backupMarkerQuery at what it writes'
      : 'this server has no pg_stat_archiver';
  }
  if (sqlstate === '57014' && cause === 'recovery-conflict') return 'probe the primary, or let the standby delay replay longer (max_standby_streaming_delay)';
  if (sqlstate === '57014' && cause === 'canceled') return 'run the probe again; something canceled the query while it ran';
  if (sqlstate === '57014') return 'raise statementTimeoutMs or index the marker table';
  if (sqlstate === QUERY_REFUSED || sqlstate === TRANSACTION_ENDED || sqlstate === '42601' || sqlstate === '25006' || sqlstate === '25001') {
    return what === 'marker' ? 'make backupMarkerQuery one SELECT that only reads' : 'check the role and server';
  }
  return what === 'marker' ? 'check backupMarkerQuery' : 'check the role and server';
}

async function checkMarker(ctx: ProbeContext, p: Params, s: ReadOnlySession, target: string): Promise<void> {
  const location = { target };
  const maxAgeHours = p.maxAgeHours ?? ctx.config.thresholds.backupMaxAgeHours;
  const read = await s.read<{ completed_at?: unknown }>(ctx.config.backupMarkerQuery);
  if (!read.ok) {
    ctx.unknown({
      messageId: 'markerUnreadable',
      data: { reason: describeSqlState(read.sqlstate, read.cancelCause), fix: fixFor(read.sqlstate, 'marker', read.cancelCause) },
      location,
      evidence: [`${target}: backup marker query ended with SQLSTATE ${read.sqlstate} after ${read.ms} ms`],
    });
    return;
  }
  if (!read.result.fields.some((f) => f.name === 'completed_at')) {
    ctx.unknown({ messageId: 'markerNoColumn', location });
    return;
  }
  const verdict = judgeMarker(read.result.rows[0]?.completed_at, ctx.now(), maxAgeHours);
  switch (verdict.state) {
    case 'absent':
      ctx.report({ messageId: 'markerAbsent', data: { maxAgeHours }, location, evidence: [`${read.result.rowCount ?? 0} row(s), no completed_at`] });
      return;
    case 'future':
      ctx.report({
        messageId: 'markerInFuture',
        data: { completedAt: verdict.completedAt.toISOString(), aheadHours: verdict.aheadHours, now: ctx.now().toISOString(), code: 'PRODREADY_MARKER_IN_FUTURE' },
        location,
        evidence: [`newest backup marker ${verdict.completedAt.toISOString()}, ${verdict.aheadHours} h after this machine's clock`],
      });
      return;
    case 'unparseable':
      ctx.unknown({ messageId: 'markerUnparseable', data: { value: verdict.value }, location });
      return;
    case 'stale':
      ctx.report({
        messageId: 'markerStale',
        data: { completedAt: verdict.completedAt.toISOString(), ageHours: verdict.ageHours, maxAgeHours },
        location,
      });
      return;
    case 'fresh':
      ctx.evidence(`newest backup marker ${verdict.completedAt.toISOString()}, ${verdict.ageHours} h old (maximum ${maxAgeHours} h)`);
  }
}

async function checkArchiver(ctx: ProbeContext, s: ReadOnlySession, target: string): Promise<void> {
  const location = { target };
  const read = await s.read<ArchiverRow & Record<string, unknown>>(ARCHIVER_QUERY);
  if (!read.ok) {
    ctx.unknown({
      messageId: 'archiverUnreadable',
      data: { reason: describeSqlState(read.sqlstate, read.cancelCause), fix: fixFor(read.sqlstate, 'archiver', read.cancelCause) },
      location,
      evidence: [`${target}: pg_stat_archiver query ended with SQLSTATE ${read.sqlstate} after ${read.ms} ms`],
    });
    return;
  }
  const row = read.result.rows[0];
  if (!row) {
    ctx.unknown({ messageId: 'archiverUnreadable', data: { reason: 'no row', fix: fixFor('', 'archiver') }, location });
    return;
  }
  const v = judgeArchiver(row);
  switch (v.state) {
    case 'failing':
      ctx.report({
        messageId: 'archiverFailing',
        data: {
          lastFailedWal: v.lastFailedWal,
          lastFailedTime: v.lastFailedTime.toISOString(),
          lastArchivedTime: v.lastArchivedTime ? v.lastArchivedTime.toISOString() : 'never',
          failedCount: v.failedCount,
        },
        location,
      });
      return;
    case 'off':
      ctx.evidence('WAL archiving is off (archive_mode=off): the backup marker alone decides');
      return;
    case 'idle':
      ctx.evidence('WAL archiving is on, nothing archived or failed since the statistics were reset');
      return;
    case 'ok':
      ctx.evidence(
        `WAL archiving ok: last archived ${v.lastArchivedWal} at ${v.lastArchivedTime.toISOString()}, ${v.archivedCount} archived, ${v.failedCount} failed`,
      );
  }
}

export default defineProbe({
  meta: {
    id: 'backup-marker-fresh',
    type: 'problem',
    description:
      'Read-only: the newest backup marker is younger than its maximum age (default 26 h) and not ahead of the clock, and pg_stat_archiver shows no WAL archive failure newer than the last success.',
    messages: {
      ...IO_MESSAGES,
      markerAbsent: 'no backup marker found: nothing shows a backup completed within {{maxAgeHours}} h',
      markerStale: 'the newest backup marker is {{ageHours}} h old ({{completedAt}}), older than the maximum of {{maxAgeHours}} h',
      markerUnreadable: 'cannot read the backup marker: {{reason}}; to decide, {{fix}}',
      markerNoColumn: 'the backup marker query returns no completed_at column; to decide, fix backupMarkerQuery',
      markerInFuture:
        'the newest backup marker ({{completedAt}}) is {{aheadHours}} h ahead of this clock ({{now}}): a wrong clock (database, backup job or here) or bad data in the marker, which proves no backup ({{code}})',
      markerUnparseable: 'the backup marker completed_at {{value}} is not a time',
      archiverFailing:
        'WAL archiving is failing: the last failure ({{lastFailedWal}} at {{lastFailedTime}}) is newer than the last success ({{lastArchivedTime}}); {{failedCount}} failure(s) counted',
      archiverUnreadable: 'cannot read pg_stat_archiver: {{reason}}; to decide, {{fix}}',
    },
    params,
    timeoutMs: 8000,
    needs: ['databaseUrl'],
  },
  async run(ctx, p) {
    await withTargetDatabase(ctx, p.statementTimeoutMs, async (session, shown) => {
      await checkMarker(ctx, p, session, shown);
      if (p.checkArchiver) await checkArchiver(ctx, session, shown);
    });
  },
});
