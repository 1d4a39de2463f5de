// Templates a user's own rule may point at a secret: their messages and evidence must still never carry its value.
import { describe, expect, it } from 'vitest';
import forbiddenValues from '../../src/checks/forbidden-values.js';
import numberBound from '../../src/checks/number-bound.js';
import variableExplicit from '../../src/checks/variable-explicit.js';
import { createCollector } from '../../src/engine/collector.js';
import { defaultConfig } from '../../src/core/config-types.js';
import type { CheckDefinition } from '../../src/core/define.js';
import { renderMessage } from '../../src/engine/messages.js';
import { packData } from '../helpers/pack.js';
import { buildModel } from '../../src/model/build.js';

const SECRET = 'hunter2-Distinct-Value-93';
const model = buildModel({ envFiles: [{ name: 'prod.env', text: `API_KEY_HASH_SECRET=${SECRET}\n` }], valuesFiles: [], manifestFiles: [] }, packData());

function run(check: CheckDefinition, params: unknown): string {
  const { reporting, collected } = createCollector();
  check.run({ ...reporting, model, config: defaultConfig() }, check.meta.params.parse(params));
  const reports = [...collected.failures, ...collected.unknowns];
  expect(reports.length + collected.evidence.length).toBeGreaterThan(0);
  return JSON.stringify([
    reports.map((r) => [renderMessage('t', check.meta.messages, r.messageId, r.data), r.data, r.evidence]),
    collected.evidence,
  ]);
}

describe('secret values stay out of template output', () => {
  it('forbidden-values names the variable but not the value', () => {
    const out = run(forbiddenValues as CheckDefinition, { variables: [{ variable: 'API_KEY_HASH_SECRET', forbidden: [SECRET], why: 'test' }] });
    expect(out).toContain('API_KEY_HASH_SECRET');
    expect(out).toContain('a secret of 25 chars');
    expect(out).not.toContain(SECRET);
  });
  it('variable-explicit and number-bound too', () => {
    expect(run(variableExplicit as CheckDefinition, { variable: 'API_KEY_HASH_SECRET', why: 'test' })).not.toContain(SECRET);
    expect(run(numberBound as CheckDefinition, { variables: ['API_KEY_HASH_SECRET'], max: 1, why: 'test' })).not.toContain(SECRET);
  });
});
