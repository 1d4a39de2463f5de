import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { describeShape, parseByType } from '../model/go-parse.js';

/**
 * api.env is rendered with `quote`, after Helm read the values file as YAML 1.1: an unquoted yes/on/10000000 is a
 * bool or a float first, and the pod sees "true" or "1e+07". Quoting keeps what was written.
 */
export default defineCheck({
  meta: {
    id: 'unquoted-helm-value',
    type: 'suggestion',
    description: 'Warns for each api.env value that is not a YAML string; an error when the rendered string no longer parses as the variable\'s type.',
    messages: {
      coerced: '{{variable}} at {{where}} is written {{written}} without quotes: Helm reads it as a YAML {{yamlType}} and the pod sees {{rendered}}',
      coercedBroken:
        '{{variable}} at {{where}} is written {{written}} without quotes: Helm reads it as a YAML {{yamlType}}, the pod sees {{rendered}}, which is not {{expected}}: the service will not start',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    let looked = 0;
    for (const v of ctx.model.env.values()) {
      for (const def of v.definitions) {
        if (def.layer !== 'helm-values' || def.delivery !== 'configmap' || def.chartDefault) continue;
        looked += 1;
        if (def.yamlType === undefined || def.yamlType === 'string') continue;
        const spec = ctx.model.catalogue.get(v.name);
        const rendered = def.value ?? '';
        const secret = spec?.secret === true;
        const written = secret ? `(${describeShape(def.sourceText ?? rendered)})` : (def.sourceText ?? rendered);
        const shownRendered = secret ? `(${describeShape(rendered)})` : JSON.stringify(rendered);
        const where = describeLocation(def.location);
        const parsed = spec && rendered.trim() !== '' ? parseByType(spec.type, rendered) : { ok: true as const, value: rendered };
        const evidence = [`written ${written}, rendered ${shownRendered}`];
        if (!parsed.ok && !spec?.lenient) {
          ctx.report({
            messageId: 'coercedBroken',
            data: { variable: v.name, where, written, yamlType: def.yamlType, rendered: shownRendered, expected: parsed.expected },
            location: def.location,
            severity: 'error',
            evidence,
          });
        } else {
          ctx.report({ messageId: 'coerced', data: { variable: v.name, where, written, yamlType: def.yamlType, rendered: shownRendered }, location: def.location, evidence });
        }
      }
    }
    ctx.evidence(`${looked} api.env value${looked === 1 ? '' : 's'} looked at`);
  },
});
