import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { splitCsv } from '../model/go-parse.js';
import { effective, effectiveBool, locationOf, valueEvidence } from '../model/query.js';

/** A wildcard CORS origin lets any web page call the API from a browser; with credentials it carries the user's session too. */
export default defineCheck({
  meta: {
    id: 'cors-origins',
    type: 'problem',
    description: 'Fails when CORS_ALLOWED_ORIGINS is (or defaults to) *, at error severity when CORS_ALLOW_CREDENTIALS is also true.',
    messages: {
      wildcard: 'CORS_ALLOWED_ORIGINS is {{value}} ({{where}}): any web page may call the API from a browser',
      wildcardCredentials:
        'CORS_ALLOWED_ORIGINS is {{value}} ({{where}}) and CORS_ALLOW_CREDENTIALS is true: any web page may call the API with the user\'s credentials',
      unseen: '{{variable}} cannot be seen: {{because}}',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    const { model } = ctx;
    const origins = effective(model, 'CORS_ALLOWED_ORIGINS');
    if (origins.state === 'unknown') return ctx.unknown({ messageId: 'unseen', data: { variable: 'CORS_ALLOWED_ORIGINS', because: origins.because } });
    const raw = origins.state === 'set' || origins.state === 'invalid' ? origins.raw : typeof origins.raw === 'string' ? origins.raw : '*';
    const list = splitCsv(raw);
    // The service falls back to * when the list is empty.
    const wildcard = list.length === 0 || list.includes('*');
    const evidence = [valueEvidence(origins)];
    if (!wildcard) return ctx.evidence(evidence[0]!);
    const creds = effectiveBool(model, 'CORS_ALLOW_CREDENTIALS');
    const credsEvidence = valueEvidence(effective(model, 'CORS_ALLOW_CREDENTIALS'));
    const location = locationOf(model, origins);
    const where = origins.def ? describeLocation(origins.def.location) : `not set, the service's ${origins.state === 'default' ? origins.because : 'default *'}`;
    const data = { variable: 'CORS_ALLOWED_ORIGINS', value: JSON.stringify(raw), where };
    if (creds === true) {
      ctx.report({ messageId: 'wildcardCredentials', data, severity: 'error', ...(location ? { location } : {}), evidence: [...evidence, credsEvidence] });
    } else {
      ctx.report({ messageId: 'wildcard', data, ...(location ? { location } : {}), evidence: [...evidence, credsEvidence] });
    }
  },
});
