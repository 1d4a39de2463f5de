// dist/pack.json (written by npm run build) must hold exactly what the loader's own schemas make of each pack file.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cachedPackValue, PACK_CACHE_FILE, type PackCache } from '../../src/pack/cache.js';
import { checklistSchema } from '../../src/pack/checklist.js';
import { ruleSchema } from '../../src/pack/rule-schema.js';
import { catalogueSchema } from '../../src/pack/catalogue.js';
import { chartRenderSchema, serviceSchema } from '../../src/pack/service.js';
import { CHECKS } from '../../src/checks/index.js';
import { PROBES } from '../../src/probes/index.js';
import { BUILTIN_PACK_DIR, PACK_DATA_FILES } from '../helpers/pack.js';
import { ROOT } from '../helpers/cli.js';
import { bundleOptions, sourcePlugin } from '../../scripts/bundle-options.mjs';

const distCache = JSON.parse(readFileSync(join(ROOT, 'dist/pack.json'), 'utf8')) as PackCache;

describe('the built-in pack compiled at build time', () => {
  it('has every rule file and the catalogue, checklist and service facts, each equal to its YAML validated by the same zod schema', () => {
    const data: Record<string, { parse(v: unknown): unknown }> = {
      'variables.yaml': catalogueSchema(),
      'checklist.yaml': checklistSchema(),
      'service.yaml': serviceSchema(),
      'chart-render.yaml': chartRenderSchema(),
    };
    const names = readdirSync(BUILTIN_PACK_DIR).filter((n) => n.endsWith('.yaml') && (n in data || !PACK_DATA_FILES.has(n)));
    expect(Object.keys(distCache.files).sort()).toEqual(names.sort());
    for (const name of names) {
      const text = readFileSync(join(BUILTIN_PACK_DIR, name), 'utf8');
      const schema = data[name] ?? ruleSchema();
      expect(distCache.files[name]!.value, name).toEqual(schema.parse(parse(text)));
    }
  });

  it("holds each rule's params as its template parses them, or none when they are not plain data", async () => {
    let stored = 0;
    for (const [name, entry] of Object.entries(distCache.files)) {
      if (name in { 'variables.yaml': 1, 'checklist.yaml': 1, 'service.yaml': 1, 'chart-render.yaml': 1 }) {
        expect(entry.params, name).toBeUndefined();
        continue;
      }
      const rule = ruleSchema().parse(parse(readFileSync(join(BUILTIN_PACK_DIR, name), 'utf8')));
      const template = (await (rule.check !== undefined ? CHECKS[rule.check]! : PROBES[rule.probe!]!)()).default;
      const params = template.meta.params.parse(rule.params);
      if (!('params' in entry)) {
        // Left out only when JSON would not carry them unchanged (a RegExp, a Set, a function, ...).
        expect(JSON.parse(JSON.stringify(params)), name).not.toEqual(params);
        continue;
      }
      stored++;
      expect(entry.params, name).toEqual(params);
    }
    expect(stored).toBeGreaterThan(40);
  });

  it("holds every probe template's meta but its params schema, as the template states it", async () => {
    expect(Object.keys(distCache.probes ?? {}).sort()).toEqual(Object.keys(PROBES).sort());
    for (const [id, load] of Object.entries(PROBES)) {
      const { params: _schema, ...meta } = (await load()).default.meta;
      expect(distCache.probes![id], id).toEqual(meta);
    }
  });

  it('is used only for the unchanged text of a built-in file', async () => {
    // The module bundled as the build bundles it (its code in a chunk elsewhere, its paths kept as if it were
    // dist/pack/cache.js) reads dist/pack.json; from src/ there is no cache beside it.
    const out = mkdtempSync(join(tmpdir(), 'prodready-pack-cache-'));
    const outfile = join(out, 'chunk.mjs');
    await build({ ...bundleOptions({ minify: false }), entryPoints: [join(ROOT, 'src/pack/cache.ts')], outfile, plugins: [sourcePlugin(out)] });
    const built = (await import(pathToFileURL(outfile).href)) as { cachedPackValue: typeof cachedPackValue };
    rmSync(out, { recursive: true, force: true });
    const file = join(BUILTIN_PACK_DIR, 'pprof-disabled.yaml');
    const text = readFileSync(file, 'utf8');
    expect(built.cachedPackValue(file, text)).toEqual(ruleSchema().parse(parse(text)));
    expect(built.cachedPackValue(file, `${text}\n# edited\n`)).toBeUndefined();
    expect(built.cachedPackValue('/elsewhere/pprof-disabled.yaml', text)).toBeUndefined();
    expect(PACK_CACHE_FILE.endsWith('pack.json')).toBe(true);
    expect(cachedPackValue(file, text)).toBeUndefined();
  });
});
