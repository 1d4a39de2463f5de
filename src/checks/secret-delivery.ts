import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { deliveryText, effective, locationOf, valueEvidence } from '../model/query.js';
import { dsnPassword } from '../model/secrets.js';

const EXPOSED = new Set(['configmap', 'chart-configmap', 'literal']);

/** One credential-bearing variable must reach the pod from a Secret or a mounted file, never a ConfigMap or literal. */
export default defineCheck({
  meta: {
    id: 'secret-delivery',
    type: 'problem',
    description: 'Fails when a DSN with a password reaches the api container from a ConfigMap or a literal env value instead of a Secret or its _FILE form.',
    messages: {
      exposed: '{{variable}} carries a password and is in neither a Secret nor {{fileVariable}}: it comes {{delivery}} ({{where}})',
      envFile: '{{variable}} comes from the env file {{where}}, which does not say how the pod receives it: pass --values or --manifests to decide',
      unset: '{{variable}} is not in the given files ({{because}}): pass the values or manifests that set it',
      unseen: '{{variable}} cannot be seen: {{because}}',
    },
    params: () => z.strictObject({
      variable: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
      fileVariable: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
    }),
  },
  run(ctx, p) {
    const { model } = ctx;
    const file = effective(model, p.fileVariable);
    if (file.state === 'set') return ctx.evidence(`${valueEvidence(file)}: the DSN is read from a file`);
    const e = effective(model, p.variable);
    if (e.state === 'unknown') {
      // A Secret whose data cannot be seen is still a Secret: that is the delivery this rule asks for.
      if (e.def && (e.def.delivery === 'secret' || e.def.delivery === 'existing-secret')) return ctx.evidence(`${p.variable}: ${deliveryText(e.def)}`);
      return ctx.unknown({ messageId: 'unseen', data: { variable: p.variable, because: e.because } });
    }
    if (e.state === 'default') {
      const location = locationOf(model, e);
      return ctx.unknown({ messageId: 'unset', data: { variable: p.variable, because: e.because }, ...(location ? { location } : {}) });
    }
    const where = describeLocation(e.def.location);
    if (dsnPassword(e.raw) === undefined) return ctx.evidence(`${p.variable}: no password in it, ${deliveryText(e.def)} (${where})`);
    if (e.def.delivery === 'env-file') return ctx.unknown({ messageId: 'envFile', data: { variable: p.variable, where }, location: e.def.location });
    if (!EXPOSED.has(e.def.delivery)) return ctx.evidence(`${p.variable}: ${deliveryText(e.def)} (${where})`);
    ctx.report({
      messageId: 'exposed',
      data: { variable: p.variable, delivery: deliveryText(e.def), where, fileVariable: p.fileVariable },
      location: e.def.location,
    });
  },
});
