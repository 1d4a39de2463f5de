import { z } from 'zod';
import { defineProbe } from '../core/define.js';
import { IO_MESSAGES } from '../io/errors.js';
import { describeSqlState, withTargetDatabase } from './lib/pg.js';

const params = z.strictObject({
  /** The migrate tool's table; an identifier, optionally schema-qualified. */
  table: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'a table name, optionally schema.table')
    .default('schema_migrations'),
  statementTimeoutMs: z.number().int().positive().max(60_000).default(3000),
  /** Failed rows listed in full before the rest are counted. */
  maxListed: z.number().int().positive().max(100).default(10),
});

interface MigrationRow extends Record<string, unknown> {
  version: string;
  name: string | null;
  success: boolean | null;
}

/** Quotes each part of a validated identifier. */
function quoteIdent(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

export default defineProbe({
  meta: {
    id: 'migrations-applied',
    type: 'problem',
    description:
      'schema_migrations has no failed row (success = false) and reaches the expected version when one is given (--expect-migration).',
    messages: {
      ...IO_MESSAGES,
      failedMigration: 'migration {{version}} ({{name}}) is recorded as failed: the schema is half-applied',
      moreFailed: '{{count}} more failed migration(s) not listed',
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
    await withTargetDatabase(ctx, p.statementTimeoutMs, async (session, shown) => {
      const location = { target: shown };
      const read = await session.read<MigrationRow>(
        `SELECT version::text AS version, name::text AS name, success FROM ${quoteIdent(p.table)} ORDER BY version`,
      );
      if (!read.ok) {
        if (read.sqlstate === '42P01') {
          ctx.report({ messageId: 'tableMissing', data: { table: p.table }, location });
        } else {
          ctx.unknown({
            messageId: 'unreadable',
            data: { table: p.table, reason: describeSqlState(read.sqlstate) },
            location,
            evidence: [`${shown}: SELECT from ${p.table} ended with SQLSTATE ${read.sqlstate} after ${read.ms} ms`],
          });
        }
        return;
      }
      const rows = read.result.rows;
      if (rows.length === 0) {
        ctx.report({ messageId: 'noMigrations', data: { table: p.table }, location });
        return;
      }
      const failed = rows.filter((r) => r.success === false);
      for (const row of failed.slice(0, p.maxListed)) {
        ctx.report({ messageId: 'failedMigration', data: { version: row.version, name: row.name ?? '' }, location });
      }
      if (failed.length > p.maxListed) {
        ctx.report({ messageId: 'moreFailed', data: { count: failed.length - p.maxListed }, location });
      }
      const applied = rows.filter((r) => r.success !== false);
      const latest = applied.reduce<bigint | undefined>((max, r) => {
        const v = BigInt(r.version);
        return max === undefined || v > max ? v : max;
      }, undefined);
      const latestRow = applied.find((r) => latest !== undefined && BigInt(r.version) === latest);
      ctx.evidence(
        `${rows.length} migration row(s), ${failed.length} failed; newest applied ${latestRow ? `${latestRow.version} (${latestRow.name ?? ''})` : 'none'}`,
      );
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
