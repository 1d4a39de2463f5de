import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { deliveryText } from '../model/query.js';
import { dsnPassword, placeholderReason, secretLikeVars } from '../model/secrets.js';
import { expansionWords, serviceReading } from '../model/service-expansion.js';

/** Every secret-like value in the api's environment, judged for placeholders: the value itself never leaves here. */
export default defineCheck({
  meta: {
    id: 'placeholder-secret',
    type: 'problem',
    description: 'Fails for each secret-like variable whose value is a placeholder (changeme, <...>, ${...}, minioadmin, ...).',
    messages: {
      placeholder: '{{label}} at {{where}} is {{reason}}',
      expandedUnseen: '{{label}} at {{where}} cannot be judged: the service expands the $ references in it, and {{because}}',
      expandedUnresolved:
        '{{label}} at {{where}} cannot be judged as written: the service expands $ references in every value it reads (there is no escape), and {{because}}, so it uses another secret unless the container image or Kubernetes sets those names',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    let judged = 0;
    for (const s of secretLikeVars(ctx.model)) {
      if (s.secret === undefined) continue;
      judged += 1;
      const where = describeLocation(s.def.location);
      const evidence = [`${s.label}: ${[...s.secret.trim()].length} chars, ${deliveryText(s.def)}`];
      // What the service uses: its config loader expands ${NAME} and $NAME in the whole value (a DSN's too).
      const reading = serviceReading(ctx.model, s.name, s.def.value ?? '');
      const because = expansionWords(reading);
      if (reading.state === 'opaque' || reading.state === 'unresolved' || reading.state === 'too-large') {
        ctx.unknown({ messageId: reading.state === 'unresolved' ? 'expandedUnresolved' : 'expandedUnseen', data: { variable: s.name, label: s.label, where, because }, location: s.def.location, evidence });
        continue;
      }
      // A value whose expansion never ends stops the service; the service-starts rule reports that.
      if (reading.state === 'endless') continue;
      const used = reading.state === 'expanded' ? (s.label === s.name ? reading.value : dsnPassword(reading.value)) : s.secret;
      if (used === undefined) continue;
      const reason = placeholderReason(used);
      if (!reason) continue;
      ctx.report({
        messageId: 'placeholder',
        data: { variable: s.name, label: s.label, where, reason },
        location: s.def.location,
        evidence: reading.state === 'expanded' ? [...evidence, because] : evidence,
      });
    }
    ctx.evidence(`${judged} secret-like value${judged === 1 ? '' : 's'} judged`);
  },
});
