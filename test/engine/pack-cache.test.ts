// dist/pack.json (written by npm run build) must hold exactly what the loader's own schemas make of each pack file.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cachedPackValue, PACK_CACHE_FILE, type PackCache } from '../../src/engine/pack-cache.js';
import { checklistSchema } from '../../src/engine/checklist.js';
import { ruleSchema } from '../../src/engine/rule-schema.js';
import { BUILTIN_PACK_DIR, catalogueSchema } from '../../src/model/catalogue.js';
import { ROOT } from '../helpers/cli.js';
import { bundleOptions, sourcePlugin } from '../../scripts/bundle-options.mjs';

const distCache = JSON.parse(readFileSync(join(ROOT, 'dist/pack.json'), 'utf8')) as PackCache;

describe('the built-in pack compiled at build time', () => {
  it('has every rule file, the catalogue and the checklist, each equal to its YAML validated by the same zod schema', () => {
    const names = readdirSync(BUILTIN_PACK_DIR).filter((n) => n.endsWith('.yaml') && n !== 'chart-defaults.yaml' && n !== 'chart-render.yaml');
    expect(Object.keys(distCache.files).sort()).toEqual(names.sort());
    for (const name of names) {
      const text = readFileSync(join(BUILTIN_PACK_DIR, name), 'utf8');
      const schema = name === 'variables.yaml' ? catalogueSchema : name === 'checklist.yaml' ? checklistSchema : ruleSchema;
      expect(distCache.files[name]!.value, name).toEqual(schema.parse(parse(text)));
    }
  });

  it('is used only for the unchanged text of a built-in file', async () => {
    // The module bundled as the build bundles it (its code in a chunk elsewhere, its paths kept as if it were
    // dist/engine/pack-cache.js) reads dist/pack.json; from src/ there is no cache beside it.
    const out = mkdtempSync(join(tmpdir(), 'prodready-pack-cache-'));
    const outfile = join(out, 'chunk.mjs');
    await build({ ...bundleOptions({ minify: false }), entryPoints: [join(ROOT, 'src/engine/pack-cache.ts')], outfile, plugins: [sourcePlugin(out)] });
    const built = (await import(pathToFileURL(outfile).href)) as { cachedPackValue: typeof cachedPackValue };
    rmSync(out, { recursive: true, force: true });
    const file = join(BUILTIN_PACK_DIR, 'pprof-disabled.yaml');
    const text = readFileSync(file, 'utf8');
    expect(built.cachedPackValue(file, text)).toEqual(ruleSchema.parse(parse(text)));
    expect(built.cachedPackValue(file, `${text}\n# edited\n`)).toBeUndefined();
    expect(built.cachedPackValue('/elsewhere/pprof-disabled.yaml', text)).toBeUndefined();
    expect(PACK_CACHE_FILE.endsWith('pack.json')).toBe(true);
    expect(cachedPackValue(file, text)).toBeUndefined();
  });
});
