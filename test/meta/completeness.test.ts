// Walks the registries so a new rule, check or probe is covered without anyone remembering to add it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.js';
import { PROBES } from '../../src/probes/index.js';
import { IO_MESSAGES } from '../../src/io/errors.js';
import { loadRuleDirs } from '../../src/pack/load-rules.js';
import { PACK_DATA_FILES } from '../../src/pack/files.js';
import { BUILTIN_PACK_DIR, TEMPLATES } from '../helpers/pack.js';
import { ruleCases } from '../helpers/rule-tester.js';

const root = join(import.meta.dirname, '../..');

describe('rule pack completeness', async () => {
  const rules = await loadRuleDirs([BUILTIN_PACK_DIR], TEMPLATES);

  it('has rules', () => {
    expect(rules.length).toBeGreaterThan(10);
  });

  for (const lr of rules) {
    describe(lr.rule.id, () => {
      it('is named after its file', () => {
        expect(lr.file.endsWith(`${lr.rule.id}.yaml`)).toBe(true);
      });
      it('has a remediation sentence naming what to change', () => {
        expect(lr.rule.remediation).toMatch(/^[A-Z].*\.$/s);
      });
      it('has a checklist section', () => {
        expect(lr.rule.section).toBeGreaterThanOrEqual(0);
        expect(lr.rule.section).toBeLessThanOrEqual(7);
      });
      if (lr.check) {
        it('has passing and failing cases', () => {
          const cases = ruleCases(lr.rule.id);
          expect(cases.filter((c) => c.kind === 'pass').length).toBeGreaterThan(0);
          expect(cases.filter((c) => c.kind === 'fail').length).toBeGreaterThan(0);
        });
      }
    });
  }

  it('every fixture folder belongs to a rule', () => {
    const ids = new Set(rules.map((r) => r.rule.id));
    for (const dir of readdirSync(join(root, 'fixtures/rules'))) expect(ids.has(dir), dir).toBe(true);
  });

  it('every rule file in the pack is a rule or declared pack data', () => {
    const files = readdirSync(BUILTIN_PACK_DIR).filter((n) => n.endsWith('.yaml'));
    expect(files.filter((n) => !PACK_DATA_FILES.has(n))).toHaveLength(rules.length);
  });
});

describe('check and probe registries', () => {
  for (const [kind, registry] of [
    ['checks', CHECKS],
    ['probes', PROBES],
  ] as const) {
    for (const id of Object.keys(registry)) {
      it(`${kind}/${id}: id equals file name, has messages and a test`, async () => {
        const unit = (await registry[id]!()).default;
        expect(unit.meta.id).toBe(id);
        expect(Object.keys(unit.meta.messages).length).toBeGreaterThan(0);
        for (const key of Object.keys(unit.meta.messages)) expect(key).toMatch(/^[a-z][A-Za-z0-9]*$/);
        const test = join(root, 'test', kind, `${id}.test.ts`);
        expect(existsSync(test), `${kind}/${id} has no test of its own (test/${kind}/${id}.test.ts)`).toBe(true);
        const usedByRules = (await loadRuleDirs([BUILTIN_PACK_DIR], TEMPLATES)).some((r) => (kind === 'checks' ? r.rule.check : r.rule.probe) === id);
        expect(usedByRules, `${id} is used by no rule of the pack: dead code`).toBe(true);
      });
    }
  }

  it('the generated indexes are up to date', () => {
    for (const kind of ['checks', 'probes']) {
      const files = readdirSync(join(root, 'src', kind))
        .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'))
        .map((f) => f.slice(0, -3))
        .sort();
      const index = readFileSync(join(root, 'src', kind, 'index.ts'), 'utf8');
      for (const id of files) expect(index, `${kind}/index.ts lacks ${id}: run npm run generate`).toContain(`'${id}'`);
    }
  });
});

/**
 * Which (unit, message) pairs the tests produce, read from the test sources. A pair counts only when
 * one test file ties the message to that unit: the file imports the probe's module and quotes the
 * message id ('messageId'), or a fault row names `unit: 'id'` with its `messageId: '...'` (on the
 * same line, or the row's own line a spread `{ ...row, unit }` reuses). A word appearing anywhere no
 * longer counts, so one probe's connectionRefused proves nothing about another's.
 */
/** Modules whose messages a probe re-declares, so a test of the module produces them for that probe. */
const MODULE_UNITS: Record<string, string> = {
  // Imported Locust / k6 / harness results are judged under the load burst's unit, with these messages.
  'load/judge-evidence': 'load-burst-p95',
};

function producedPairs(texts: string[]): Set<string> {
  const pairs = new Set<string>();
  for (const text of texts) {
    const units = new Set([...text.matchAll(/src\/probes\/([a-z0-9-]+)\.js['"]/g)].map((m) => m[1]!));
    for (const [module, unit] of Object.entries(MODULE_UNITS)) if (text.includes(`src/${module}.js'`)) units.add(unit);
    const quoted = new Set([...text.matchAll(/['"`]([a-z][A-Za-z0-9]*)['"`]/g)].map((m) => m[1]!));
    for (const u of units) for (const q of quoted) pairs.add(`probes/${u}:${q}`);
    let rowMessage: string | undefined;
    for (const line of text.split('\n')) {
      const message = /messageId: '([a-z][A-Za-z0-9]*)'/.exec(line)?.[1];
      if (/\bconst row\b/.test(line)) rowMessage = message;
      const unit = /\bunit: '([a-z0-9-]+)'/.exec(line)?.[1];
      const m = message ?? rowMessage;
      if (unit !== undefined && m !== undefined) pairs.add(`probes/${unit}:${m}`);
    }
  }
  return pairs;
}

/**
 * I/O messages (IO_MESSAGES, declared by every probe) that a probe cannot produce by the way it does
 * I/O, each with the reason. Keyed by message id; `transport` says which probes can reach it: a probe
 * is a database probe when it needs databaseUrl, an HTTP probe otherwise.
 */
const TRANSPORT_ONLY: Record<string, { transport: 'db' | 'http'; reason: string }> = {
  dbAuthFailed: { transport: 'db', reason: 'a SQLSTATE comes only from a PostgreSQL server' },
  dbNotFound: { transport: 'db', reason: 'a SQLSTATE comes only from a PostgreSQL server' },
  dbUnavailable: { transport: 'db', reason: 'a SQLSTATE comes only from a PostgreSQL server' },
  dbStatementTimeout: { transport: 'db', reason: 'a SQLSTATE comes only from a PostgreSQL server' },
  dbCanceled: { transport: 'db', reason: 'a SQLSTATE comes only from a PostgreSQL server' },
  dbError: { transport: 'db', reason: 'a SQLSTATE comes only from a PostgreSQL server' },
  socketMissing: { transport: 'db', reason: 'ENOENT comes only from a Unix-socket host in a DSN' },
  dbTlsRefused: { transport: 'db', reason: 'thrown only by the PostgreSQL connector (src/probes/lib/pg.ts)' },
  dbNoPassword: { transport: 'db', reason: 'thrown only by the PostgreSQL connector (src/probes/lib/pg.ts)' },
  dbSslFile: { transport: 'db', reason: 'thrown only by the PostgreSQL connector (src/probes/lib/pg.ts)' },
  dsnInvalid: { transport: 'db', reason: 'reported only by withTargetDatabase for a DSN' },
  headersTimeout: { transport: 'http', reason: 'an undici code; the PostgreSQL client never uses undici' },
  bodyTimeout: { transport: 'http', reason: 'an undici code; the PostgreSQL client never uses undici' },
  bodyTooLarge: { transport: 'http', reason: 'thrown only by the bounded HTTP reader (src/probes/lib/http.ts)' },
  redirectRefused: { transport: 'http', reason: 'thrown only by the HTTP redirect follower (src/probes/lib/http.ts)' },
  tooManyRedirects: { transport: 'http', reason: 'thrown only by the HTTP redirect follower (src/probes/lib/http.ts)' },
  invalidHttp: { transport: 'http', reason: 'an HTTP parser error; the PostgreSQL client never parses HTTP' },
  headersTooLarge: { transport: 'http', reason: 'an HTTP parser error; the PostgreSQL client never parses HTTP' },
};

/**
 * Messages no test on loopback can produce although a probe can, each with the reason. networkError is
 * the classification of EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL, EACCES and undici's invalid-argument
 * codes: the first three need a route or an address that 127.0.0.1 always has; EACCES on a socket needs
 * an unprivileged user, while tests may run as root; ERR_INVALID_URL and UND_ERR_INVALID_ARG cannot
 * happen because target URLs are parsed and refused before a probe runs (src/engine/target.ts).
 */
const UNREACHABLE_ON_LOOPBACK: Record<string, string> = {
  dnsFailure: 'needs a name that does not resolve, and tests look up no made-up names',
  networkError: 'EHOSTUNREACH/ENETUNREACH/EADDRNOTAVAIL need a network beyond loopback; invalid URLs are refused before probing',
};

/**
 * Message ids no fixture case expects and no test produces for their unit yet. Each is a message a user can
 * get that nothing proves is produced correctly; the list may only shrink (an id that gets covered must leave
 * it, or this test fails).
 */
const UNPRODUCED = new Set<string>([
  'probes/backup-marker-fresh:dbCanceled',
  'probes/backup-marker-fresh:dbStatementTimeout',
  'probes/jwks-reachable:connectTimeout',
  'probes/load-burst-p95:bodyTimeout',
  'probes/load-burst-p95:bodyTooLarge',
  'probes/load-burst-p95:certificateInvalid',
  'probes/load-burst-p95:connectTimeout',
  'probes/load-burst-p95:connectionRefused',
  'probes/load-burst-p95:connectionReset',
  'probes/load-burst-p95:deadlineExceeded',
  'probes/load-burst-p95:headersTimeout',
  'probes/load-burst-p95:headersTooLarge',
  'probes/load-burst-p95:invalidHttp',
  'probes/load-burst-p95:redirectRefused',
  'probes/load-burst-p95:tlsFailed',
  'probes/load-burst-p95:tooManyRedirects',
  'probes/migrations-applied:dbCanceled',
  'probes/migrations-applied:dbStatementTimeout',
  'probes/readyz:connectTimeout',
  'probes/response-versions:connectTimeout',
  'probes/rls-enforced:certificateInvalid',
  'probes/rls-enforced:connectTimeout',
  'probes/rls-enforced:connectionRefused',
  'probes/rls-enforced:connectionReset',
  'probes/rls-enforced:dbAuthFailed',
  'probes/rls-enforced:dbCanceled',
  'probes/rls-enforced:dbError',
  'probes/rls-enforced:dbNoPassword',
  'probes/rls-enforced:dbNotFound',
  'probes/rls-enforced:dbSslFile',
  'probes/rls-enforced:dbStatementTimeout',
  'probes/rls-enforced:dbTlsRefused',
  'probes/rls-enforced:dbUnavailable',
  'probes/rls-enforced:deadlineExceeded',
  'probes/rls-enforced:socketMissing',
  'probes/rls-enforced:tlsFailed',
]);

describe('every declared message is produced by a fixture or a test', async () => {
  const rules = await loadRuleDirs([BUILTIN_PACK_DIR], TEMPLATES);
  const expectedByFixtures = new Set<string>();
  for (const lr of rules) {
    for (const c of ruleCases(lr.rule.id)) for (const f of c.expect.findings) expectedByFixtures.add(`checks/${lr.rule.check}:${f.messageId}`);
  }
  const testTexts = (function walk(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.ts') && e.name !== 'completeness.test.ts' ? [readFileSync(join(dir, e.name), 'utf8')] : [],
    );
  })(join(root, 'test'));
  const produced = producedPairs(testTexts);
  // Check messages: a fixture, or a test that names the word (checks are pure; their messages have one source).
  const allTests = testTexts.join('\n');
  for (const [kind, registry] of [
    ['checks', CHECKS],
    ['probes', PROBES],
  ] as const) {
    for (const id of Object.keys(registry)) {
      it(`${kind}/${id}`, async () => {
        const unit = (await registry[id]!()).default;
        const needs: readonly string[] = (unit.meta as { needs?: readonly string[] }).needs ?? [];
        const transport = needs.includes('databaseUrl') ? 'db' : 'http';
        const messages = Object.keys(unit.meta.messages).filter((m) => {
          if (kind !== 'probes') return true;
          const only = TRANSPORT_ONLY[m];
          if (only && only.transport !== transport) return false;
          // The runner reports missingInput for a probe's unmet needs; a probe without needs cannot get it.
          if (m === 'missingInput' && needs.length === 0) return false;
          return UNREACHABLE_ON_LOOPBACK[m] === undefined;
        });
        const wrong = messages.map((m) => `${kind}/${id}:${m}`).filter((key) => {
          const m = key.slice(key.indexOf(':') + 1);
          const isProduced =
            expectedByFixtures.has(key) || (kind === 'checks' ? new RegExp(`\\b${m}\\b`).test(allTests) : produced.has(key));
          return isProduced === UNPRODUCED.has(key);
        });
        expect(wrong, 'produced by nothing (add a fixture or a test) or covered now (remove it from UNPRODUCED)').toEqual([]);
      });
    }
  }

  it('every exemption names a message IO_MESSAGES declares', () => {
    for (const m of [...Object.keys(TRANSPORT_ONLY), ...Object.keys(UNREACHABLE_ON_LOOPBACK)]) expect(Object.keys(IO_MESSAGES)).toContain(m);
  });
});
