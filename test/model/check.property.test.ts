// Property tests for the model and the whole static check, in-process: generated deployments (values, manifests,
// env files; valid and broken) never make buildModel or judge throw, a YAML file that does not parse is exactly
// one fatal finding with its line, and the result is the same every time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinPack, judgeFiles, packData } from '../helpers/pack.js';
import type { Pack } from '../../src/pack/pack.js';
import { defaultConfig } from '../../src/core/config-types.js';
import { buildModel } from '../../src/model/build.js';
import { envText, FC, manifestsText, valuesText } from '../helpers/arbitraries.js';

const deployment = fc.record({
  values: fc.array(valuesText, { maxLength: 2 }),
  manifests: fc.array(manifestsText, { maxLength: 2 }),
  env: fc.array(envText, { maxLength: 2 }),
  chartDefaults: fc.boolean(),
  environment: fc.option(fc.constantFrom('production', 'staging', ' PROD '), { nil: undefined }),
});

function rejectedByYaml(text: string, version: '1.1' | '1.2'): boolean {
  return text.includes('\0') || parseAllDocuments(text, { version, uniqueKeys: false, logLevel: 'silent' }).some((d) => d.errors.length > 0);
}

let pack: Pack;
let dir: string;
let counter = 0;
beforeAll(async () => {
  pack = await builtinPack();
  dir = mkdtempSync(join(tmpdir(), 'prodready-prop-'));
});

function write(kind: string, texts: string[]): string[] {
  return texts.map((t) => {
    counter += 1;
    const file = join(dir, `${counter}-${kind}`);
    writeFileSync(file, t);
    return file;
  });
}

describe('the model under generated deployments', () => {
  it('buildModel never throws and positions every problem', () => {
    fc.assert(
      fc.property(deployment, (d) => {
        const model = buildModel({
          valuesFiles: d.values.map((text, i) => ({ name: `v${i}.yaml`, text })),
          manifestFiles: d.manifests.map((text, i) => ({ name: `m${i}.yaml`, text })),
          envFiles: d.env.map((text, i) => ({ name: `e${i}.env`, text })),
          chartDefaults: d.chartDefaults,
          ...(d.environment !== undefined ? { environment: d.environment } : {}),
        }, packData());
        for (const p of model.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        expect(typeof model.production).toBe('boolean');
      }),
      FC,
    );
  });
});

describe('the whole static check under generated deployments', () => {
  it('never throws; each YAML file that does not parse is one fatal finding with a line; deterministic', async () => {
    await fc.assert(
      fc.asyncProperty(deployment, async (d) => {
        const opts = {
          values: write('values.yaml', d.values),
          manifests: write('rendered.yaml', d.manifests),
          env: write('prod.env', d.env),
          chartDefaults: d.chartDefaults,
          ...(d.environment !== undefined ? { environment: d.environment } : {}),
        };
        if (opts.values.length + opts.manifests.length + opts.env.length === 0) return;
        const now = new Date('2026-11-25T10:00:00Z');
        const { result } = await judgeFiles({ ...opts, now }, pack);
        const broken = [
          ...opts.values.filter((_, i) => rejectedByYaml(d.values[i]!, '1.1')),
          ...opts.manifests.filter((_, i) => rejectedByYaml(d.manifests[i]!, '1.2')),
        ];
        for (const file of broken) {
          const fatal = result.fatal.filter((f) => f.location?.file === file);
          expect(fatal).toHaveLength(1);
          expect(fatal[0]!.location!.line).toBeGreaterThanOrEqual(1);
        }
        if (result.fatal.length > 0) expect(result.summary.verdict).toBe('not-ready');
        for (const f of result.fatal) expect(f.location?.line).toBeGreaterThanOrEqual(1);
        const again = await judgeFiles({ ...opts, now }, pack);
        expect(JSON.stringify(again.result)).toBe(JSON.stringify(result));
      }),
      FC,
    );
  }, 240_000);
});
