// The shipped JSON Schema is the zod schema of the config file, and it judges config files as the CLI does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseAttestations } from '../../src/engine/attestations.js';
import { loadChecklist } from '../../src/pack/checklist.js';
import { parseConfig } from '../../src/engine/config.js';
import { configJsonSchema, configSchema } from '../../src/engine/config-schema.js';

const root = join(import.meta.dirname, '../..');
const committed = JSON.parse(readFileSync(join(root, 'schemas/prodready-config.schema.json'), 'utf8')) as Record<string, unknown>;

const EXAMPLE = `
severities: { docs-disabled: off, replicas-ha: error }
thresholds: { replicasMin: 3, secretMinLength: { hash: 48 } }
waivers:
  - rule: cors-restricted
    location: { file: values.yaml, line: 22 }
    by: Alice Martin
    reason: public widget (SEC-142)
    until: "2026-12-31"
rules: [team-rules]
params: { load-burst-p95: { requests: 200 } }
`;

describe('schemas/prodready-config.schema.json', () => {
  it('is what the zod schema generates (run npm run docs after changing it)', () => {
    expect(committed).toEqual(configJsonSchema());
  });

  it('accepts what the CLI accepts and rejects what it rejects', () => {
    const validate = new Ajv2020.default({ strict: false }).compile(committed);
    const cases: Array<[string, boolean]> = [
      [EXAMPLE, true],
      ['thresholds: { replicasMin: "two" }', false],
      ['threshold: { replicasMin: 2 }', false],
      ['severities: { dev-auth-disabled: fatal }', false],
      ['waivers: [{ rule: x, by: a, reason: b }]', false],
      ['waivers: [{ rule: x, by: a, reason: b, until: "31/12/2026" }]', false],
    ];
    for (const [text, ok] of cases) {
      const data = parse(text) as unknown;
      expect(validate(data), text).toBe(ok);
      expect(configSchema().safeParse(data).success, text).toBe(ok);
    }
  });
});

describe('README examples', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blockAfter = (heading: string): string => {
    const at = readme.indexOf(`\n## ${heading}\n`);
    expect(at, heading).toBeGreaterThan(0);
    const m = /```yaml\n([\s\S]*?)```/.exec(readme.slice(at));
    return m![1]!;
  };

  it('the config file, waiver and attestation examples are valid', () => {
    const config = parseConfig(blockAfter('Config file'), '.prodready.yaml', root);
    expect(config.severities['docs-disabled']).toBe('off');
    expect(parseConfig(blockAfter('Waivers'), '.prodready.yaml', root).waivers).toHaveLength(1);
    expect(parseAttestations(blockAfter('Attestations'), 'prodready.attestations.yaml', loadChecklist()).entries).toHaveLength(1);
  });
});
