// All five probes at once, through runProbes, against a healthy loopback stack: an HTTPS service
// with a private CA, its JWKS and discovery, and a real PostgreSQL. What `prodready probe` does.
import { mkdtempSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { readMigrationsDir } from '../../src/commands/target-options.js';
import { migrationChecksum } from '../../src/probes/lib/migrations.js';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbeIO, runProbes, type ProbeBase } from '../../src/engine/probe-runner.js';
import { defaultConfig } from '../../src/engine/config-types.js';
import { PROBES } from '../../src/probes/index.js';
import { json, type TestServer } from '../helpers/http-server.js';
import { ecJwk, keySet, rsaJwk } from '../helpers/jwks.js';
import { allText, modelWithEnv } from '../helpers/probe-context.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { makePki, startHttpsServer, type TestPki } from '../helpers/tls.js';

describe('all probes against a healthy stack', () => {
  let db: TestPostgres;
  const migrationsDir = mkdtempSync(path.join(os.tmpdir(), 'prodready-all-migrations-'));
  let service: TestServer;
  let pki: TestPki;
  beforeAll(async () => {
    const [madePki, keys] = await Promise.all([makePki(), Promise.all([rsaJwk('k1'), ecJwk('k2')])]);
    pki = madePki;
    db = await startPostgres({ schemaMigrations: true, backupMarker: true });
    // The release's one migration file, and its row with the checksum the migrator records.
    await writeFile(path.join(migrationsDir, '20240101000000_init.up.sql'), 'SELECT 1;\n');
    await db.sql(`INSERT INTO schema_migrations (version, name, checksum, success) VALUES (20240101000000, 'init', $1, true)`, [
      migrationChecksum(Buffer.from('SELECT 1;\n')),
    ]);
    // recsys's tenant tables, each with row-level security, as its guard wants them.
    const tables = (parse(readFileSync(new URL('../../rules/recsys/rls-enforced.yaml', import.meta.url), 'utf8')) as { params: { tables: string[] } }).params.tables;
    for (const t of tables) await db.sql(`CREATE TABLE ${t} (tenant_id text); ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
    await db.sql(`INSERT INTO prodready_backup_marker (completed_at) VALUES (now() - interval '1 hour')`);
    service = await startHttpsServer(pki, (req, res) => {
      switch (req.url) {
        case '/readyz':
        case '/healthz':
          return json(res, 200, { status: 'healthy' });
        case '/health/detailed':
          return json(res, 200, { status: 'healthy', checks: { database: { status: 'healthy' } } });
        case '/.well-known/openid-configuration':
          return json(res, 200, { issuer: service.url, jwks_uri: `${service.url}/jwks.json` });
        case '/jwks.json':
          return json(res, 200, keySet(...keys));
        case '/v1/recommend':
          return json(res, 200, { items: [], meta: { algo_version: 'a1', config_version: 'c1', rules_version: 'r1' } });
        default:
          return json(res, 404, {});
      }
    });
  });
  afterAll(async () => {
    await service?.close();
    await db?.stop();
  });

  it('every probe passes, concurrently, with evidence', async () => {
    const io = createProbeIO({ caPem: pki.caCert, timeoutMs: 5000 });
    const base: ProbeBase = {
      target: {
        baseUrl: service.url,
        issuer: service.url,
        jwksUrl: `${service.url}/jwks.json`,
        tenant: 'demo',
        authHeaders: { Authorization: 'Bearer t0ken-value' },
        databaseUrl: db.url,
        databaseUrlSource: '--database-url-env DATABASE_URL',
        expectMigration: '20240101000000',
        migrations: readMigrationsDir(migrationsDir),
        caPem: pki.caCert,
      },
      model: modelWithEnv({ AUTH_JWKS_ALLOWED_HOSTS: '127.0.0.1' }),
      config: defaultConfig(),
      dispatcher: io.dispatcher,
      pg: io.pg,
      now: () => new Date(),
    };
    const ids = Object.keys(PROBES);
    const list = await Promise.all(ids.map(async (id) => ({ def: (await PROBES[id]!()).default })));
    if (process.env.PRODREADY_TIME_EACH) {
      for (const item of list) {
        const t0 = performance.now();
        await runProbes([item], base);
        console.info(`${item.def.meta.id}: ${Math.round(performance.now() - t0)} ms`);
      }
    }
    const started = performance.now();
    const results = await runProbes(list, base);
    const elapsed = performance.now() - started;
    await io.close();
    for (const id of ids) {
      const c = results.get(id)!;
      expect({ id, failures: c.failures, unknowns: c.unknowns }).toEqual({ id, failures: [], unknowns: [] });
      expect(c.evidence.length).toBeGreaterThan(0);
      // Secrets given to the run never come back out.
      const text = allText(list.find((p) => p.def.meta.id === id)!.def, c);
      expect(text).not.toContain('t0ken-value');
      expect(text).not.toContain(db.password);
    }
    // Not a timing assertion: a record of how long a healthy run takes on this machine.
    console.info(`all ${ids.length} probes: ${Math.round(elapsed)} ms`);
  });
});
