import { z } from 'zod';
import { defineProbe, type ProbeContext, type Report } from '../core/define.js';
import type { Location } from '../core/types.js';
import { effective, locationOf, valueEvidence } from '../model/query.js';
import type { DeploymentModel } from '../core/model.js';
import { IO_MESSAGES, type IoMessageId } from '../io/errors.js';
import { hasStaticInputs } from './lib/model.js';
import { describeSqlState, withTargetDatabase, type DatabaseProbeContext, type ReadOnlySession } from './lib/pg.js';
import { databaseStoppers, stopperData, type DatabaseStopper } from './lib/stoppers.js';

/** api/internal/store/tenant_guard.go:12-24 (tenantScopedTables). */
export const TENANT_SCOPED_TABLES = [
  'tenant_config_versions',
  'tenant_configs_current',
  'tenant_rule_versions',
  'tenant_rules_current',
  'audit_log',
  'cache_invalidation_events',
  'exposure_events',
  'interaction_events',
  'item_popularity_daily',
  'item_covisit_daily',
  'item_tags_current',
];

/**
 * tenant_guard.go:43-52, word for word, so the verdict is the service's. Note what it does: the join on
 * pg_namespace does not filter pg_class, so a table of that name in any schema counts, and a table that
 * does not exist is listed (as lacking row-level security) like one that exists without it.
 */
const SERVICE_QUERY = `
SELECT expected.table_name
FROM unnest($1::text[]) AS expected(table_name)
LEFT JOIN pg_class c
	ON c.relname = expected.table_name
LEFT JOIN pg_namespace n
	ON n.oid = c.relnamespace
	AND n.nspname = 'public'
WHERE COALESCE(c.relrowsecurity, false) = false
ORDER BY expected.table_name;`;

/** For the evidence only: where each listed name exists, and whether row-level security binds the service's role. */
const DETAIL_QUERY = `
SELECT c.relname AS table_name, n.nspname AS schema, c.relkind::text AS kind, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
       pg_get_userbyid(c.relowner) = current_user AS owned_by_me
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = ANY($1::text[])
ORDER BY 1, 2`;

const STOPPERS = ['database-unreachable', 'rls-missing'] as const;

const params = z.strictObject({
  /** recsys's tenantScopedTables; the rule data says where upstream keeps them. */
  tables: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a table name')).min(1).max(200).default(TENANT_SCOPED_TABLES),
  /** Bounds connecting too: the service's start-up ping has 3 s (main.go:64). */
  statementTimeoutMs: z.number().int().positive().max(60_000).default(3000),
  stoppers: databaseStoppers(STOPPERS),
});

/** Answers of the server itself: the same DSN gets them from any network that reaches that server. */
const SERVER_ANSWERS = new Set(['28P01', '3D000', 'PRODREADY_DB_TLS_REFUSED']);
/**
 * Answers of the server about its state at this moment (too many connections for the server or the role, still
 * starting up): a pod starting now gets them too, but they pass, and they say nothing about this machine's network.
 */
const SERVER_STATE_NOW = new Set(['53300', '57P03']);

type Requirement = { state: 'on' | 'off' | 'unknown'; evidence: string; location?: Location };

/** What the pod does, from its env (ENV decides nothing here: the guard runs in every environment). */
function requirement(model: DeploymentModel): Requirement {
  if (!hasStaticInputs(model)) {
    return { state: 'unknown', evidence: 'no deployment files were given, so whether the pod sets RECSYS_DB_REQUIRE_RLS is not known' };
  }
  const e = effective(model, 'RECSYS_DB_REQUIRE_RLS');
  const location = locationOf(model, e);
  const at = location ? { location } : {};
  if (e.state === 'invalid') return { state: 'unknown', evidence: `${valueEvidence(e)}: it does not parse, so the pod stops at config load before this step`, ...at };
  if ((e.state === 'set' || e.state === 'default') && typeof e.value === 'boolean') return { state: e.value ? 'on' : 'off', evidence: valueEvidence(e), ...at };
  return { state: 'unknown', evidence: valueEvidence(e), ...at };
}

function fill(template: string, data: Report['data']): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(data?.[k] ?? ''));
}

interface DetailRow extends Record<string, unknown> {
  table_name: string;
  schema: string;
  kind: string;
  rls: boolean;
  forced: boolean;
  owned_by_me: boolean;
}

export default defineProbe({
  meta: {
    id: 'rls-enforced',
    type: 'problem',
    description:
      "Runs recsys-service's own row-level security guard (the catalogue query of tenant_guard.go) read-only: with RECSYS_DB_REQUIRE_RLS=true the pod exits naming the tenant tables without row-level security; otherwise it warns which lack it. A database that cannot be reached is the start-up step the service exits on within 3 s, judged with the probe's network, which is not the pod's.",
    messages: {
      ...IO_MESSAGES,
      rlsMissingRequired:
        '{{step}}: row-level security is not enabled on {{tables}} ({{count}} tenant table(s)) while RECSYS_DB_REQUIRE_RLS is true: {{why}} ({{upstream}}); the pod exits at start-up',
      rlsMissing:
        'row-level security is not enabled on {{tables}} ({{count}} tenant table(s)); RECSYS_DB_REQUIRE_RLS is not true ({{setting}}), so the service starts and tenant isolation rests on its application code alone',
      rlsMissingUndecided:
        'row-level security is not enabled on {{tables}} ({{count}} tenant table(s)); whether the pod requires it is not known ({{setting}}): with RECSYS_DB_REQUIRE_RLS=true it exits at start-up ({{upstream}})',
      databaseRefused:
        "{{step}}: {{failure}}. The service pings the database with this DSN at start-up and exits when that fails within {{timeoutS}} s: {{why}} ({{upstream}}). This is the server's answer, which the pod gets too when its network reaches the same server; the probe's network is not the pod's",
      databaseBusy:
        "{{step}}: {{failure}}. That is the server's state at this moment, not this machine's network: a pod that starts while it lasts exits, as the service does when its start-up ping fails within {{timeoutS}} s ({{upstream}}), but whether it lasts cannot be told from here; compare the server's max_connections and the role's connection limit with the pods' pool sizes (or let the server finish starting), then run the probe again",
      databaseUnreachable:
        "{{step}}: {{failure}}. The service exits when it cannot reach the database within {{timeoutS}} s ({{upstream}}), but the probe's network is not the pod's (routes, DNS, firewalls and NetworkPolicies differ), so this does not decide whether the pod can; to decide, run the probe from a pod in the service's namespace",
      unreadable: 'cannot run the row-level security guard query: {{reason}}',
    },
    params,
    timeoutMs: 8000,
    needs: ['databaseUrl'],
  },
  async run(ctx, p) {
    const need = requirement(ctx.model);
    const stoppers = p.stoppers as DatabaseStopper[];
    const unreachable = stopperData(stoppers, 'database-unreachable');
    const timeoutS = Math.round(p.statementTimeoutMs / 100) / 10;
    // Connection failures become the database step's stopper: a finding when the server answered, unknown
    // when only this machine's network could not get there.
    const framed: DatabaseProbeContext = {
      pg: ctx.pg,
      signal: ctx.signal,
      target: ctx.target,
      evidence: (fact) => ctx.evidence(fact),
      report: (r) => {
        const code = String(r.data?.code ?? '');
        const template = IO_MESSAGES[r.messageId as IoMessageId];
        if (r.messageId === 'dsnInvalid' || template === undefined) return ctx.report(r);
        const data = { step: unreachable.step, why: unreachable.reason, upstream: unreachable.upstream, timeoutS, failure: fill(template, r.data) };
        const out: Omit<Report, 'messageId'> = { data, ...(r.location ? { location: r.location } : {}), evidence: r.evidence ?? [] };
        if (SERVER_ANSWERS.has(code)) ctx.report({ ...out, messageId: 'databaseRefused' });
        else if (SERVER_STATE_NOW.has(code)) ctx.unknown({ ...out, messageId: 'databaseBusy' });
        else ctx.unknown({ ...out, messageId: 'databaseUnreachable' });
      },
    };
    await withTargetDatabase(framed, p.statementTimeoutMs, async (session, shown) => {
      ctx.evidence(`database step: reached from here in ${session.connectMs} ms, within the service's ${timeoutS} s start-up ping (from this machine's network, not the pod's)`);
      const location: Location = { ...need.location, target: shown };
      const read = await session.read<{ table_name: string }>(SERVICE_QUERY, [p.tables]);
      if (!read.ok) {
        ctx.unknown({ messageId: 'unreadable', data: { reason: describeSqlState(read.sqlstate, read.cancelCause) }, location });
        return;
      }
      const missing = [...new Set(read.result.rows.map((r) => r.table_name))];
      ctx.evidence(`RECSYS_DB_REQUIRE_RLS: ${need.evidence}`);
      await describeTables(ctx, session, p.tables, missing);
      if (missing.length === 0) {
        ctx.evidence(`row-level security is enabled on all ${p.tables.length} tenant table(s) the service checks (tenant_guard.go query, run read-only)`);
        return;
      }
      const tables = missing.join(', ');
      const rls = stopperData(stoppers, 'rls-missing');
      if (need.state === 'on') {
        ctx.report({ messageId: 'rlsMissingRequired', data: { step: rls.step, why: rls.reason, upstream: rls.upstream, tables, count: missing.length }, location });
      } else if (need.state === 'off') {
        ctx.report({ messageId: 'rlsMissing', data: { tables, count: missing.length, setting: need.evidence }, location, severity: 'warn' });
      } else {
        ctx.report({ messageId: 'rlsMissingUndecided', data: { tables, count: missing.length, setting: need.evidence, upstream: rls.upstream }, location, severity: 'warn' });
      }
    });
  },
});

/** One evidence line per listed table: absent, or where it is and what binds the probing role. */
async function describeTables(
  ctx: ProbeContext,
  session: ReadOnlySession,
  all: string[],
  missing: string[],
): Promise<void> {
  const detail = await session.read<DetailRow>(DETAIL_QUERY, [all]);
  if (!detail.ok) {
    ctx.evidence(`table details unreadable: ${describeSqlState(detail.sqlstate, detail.cancelCause)}`);
    return;
  }
  for (const name of missing) {
    const found = detail.result.rows.filter((r) => r.table_name === name);
    if (found.length === 0) {
      ctx.evidence(`${name}: no such relation (the service's guard lists a missing table as lacking row-level security)`);
      continue;
    }
    ctx.evidence(`${name}: ${found.map((r) => `${r.schema}.${r.table_name} (relkind ${r.kind}) row-level security ${r.rls ? 'on' : 'off'}`).join('; ')}`);
  }
  // A table owner bypasses its own policies unless they are forced: the guard does not look, the evidence does.
  const unforced = detail.result.rows.filter((r) => r.rls && !r.forced && r.owned_by_me && r.schema === 'public');
  if (unforced.length > 0) {
    ctx.evidence(
      `row-level security is on but not forced on ${unforced.map((r) => r.table_name).join(', ')}, which the probing role owns: a service connecting as the owner bypasses the policies (ALTER TABLE … FORCE ROW LEVEL SECURITY)`,
    );
  }
}
