import { describe, expect, it } from 'vitest';
import { judgeArchiver, judgeMarker } from '../../../src/probes/lib/backup.js';

const t = (iso: string) => new Date(iso);

describe('judgeMarker', () => {
  const now = t('2026-01-02T12:00:00Z');
  it('fresh within the maximum, stale beyond it', () => {
    expect(judgeMarker(t('2026-01-02T00:00:00Z'), now, 26)).toMatchObject({ state: 'fresh', ageHours: 12 });
    expect(judgeMarker(t('2026-01-01T08:00:00Z'), now, 26)).toMatchObject({ state: 'stale', ageHours: 28 });
    expect(judgeMarker(t('2026-01-01T10:00:00Z'), now, 26)).toMatchObject({ state: 'fresh', ageHours: 26 });
  });
  it('absent for null, unparseable for text that is not a time, accepts ISO text', () => {
    expect(judgeMarker(null, now, 26)).toEqual({ state: 'absent' });
    expect(judgeMarker('yesterday-ish', now, 26)).toMatchObject({ state: 'unparseable' });
    expect(judgeMarker('2026-01-02T11:00:00Z', now, 26)).toMatchObject({ state: 'fresh', ageHours: 1 });
  });
});

describe('judgeArchiver', () => {
  it('fails when the last failure is newer than the last success', () => {
    const v = judgeArchiver({
      archive_mode: 'on',
      archived_count: '10',
      last_archived_time: t('2026-01-02T10:00:00Z'),
      last_archived_wal: 'A',
      failed_count: '3',
      last_failed_time: t('2026-01-02T11:00:00Z'),
      last_failed_wal: 'B',
    });
    expect(v).toMatchObject({ state: 'failing', lastFailedWal: 'B', failedCount: 3 });
  });
  it('fails when archiving only ever failed', () => {
    expect(judgeArchiver({ archive_mode: 'on', last_failed_time: t('2026-01-02T11:00:00Z'), last_failed_wal: 'B', failed_count: 1 })).toMatchObject({ state: 'failing' });
  });
  it('passes when a success follows the last failure', () => {
    const v = judgeArchiver({
      archive_mode: 'on',
      archived_count: 11,
      last_archived_time: t('2026-01-02T12:00:00Z'),
      last_archived_wal: 'C',
      failed_count: 3,
      last_failed_time: t('2026-01-02T11:00:00Z'),
      last_failed_wal: 'B',
    });
    expect(v).toMatchObject({ state: 'ok', lastArchivedWal: 'C', archivedCount: 11, failedCount: 3 });
  });
  it('off and idle are not failures', () => {
    expect(judgeArchiver({ archive_mode: 'off' })).toEqual({ state: 'off' });
    expect(judgeArchiver({ archive_mode: 'on', archived_count: 0, failed_count: 0 })).toEqual({ state: 'idle' });
  });
});
