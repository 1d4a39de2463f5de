import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { effective, effectiveBool, locationOf, secretEvidence, valueEvidence } from '../model/query.js';
import { judgeSecret } from '../model/secrets.js';
import { expansionWords } from '../model/service-expansion.js';

/** A secret the service needs must be present, not a placeholder, long and varied enough for its purpose. */
export default defineCheck({
  meta: {
    id: 'secret-strength',
    type: 'problem',
    description: 'Fails when a required secret is missing, empty, a placeholder, too short or too low in entropy.',
    messages: {
      missing: '{{variable}} is not set although {{condition}}',
      empty: '{{variable}} is empty at {{where}} although {{condition}}',
      placeholder: '{{variable}} at {{where}} is {{detail}}, not a secret anyone chose',
      short: '{{variable}} at {{where}} is too short: {{detail}}',
      weak: '{{variable}} at {{where}} is too predictable: {{detail}}',
      unseen: '{{variable}} cannot be judged: {{because}}; pass the manifest of that Secret (kubectl get secret -o yaml) to decide',
      conditionUnknown: 'whether {{variable}} is needed cannot be told: {{because}}',
      expandedUnseen: '{{variable}} at {{where}} cannot be judged: the service expands the $ references in it, and {{because}}',
      expandedUnresolved:
        '{{variable}} at {{where}} cannot be judged as written: the service expands $ references in every value it reads (there is no escape), and {{because}}, so it uses another secret unless the container image or Kubernetes sets those names',
      expandedEndless: '{{variable}} at {{where}} never reaches the service: {{because}}, so the service\'s expansion of it never ends and it never starts',
    },
    params: () => z.strictObject({
      variable: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
      purpose: z.enum(['hash', 'salt', 'password', 'default']),
      /** The secret matters only while this bool is effectively true (API_KEY_ENABLED, EXPOSURE_LOG_ENABLED). */
      requiredWhen: z.string().regex(/^[A-Z][A-Z0-9_]*$/).optional(),
    }),
  },
  run(ctx, p) {
    const { model } = ctx;
    let condition = 'the service needs it';
    if (p.requiredWhen) {
      const on = effectiveBool(model, p.requiredWhen);
      const ce = effective(model, p.requiredWhen);
      if (on === undefined) {
        return ctx.unknown({
          messageId: 'conditionUnknown',
          data: { variable: p.variable, because: valueEvidence(ce) },
        });
      }
      if (!on) return ctx.skip(`${p.requiredWhen} is effectively false, so ${p.variable} is not used (${valueEvidence(ce)})`);
      condition = `${p.requiredWhen} is effectively true`;
      ctx.evidence(valueEvidence(ce));
    }
    // What the service reads: effective() applies its config loader's expansion of ${NAME} and $NAME.
    const e = effective(model, p.variable);
    const x = e.expansion;
    if (e.state === 'unknown' && e.def && x) {
      return ctx.unknown({
        messageId: x.state === 'unresolved' ? 'expandedUnresolved' : 'expandedUnseen',
        data: { variable: p.variable, where: describeLocation(e.def.location), because: expansionWords(x) },
        location: e.def.location,
        evidence: [secretEvidence(e)],
      });
    }
    if (e.state === 'unknown') {
      return ctx.unknown({ messageId: 'unseen', data: { variable: p.variable, because: e.because }, ...(e.def ? { location: e.def.location } : {}) });
    }
    const evidence = [secretEvidence(e)];
    const location = locationOf(model, e);
    const loc = location ? { location } : {};
    if (!e.def || e.def.value === undefined) {
      if (e.state === 'default' && e.raw) {
        // Derived from another secret (EXPERIMENT_ASSIGNMENT_SALT ← EXPOSURE_HASH_SALT): judge that one.
        const verdict = judgeSecret(e.raw, p.purpose, ctx.config.thresholds);
        if (verdict.ok) return ctx.evidence(`${p.variable}: ${e.because}, ${verdict.length} chars`);
      }
      return ctx.report({ messageId: 'missing', data: { variable: p.variable, condition }, ...loc, evidence });
    }
    const where = describeLocation(e.def.location);
    if (x?.state === 'endless') return ctx.report({ messageId: 'expandedEndless', data: { variable: p.variable, where, because: expansionWords(x) }, ...loc, evidence });
    // Expanded: e.def holds the value the service reads.
    if (x?.state === 'expanded') evidence.push(expansionWords(x));
    const verdict = judgeSecret(e.def.value, p.purpose, ctx.config.thresholds);
    if (verdict.ok) return ctx.evidence(`${evidence.join('; ')}, ${verdict.bitsPerChar.toFixed(1)} bits/char`);
    const messageId = { empty: 'empty', placeholder: 'placeholder', short: 'short', 'low-entropy': 'weak' }[verdict.problem];
    ctx.report({ messageId, data: { variable: p.variable, where, condition, detail: verdict.detail }, ...loc, evidence });
  },
});
