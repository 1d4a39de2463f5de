import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { didYouMean } from '../core/did-you-mean.js';

/** A name the service never reads is a typo or meant for another program; either way it does nothing here. */
export default defineCheck({
  meta: {
    id: 'unknown-variable',
    type: 'suggestion',
    description: 'Warns for each variable in the api environment that the service does not read, with a did-you-mean.',
    messages: {
      unknownWithSuggestion: '{{variable}} at {{where}} is not read by recsys-service; did you mean {{suggestion}}?',
      unknown: '{{variable}} at {{where}} is not read by recsys-service',
    },
    params: () => z.strictObject({
      /** Names other programs in the pod read on purpose (TZ, GOMAXPROCS, …). */
      ignore: z.array(z.string()).default(['TZ', 'GOMAXPROCS', 'GOMEMLIMIT', 'GODEBUG', 'TMPDIR', 'HOME', 'PATH', 'HOSTNAME']),
    }),
  },
  run(ctx, p) {
    const known = [...ctx.model.catalogue.keys()];
    let seen = 0;
    for (const v of ctx.model.env.values()) {
      seen += 1;
      if (ctx.model.catalogue.has(v.name) || p.ignore.includes(v.name)) continue;
      const suggestion = didYouMean(v.name, known);
      const where = describeLocation(v.effective.location);
      ctx.report({
        messageId: suggestion ? 'unknownWithSuggestion' : 'unknown',
        data: { variable: v.name, where, ...(suggestion ? { suggestion } : {}) },
        location: v.effective.location,
      });
    }
    ctx.evidence(`${seen} variable${seen === 1 ? '' : 's'} in the api environment`);
  },
});
