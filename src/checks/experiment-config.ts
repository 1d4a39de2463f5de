import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { validateExperimentConfig } from '../model/experiments.js';
import { effective, valueEvidence } from '../model/query.js';

/** EXPERIMENT_CONFIG_JSON by the service's own rules: each problem at once, where the service stops at the first. */
export default defineCheck({
  meta: {
    id: 'experiment-config',
    type: 'problem',
    description: 'Fails for each problem of EXPERIMENT_CONFIG_JSON that would make the service refuse to start.',
    messages: {
      invalid: '{{variable}} at {{where}}: {{path}}: {{problem}}; the service will not start',
      unseen: '{{variable}} cannot be seen: {{because}}',
    },
    params: () => z.strictObject({ variable: z.string().regex(/^[A-Z][A-Z0-9_]*$/).default('EXPERIMENT_CONFIG_JSON') }),
  },
  run(ctx, p) {
    const e = effective(ctx.model, p.variable);
    if (e.state === 'unknown') return ctx.unknown({ messageId: 'unseen', data: { variable: p.variable, because: e.because } });
    if (e.state === 'default') return ctx.evidence(`${valueEvidence(e)}: no experiments configured`);
    const problems = validateExperimentConfig(e.raw);
    const where = describeLocation(e.def.location);
    for (const pr of problems) {
      ctx.report({ messageId: 'invalid', data: { variable: p.variable, where, path: pr.path, problem: pr.problem }, location: e.def.location });
    }
    if (problems.length === 0) ctx.evidence(`${p.variable} at ${where} is valid`);
  },
});
