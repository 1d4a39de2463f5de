import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { describeShape, parseByType } from '../model/go-parse.js';
import { expansionWords, serviceReading } from '../model/service-expansion.js';

/** The service panics at start-up on a value it cannot parse; say so for every one at once. */
export default defineCheck({
  meta: {
    id: 'value-parses',
    type: 'problem',
    description: 'Fails for each known variable whose value does not parse as the type the service reads it with.',
    messages: {
      wontStart: '{{variable}}={{shown}} at {{where}} is not {{expected}}: the service will not start',
      ignored: '{{variable}}={{shown}} at {{where}} is not {{expected}}: the service silently ignores it',
      expansionUnknown: '{{variable}} at {{where}} cannot be parsed as the service reads it: it expands the $ references in it, and {{because}}',
      expansionEndless: '{{variable}} at {{where}} never reaches the service: {{because}}, so its expansion never ends and the service never starts',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    let parsed = 0;
    for (const v of ctx.model.env.values()) {
      const spec = ctx.model.catalogue.get(v.name);
      const written = v.effective.value;
      if (!spec || written === undefined || written.trim() === '') continue;
      const where = describeLocation(v.effective.location);
      // The service parses what its config loader returns: the value with ${NAME} and $NAME expanded.
      const reading = serviceReading(ctx.model, v.name, written);
      if (reading.state === 'opaque' || reading.state === 'unresolved' || reading.state === 'too-large') {
        ctx.unknown({ messageId: 'expansionUnknown', data: { variable: v.name, where, because: expansionWords(reading) }, location: v.effective.location });
        continue;
      }
      if (reading.state === 'endless') {
        ctx.report({ messageId: 'expansionEndless', data: { variable: v.name, where, because: expansionWords(reading) }, location: v.effective.location });
        continue;
      }
      const raw = reading.state === 'expanded' ? reading.value : written;
      // Expanded to nothing: read as an empty value (service-starts judges what an empty one does).
      if (raw.trim() === '') continue;
      parsed += 1;
      const result = parseByType(spec.type, raw);
      if (result.ok) continue;
      // Show non-secret values as written (with Helm's original text when it differs); a secret only by its shape.
      const shown = spec.secret
        ? `(${describeShape(raw)})`
        : JSON.stringify(raw) +
          (reading.state === 'expanded' ? ` (written ${JSON.stringify(written)}, ${expansionWords(reading)})` : '') +
          (v.effective.sourceText && v.effective.sourceText !== written ? ` (written ${v.effective.sourceText})` : '');
      ctx.report({
        messageId: spec.lenient ? 'ignored' : 'wontStart',
        data: { variable: v.name, shown, where, expected: result.expected },
        location: v.effective.location,
        ...(spec.lenient ? { severity: 'warn' as const } : {}),
      });
    }
    ctx.evidence(`${parsed} set variable${parsed === 1 ? '' : 's'} parsed by the service's types`);
  },
});
