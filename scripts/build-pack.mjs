// Run by scripts/build.mjs (npm run build), which bundles this script with the sources it imports: parse and validate the built-in pack with the same schemas the loader uses,
// and write dist/pack.json, which runs read instead of parsing every pack file (see src/pack/cache.ts).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACK_CACHE_FILE } from '../src/pack/cache.js';
import { checklistSchema } from '../src/pack/checklist.js';
import { ruleSchema } from '../src/pack/rule-schema.js';
import { catalogueSchema } from '../src/pack/catalogue.js';
import { PACK_DATA_FILES } from '../src/pack/files.js';
import { chartRenderSchema, serviceSchema } from '../src/pack/service.js';
import { CHECKS } from '../src/checks/index.js';
import { PROBES } from '../src/probes/index.js';

/** Whether a value survives JSON unchanged: only then can a run use the stored params in its place. */
function plainJson(v) {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(plainJson);
  if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.values(v).every(plainJson);
}

const dir = 'rules/recsys';
const files = {};
for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
  const text = readFileSync(join(dir, name), 'utf8');
  let schema;
  if (name === 'variables.yaml') schema = catalogueSchema();
  else if (name === 'checklist.yaml') schema = checklistSchema();
  else if (name === 'service.yaml') schema = serviceSchema();
  else if (name === 'chart-render.yaml') schema = chartRenderSchema();
  else if (PACK_DATA_FILES.has(name)) continue; // Helm values and chart data, read elsewhere, not rules
  else schema = ruleSchema();
  const parsed = schema.safeParse(parse(text));
  // An invalid file is left out: the loader then parses it and reports its problems as usual.
  if (!parsed.success) continue;
  const entry = { text, value: parsed.data };
  if (schema === ruleSchema()) {
    // The rule's params as its template parses them at load (src/pack/load-rules.ts), stored when they are plain
    // data; otherwise, or when they are invalid, the loader parses them as usual.
    const rule = parsed.data;
    const load = rule.check !== undefined ? CHECKS[rule.check] : PROBES[rule.probe];
    const template = load ? (await load()).default : undefined;
    await template?.prepare?.(rule.params);
    const params = template ? template.meta.params.safeParse(rule.params) : undefined;
    if (params?.success && plainJson(params.data)) entry.params = params.data;
  }
  files[name] = entry;
}
// Each probe's meta but its params schema: with the rules' params above, all a static check needs of a probe, so it
// never loads the probes' implementations (src/pack/deferred-probe.ts).
const probes = {};
for (const [id, load] of Object.entries(PROBES)) {
  const { params: _schema, ...meta } = (await load()).default.meta;
  if (meta.id !== id) throw new Error(`build-pack: probe ${id} says its id is ${meta.id}`);
  probes[id] = meta;
}
writeFileSync(PACK_CACHE_FILE, `${JSON.stringify({ files, probes })}\n`);
