// Run by scripts/build.mjs (npm run build), which bundles this script with the sources it imports: parse and validate the built-in pack with the same schemas the loader uses,
// and write dist/pack.json, which runs read instead of parsing every pack file (see src/engine/pack-cache.ts).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACK_CACHE_FILE, sha256 } from '../src/engine/pack-cache.js';
import { checklistSchema } from '../src/engine/checklist.js';
import { ruleSchema } from '../src/engine/rule-schema.js';
import { catalogueSchema } from '../src/model/catalogue.js';

const dir = 'rules/recsys';
const files = {};
for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
  const text = readFileSync(join(dir, name), 'utf8');
  let schema;
  if (name === 'variables.yaml') schema = catalogueSchema;
  else if (name === 'checklist.yaml') schema = checklistSchema;
  else if (name === 'chart-defaults.yaml' || name === 'chart-render.yaml') continue; // Helm values and chart data, read elsewhere, not rules
  else schema = ruleSchema;
  const parsed = schema.safeParse(parse(text));
  // An invalid file is left out: the loader then parses it and reports its problems as usual.
  if (parsed.success) files[name] = { sha256: sha256(text), value: parsed.data };
}
writeFileSync(PACK_CACHE_FILE, `${JSON.stringify({ files })}\n`);
