import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { describeShape, parseByType } from '../model/go-parse.js';

/** The service panics at start-up on a value it cannot parse; say so for every one at once. */
export default defineCheck({
  meta: {
    id: 'value-parses',
    type: 'problem',
    description: 'Fails for each known variable whose value does not parse as the type the service reads it with.',
    messages: {
      wontStart: '{{variable}}={{shown}} at {{where}} is not {{expected}}: the service will not start',
      ignored: '{{variable}}={{shown}} at {{where}} is not {{expected}}: the service silently ignores it',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    let parsed = 0;
    for (const v of ctx.model.env.values()) {
      const spec = ctx.model.catalogue.get(v.name);
      const raw = v.effective.value;
      if (!spec || raw === undefined || raw.trim() === '') continue;
      parsed += 1;
      const result = parseByType(spec.type, raw);
      if (result.ok) continue;
      // Show non-secret values as written (with Helm's original text when it differs); a secret only by its shape.
      const shown = spec.secret
        ? `(${describeShape(raw)})`
        : JSON.stringify(raw) + (v.effective.sourceText && v.effective.sourceText !== raw ? ` (written ${v.effective.sourceText})` : '');
      ctx.report({
        messageId: spec.lenient ? 'ignored' : 'wontStart',
        data: { variable: v.name, shown, where: describeLocation(v.effective.location), expected: result.expected },
        location: v.effective.location,
        ...(spec.lenient ? { severity: 'warn' as const } : {}),
      });
    }
    ctx.evidence(`${parsed} set variable${parsed === 1 ? '' : 's'} parsed by the service's types`);
  },
});
