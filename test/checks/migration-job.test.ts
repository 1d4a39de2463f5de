// The migration-job template, through every rule of the pack that uses it and each rule's fixture cases
// (fixtures/rules/migration-job-present/), and its command matcher over the pack's own params: what it recognises,
// what it refuses, and what it leaves undecided.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import check, { globMatch, judgeArgv, showCommand } from '../../src/checks/migration-job.js';
import { BUILTIN_PACK_DIR } from '../helpers/pack.js';
import { describeTemplate } from '../helpers/rule-tester.js';

const rule = parse(readFileSync(join(BUILTIN_PACK_DIR, 'migration-job-present.yaml'), 'utf8')) as { params: unknown };
const params = check.meta.params.parse(rule.params);
const kind = (argv: string[]): string => judgeArgv(argv, params).kind;
const sh = (script: string): string[] => ['/bin/sh', '-c', script];

describeTemplate('migration-job');

describe('migration-job matcher', () => {
  it.each([
    [['migrate', '-path', '/migrations', '-database', '$(DATABASE_URL)', 'up']],
    [['/app/bin/migrate']],
    [['/app/recsys-migrate', 'up']],
    [['goose', '-dir', '/migrations', 'postgres', '$(DATABASE_URL)', 'up']],
    [['atlas', 'migrate', 'apply', '--url', '$(DATABASE_URL)']],
    [['flyway', '-url=jdbc:postgresql://db/app', 'migrate']],
    [['liquibase', '--changelog-file=changelog.xml', 'update']],
    [['dbmate', '--wait', 'up']],
    [['sqitch', 'deploy', 'db:pg://app@db/app']],
    [['python', 'manage.py', 'migrate', '--noinput']],
    [['python3', '-m', 'alembic', 'upgrade', 'head']],
    [['bundle', 'exec', 'rake', 'db:migrate']],
    [['./bin/rails', 'db:migrate']],
    [['docker-entrypoint.sh', 'php', 'artisan', 'migrate', '--force']],
    [['npx', '--yes', 'prisma', 'migrate', 'deploy']],
    [['npm', 'run', 'migrate:latest']],
    [['bun', 'run', 'db:migrate']],
    [['yarn', 'sequelize:migrate']],
    [['npx', 'typeorm', 'migration:run', '-d', 'dist/data-source.js']],
    [['dotnet', 'ef', 'database', 'update']],
    [['/app/bin/shop', 'eval', 'Shop.Release.migrate']],
    [['hasura', 'migrate', 'apply', '--database-name', 'default']],
    [['php', 'bin/console', 'doctrine:migrations:migrate', '--no-interaction']],
    [['diesel', 'migration', 'run']],
    [['sqlx', 'migrate', 'run']],
    [['node', 'scripts/migrate.js']],
    [['uv', 'run', 'python', 'scripts/migrate.py']],
    [['env', 'RAILS_ENV=production', 'bundle', 'exec', 'rails', 'db:migrate']],
    [sh('set -e\n# wait for the database\nuntil pg_isready -h db; do sleep 1; done\npsql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f /migrations/migrate.sql')],
    [sh('cd /app && \\\n  DJANGO_SETTINGS_MODULE=app.settings exec python manage.py migrate')],
    [['bash', '-euo', 'pipefail', '-c', 'echo start; exec /bin/sh -c "alembic upgrade head"']],
    [sh('until migrate -path /m -database "$DATABASE_URL" up; do sleep 5; done')],
  ])('recognises %j', (argv) => {
    expect(judgeArgv(argv, params)).toMatchObject({ kind: 'migrates' });
  });

  it.each([
    [['echo', 'migrate', 'up']],
    [sh('echo migrations are applied by the app && sleep 1')],
    [sh('until /app/recsys-migrate status; do sleep 2; done')],
    [sh('while ! nc -z db 5432; do sleep 1; done')],
    [['wait-for-it.sh', 'db:5432', '--', 'echo', 'ready']],
    [['migrate', '-path', '/m', '-database', 'x', 'status']],
    [['alembic', 'current']],
    [['python', 'manage.py', 'showmigrations']],
    [['python', 'manage.py', 'migrate', '--check']],
    [['php', 'artisan', 'migrate:status']],
    [['bundle', 'exec', 'rake', 'db:abort_if_pending_migrations']],
    [['atlas', 'migrate', 'apply', '--dry-run']],
    [['bundle', 'exec', 'rake', 'db:seed']],
    [sh('pg_dump "$DATABASE_URL" > /backup/db.sql')],
    [['npm', 'run', 'migrate:status']],
    [['npm', 'run', 'wait-for-migrations']],
    [['/app/bin/migrate', 'down']],
    [['liquibase', 'update-sql']],
  ])('refuses %j', (argv) => {
    expect(kind(argv)).toBe('not');
  });

  it.each([[['/app/bootstrap']], [sh('curl -fsS http://api/admin/migrate')], [['migrate']], [['psql', '-c', 'select 1']]])(
    'leaves %j undecided',
    (argv) => {
      expect(judgeArgv(argv, params)).toMatchObject({ kind: 'unrecognised' });
    },
  );

  it('takes patterns a user adds under extra without dropping the pack’s own', () => {
    const withExtra = check.meta.params.parse({ ...(rule.params as object), extra: { commands: ['schemactl apply'] } });
    expect(judgeArgv(['/usr/local/bin/schemactl', '--env', 'prod', 'apply'], withExtra).kind).toBe('migrates');
    expect(judgeArgv(['goose', 'up'], withExtra).kind).toBe('migrates');
    expect(kind(['/usr/local/bin/schemactl', 'apply'])).toBe('unrecognised');
  });

  it('refuses patterns that are not plain words', () => {
    expect(check.meta.params.safeParse({ ...(rule.params as object), extra: { commands: ['a  b'] } }).success).toBe(false);
    expect(check.meta.params.safeParse({ ...(rule.params as object), extra: { commands: ['tool\u001b[31m'] } }).success).toBe(false);
  });

  it('matches globs by a bounded scan, hostile patterns included', () => {
    expect(globMatch('*migrat*', 'db-Migrations')).toBe(true);
    expect(globMatch('migrate.*', 'migrate')).toBe(false);
    expect(globMatch('a?c', 'abc')).toBe(true);
    // A pattern that makes backtracking regex engines blow up answers at once here.
    expect(globMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
  });

  it('shows commands escaped, masked and bounded', () => {
    const text = showCommand('migrate -database postgres://app:hunter2@db/app up\u001b[31m PGPASSWORD=s3cret');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('\u001b');
    expect(showCommand('x'.repeat(1000)).length).toBeLessThanOrEqual(160);
  });
});
