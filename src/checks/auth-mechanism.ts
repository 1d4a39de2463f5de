import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { apiLocation, effective, effectiveBool, locationOf, valueEvidence } from '../model/query.js';

/** Production needs a real way to authenticate callers: JWT with a JWKS to verify against, or API keys. */
export default defineCheck({
  meta: {
    id: 'auth-mechanism',
    type: 'problem',
    description: 'Fails when neither JWT (enabled with a JWKS URL) nor API keys are enabled.',
    messages: {
      none: 'no production auth mechanism: JWT is {{jwt}} and API keys are {{apiKeys}}',
      undecidable: 'the auth mechanism cannot be told: {{because}}',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    const { model } = ctx;
    const jwtOn = effectiveBool(model, 'JWT_AUTH_ENABLED');
    const keysOn = effectiveBool(model, 'API_KEY_ENABLED');
    const jwks = effective(model, 'JWT_JWKS_URL');
    const evidence = [valueEvidence(effective(model, 'JWT_AUTH_ENABLED')), valueEvidence(jwks), valueEvidence(effective(model, 'API_KEY_ENABLED'))];
    const jwksSet = jwks.state === 'set';
    if ((jwtOn === true && jwksSet) || keysOn === true) {
      const which = [jwtOn === true && jwksSet ? 'JWT with a JWKS URL' : '', keysOn === true ? 'API keys' : ''].filter(Boolean).join(' and ');
      for (const e of evidence) ctx.evidence(e);
      return ctx.evidence(`auth mechanism: ${which}`);
    }
    if (jwtOn === undefined || keysOn === undefined || jwks.state === 'unknown') {
      return ctx.unknown({ messageId: 'undecidable', data: { because: evidence.join('; ') } });
    }
    const jwt = jwtOn ? 'on but JWT_JWKS_URL is empty, so no token can be verified' : 'off';
    const location = locationOf(model, effective(model, jwtOn ? 'JWT_JWKS_URL' : 'JWT_AUTH_ENABLED')) ?? apiLocation(model);
    ctx.report({ messageId: 'none', data: { jwt, apiKeys: 'off' }, ...(location ? { location } : {}), evidence });
  },
});
