import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';

/** A key set twice means one of the two lines is dead; readers of the file will believe the wrong one. */
export default defineCheck({
  meta: {
    id: 'duplicate-key',
    type: 'problem',
    description: 'Fails for each key set twice in one env file, one YAML map, one env list, or by the chart on top of api.env.',
    messages: {
      duplicate: '{{key}} is set twice, at {{first}} and at {{second}}; {{winner}}',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    for (const d of ctx.model.duplicates) {
      const variable = d.name.split('.').pop() ?? d.name;
      ctx.report({
        messageId: 'duplicate',
        data: { key: d.name, variable, first: describeLocation(d.first), second: describeLocation(d.second), winner: d.winner },
        location: d.second,
      });
    }
  },
});
