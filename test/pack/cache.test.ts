// dist/pack.json (written by npm run build) must hold exactly what the loader's own schemas make of each pack file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cachedPackValue, PACK_CACHE_FILE, type PackCache } from '../../src/pack/cache.js';
import { ruleSchema } from '../../src/pack/rule-schema.js';
import { catalogueSchema } from '../../src/pack/catalogue.js';
import { BUILTIN_PACK_DIR, PACK_DATA_FILES } from '../helpers/pack.js';
import { ROOT } from '../helpers/cli.js';

const distCache = JSON.parse(readFileSync(join(ROOT, 'dist/pack.json'), 'utf8')) as PackCache;

describe('the built-in pack compiled at build time', () => {
  it('has every rule file and the catalogue, each equal to its YAML validated by the same zod schema', () => {
    const names = readdirSync(BUILTIN_PACK_DIR).filter((n) => n.endsWith('.yaml') && (n === 'variables.yaml' || !PACK_DATA_FILES.has(n)));
    expect(Object.keys(distCache.files).sort()).toEqual(names.sort());
    for (const name of names) {
      const text = readFileSync(join(BUILTIN_PACK_DIR, name), 'utf8');
      const schema = name === 'variables.yaml' ? catalogueSchema : ruleSchema;
      expect(distCache.files[name]!.value, name).toEqual(schema.parse(parse(text)));
    }
  });

  it('is used only for the unchanged text of a built-in file', async () => {
    // The built module (dist/engine) reads dist/pack.json; from src/ there is no cache beside it.
    const built = (await import(join(ROOT, 'dist/pack/cache.js'))) as { cachedPackValue: typeof cachedPackValue };
    const file = join(BUILTIN_PACK_DIR, 'pprof-disabled.yaml');
    const text = readFileSync(file, 'utf8');
    expect(built.cachedPackValue(file, text)).toEqual(ruleSchema.parse(parse(text)));
    expect(built.cachedPackValue(file, `${text}\n# edited\n`)).toBeUndefined();
    expect(built.cachedPackValue('/elsewhere/pprof-disabled.yaml', text)).toBeUndefined();
    expect(PACK_CACHE_FILE.endsWith('pack.json')).toBe(true);
    expect(cachedPackValue(file, text)).toBeUndefined();
  });
});
