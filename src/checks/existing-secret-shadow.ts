import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { getPath } from '../sources/helm-values.js';
import { valuesLocation } from '../model/query.js';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The chart renders api.secrets only without api.existingSecret: with both, the values file says one thing and the pod reads another. */
export default defineCheck({
  meta: {
    id: 'existing-secret-shadow',
    type: 'problem',
    description: 'Fails when api.existingSecret is set and api.secrets is not empty: the chart silently ignores api.secrets.',
    messages: {
      shadowed:
        'api.existingSecret is {{secret}} ({{whereSecret}}), so the chart ignores the {{count}} key{{plural}} of api.secrets ({{keys}}, {{where}}): the pod reads Secret {{secret}} instead',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    const values = ctx.model.values;
    if (!values) return ctx.skip('no Helm values were given; the rule reads api.existingSecret and api.secrets');
    const existing = getPath(values.data, ['api', 'existingSecret']);
    const secrets = getPath(values.data, ['api', 'secrets']);
    const name = typeof existing === 'string' ? existing.trim() : '';
    const keys = isMap(secrets) ? Object.keys(secrets) : [];
    if (name === '') return ctx.evidence(`api.existingSecret is empty: the chart renders api.secrets (${keys.length} key${keys.length === 1 ? '' : 's'})`);
    if (keys.length === 0) return ctx.evidence(`api.existingSecret is ${name} and api.secrets is empty`);
    const location = valuesLocation(ctx.model, ['api', 'secrets']);
    const secretLoc = valuesLocation(ctx.model, ['api', 'existingSecret']);
    ctx.report({
      messageId: 'shadowed',
      data: {
        secret: name,
        whereSecret: secretLoc ? describeLocation(secretLoc) : 'api.existingSecret',
        count: keys.length,
        plural: keys.length === 1 ? '' : 's',
        keys: keys.join(', '),
        where: location ? describeLocation(location) : 'api.secrets',
      },
      ...(location ? { location } : {}),
    });
  },
});
