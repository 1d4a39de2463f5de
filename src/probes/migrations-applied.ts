import { z } from 'zod';
import { defineProbe } from '../core/define.js';
import type { Location } from '../core/types.js';
import { effective, locationOf, valueEvidence } from '../model/query.js';
import { IO_MESSAGES } from '../io/errors.js';
import { judgePreflight, type AppliedRow } from './lib/migrations.js';
import { hasStaticInputs } from './lib/model.js';
import { describeSqlState, withTargetDatabase } from './lib/pg.js';
import { databaseStoppers, stopperData, type DatabaseStopper } from './lib/stoppers.js';

const STOPPERS = ['migrate-on-start-drift', 'migrate-on-start-failed'] as const;

const params = z.strictObject({
  /** The migrate tool's table; an identifier, optionally schema-qualified (preflight.go:219). */
  table: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'a table name, optionally schema.table')
    .default('schema_migrations'),
  statementTimeoutMs: z.number().int().positive().max(60_000).default(3000),
  /** Rows of one kind listed in full before the rest are counted. */
  maxListed: z.number().int().positive().max(100).default(10),
  stoppers: databaseStoppers(STOPPERS),
});

interface MigrationRow extends Record<string, unknown> {
  version: string;
  name: string | null;
  checksum: string | null;
  success: boolean | null;
}

/** Quotes each part of a validated identifier. */
function quoteIdent(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

const short = (checksum: string | null) => (checksum === null ? 'none' : checksum.slice(0, 12));

export default defineProbe({
  meta: {
    id: 'migrations-applied',
    type: 'problem',
    description:
      "Gives the verdict recsys's `migrate preflight` would give, read-only: no failed row, no drift (an applied migration whose file is missing from the release or whose checksum differs, with --migrations-dir), the pending ones named; the expected version reached (--expect-migration); with MIGRATE_ON_START=true, what stops the pod at start-up.",
    messages: {
      ...IO_MESSAGES,
      failedMigration: 'migration {{version}} ({{name}}) is recorded as failed: the schema is half-applied; migrate preflight fails ("database contains failed migrations")',
      moreFailed: '{{count}} more failed migration(s) not listed',
      missingFile:
        'drift: applied migration {{version}} ({{name}}) has no file in the release ({{dir}}); migrate preflight fails ("missing migration file")',
      checksumChanged:
        'drift: applied migration {{version}} ({{name}}) differs from {{file}} in the release: recorded checksum {{recorded}}…, file {{actual}}…; migrate preflight fails ("checksum mismatch")',
      moreDrift: '{{count}} more drifted migration(s) not listed',
      pending:
        '{{count}} migration(s) of the release are not applied: {{list}}; migrate preflight passes with them pending, but this release runs on a schema without them until they are applied',
      driftUndecided:
        'drift and pending migrations cannot be decided without the release\'s migration files ({{rows}} row(s) read, {{failed}} failed); to decide, give --migrations-dir with the release\'s api/migrations',
      migrateOnStartDrift:
        '{{step}}: MIGRATE_ON_START is true and applied migration(s) {{list}} differ from the release\'s files: {{why}} ({{upstream}}); the pod exits at start-up',
      migrateOnStartFailed:
        '{{step}}: MIGRATE_ON_START is true and migration(s) {{list}} are recorded as failed: {{why}} ({{upstream}}); the pod exits at start-up if one fails again',
      expectedNotReached:
        'the newest applied migration is {{latest}}, below the expected {{expected}}: this release needs a schema that is not there',
      noMigrations: 'table {{table}} is empty: no migration has been applied',
      tableMissing: 'table {{table}} does not exist: migrations were never run on this database (42P01)',
      unreadable: 'cannot read {{table}}: {{reason}}',
      invalidExpected: 'the expected migration {{expected}} is not a version number (digits, as in 20240101120000)',
    },
    params,
    timeoutMs: 8000,
    needs: ['databaseUrl'],
  },
  async run(ctx, p) {
    const expected = ctx.target.expectMigration;
    if (expected !== undefined && !/^\d{1,19}$/.test(expected)) {
      ctx.unknown({ messageId: 'invalidExpected', data: { expected: expected.slice(0, 40) } });
      return;
    }
    const release = ctx.target.migrations;
    const stoppers = p.stoppers as DatabaseStopper[];
    await withTargetDatabase(ctx, p.statementTimeoutMs, async (session, shown) => {
      const location = { target: shown };
      // preflight.go:132 reads the same columns.
      const read = await session.read<MigrationRow>(
        `SELECT version::text AS version, name::text AS name, checksum::text AS checksum, success FROM ${quoteIdent(p.table)} ORDER BY version`,
      );
      if (!read.ok) {
        if (read.sqlstate === '42P01') {
          ctx.report({ messageId: 'tableMissing', data: { table: p.table }, location });
        } else {
          ctx.unknown({
            messageId: 'unreadable',
            data: { table: p.table, reason: describeSqlState(read.sqlstate, read.cancelCause) },
            location,
            evidence: [`${shown}: SELECT from ${p.table} ended with SQLSTATE ${read.sqlstate} after ${read.ms} ms`],
          });
        }
        return;
      }
      const rows: AppliedRow[] = read.result.rows.map((r) => ({ version: r.version, name: r.name ?? '', checksum: r.checksum, success: r.success }));
      if (rows.length === 0) {
        ctx.report({ messageId: 'noMigrations', data: { table: p.table }, location });
        return;
      }
      const verdict = judgePreflight(rows, release?.files ?? []);
      const list = <T>(items: T[], each: (t: T) => void, more: string) => {
        for (const item of items.slice(0, p.maxListed)) each(item);
        if (items.length > p.maxListed) ctx.report({ messageId: more, data: { count: items.length - p.maxListed }, location });
      };
      list(verdict.failed, (row) => ctx.report({ messageId: 'failedMigration', data: { version: row.version, name: row.name }, location }), 'moreFailed');

      const applied = rows.filter((r) => r.success !== false);
      const latest = applied.reduce<bigint | undefined>((max, r) => {
        const v = BigInt(r.version);
        return max === undefined || v > max ? v : max;
      }, undefined);
      const latestRow = applied.find((r) => latest !== undefined && BigInt(r.version) === latest);
      ctx.evidence(
        `${rows.length} migration row(s), ${verdict.failed.length} failed; newest applied ${latestRow ? `${latestRow.version} (${latestRow.name})` : 'none'}`,
      );

      const migrateOnStart = podMigratesOnStart(ctx.model);
      ctx.evidence(`MIGRATE_ON_START: ${migrateOnStart.evidence}`);
      const at: Location = { ...migrateOnStart.location, target: shown };
      if (migrateOnStart.state === 'on' && verdict.failed.length > 0) {
        // A failed row is not applied to the migrator, so it runs that migration again (migrator.go:256-259, :283-301).
        const s = stopperData(stoppers, 'migrate-on-start-failed');
        ctx.report({
          messageId: 'migrateOnStartFailed',
          data: { step: s.step, why: s.reason, upstream: s.upstream, list: verdict.failed.map((r) => `${r.version} (${r.name})`).join(', ') },
          location: at,
          // Not certain: the rerun may succeed now; the failed row itself is already a failure above.
          severity: 'warn',
        });
      }
      if (release) {
        const dir = release.dir;
        const drift = [
          ...verdict.missing.map((row) => () => ctx.report({ messageId: 'missingFile', data: { version: row.version, name: row.name, dir }, location })),
          ...verdict.changed.map(({ row, file }) => () =>
            ctx.report({
              messageId: 'checksumChanged',
              data: { version: row.version, name: row.name, file: file.file, recorded: short(row.checksum), actual: short(file.checksum) },
              location,
            }),
          ),
        ];
        list(drift, (f) => f(), 'moreDrift');
        const pendingList = verdict.pending.map((f) => `${f.version} (${f.name})`);
        const failedOrDrift = verdict.failed.length + verdict.missing.length + verdict.changed.length > 0;
        ctx.evidence(
          `migrate preflight with ${release.files.length} up file(s) from ${dir}: ${
            failedOrDrift
              ? `fails (${verdict.failed.length} failed, ${verdict.missing.length} missing file(s), ${verdict.changed.length} checksum mismatch(es))`
              : `ok: applied=${rows.length} pending=${verdict.pending.length}`
          } (the pattern preflight means; upstream's own preflight.go:188 matches no file name, so it would report every applied row as missing)`,
        );
        if (pendingList.length > 0) {
          if (migrateOnStart.state === 'on') {
            ctx.evidence(`${pendingList.length} pending migration(s) are applied by the pod at start-up (MIGRATE_ON_START=true): ${pendingList.join(', ')}`);
          } else {
            ctx.report({ messageId: 'pending', data: { count: pendingList.length, list: pendingList.slice(0, p.maxListed).join(', ') + (pendingList.length > p.maxListed ? ', …' : '') }, location, severity: 'warn' });
          }
        }
        if (migrateOnStart.state === 'on') {
          // The migrator checks the checksums of successful rows whose file it has (migrator.go:254-281); a row
          // without a file does not stop it.
          const mismatched = verdict.changed.filter(({ row }) => row.success !== false).map(({ row }) => `${row.version} (${row.name})`);
          if (mismatched.length > 0) {
            const s = stopperData(stoppers, 'migrate-on-start-drift');
            ctx.report({ messageId: 'migrateOnStartDrift', data: { step: s.step, why: s.reason, upstream: s.upstream, list: mismatched.join(', ') }, location: at });
          }
        }
      } else {
        ctx.unknown({ messageId: 'driftUndecided', data: { rows: rows.length, failed: verdict.failed.length }, location });
      }

      if (expected !== undefined) {
        const want = BigInt(expected);
        if (latest === undefined || latest < want) {
          ctx.report({
            messageId: 'expectedNotReached',
            data: { latest: latest === undefined ? 'none' : latest.toString(), expected },
            location,
          });
        } else {
          const exact = applied.some((r) => BigInt(r.version) === want);
          ctx.evidence(`expected migration ${expected} ${exact ? 'is applied' : 'is passed by a newer one'}`);
        }
      }
    });
  },
});

/** Whether the pod runs the migrations at start-up (MIGRATE_ON_START, any environment; main.go:67-71). */
function podMigratesOnStart(model: import('../core/model.js').DeploymentModel): { state: 'on' | 'off' | 'unknown'; evidence: string; location?: Location } {
  if (!hasStaticInputs(model)) return { state: 'unknown', evidence: 'no deployment files were given, so whether the pod migrates at start-up is not known' };
  const e = effective(model, 'MIGRATE_ON_START');
  const location = locationOf(model, e);
  const at = location ? { location } : {};
  if ((e.state === 'set' || e.state === 'default') && typeof e.value === 'boolean') return { state: e.value ? 'on' : 'off', evidence: valueEvidence(e), ...at };
  return { state: 'unknown', evidence: valueEvidence(e), ...at };
}
