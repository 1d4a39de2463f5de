import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { getPath } from '../sources/helm-values.js';
import { valuesLocation } from '../model/query.js';

/**
 * Chart switches that must stay off (the bundled dev Postgres and MinIO), read from Helm values, or recognised in
 * rendered manifests by the workload the switch renders.
 */
export default defineCheck({
  meta: {
    id: 'chart-toggle',
    type: 'problem',
    description: 'Fails for each listed Helm values switch that is on, or whose workload appears in the rendered manifests.',
    messages: {
      onInValues: '{{path}} is true ({{where}}): {{why}}',
      rendered: '{{resource}} is in the rendered manifests ({{where}}), i.e. {{path}} is on: {{why}}',
      noInputs: 'neither Helm values nor manifests with workloads were given: pass --values or --manifests to decide',
    },
    params: () => z.strictObject({
      toggles: z
        .array(z.strictObject({ path: z.string().regex(/^[\w-]+(\.[\w-]+)*$/), workload: z.string().min(1), why: z.string().min(1) }))
        .min(1),
    }),
  },
  run(ctx, p) {
    const { model } = ctx;
    const rendered = model.workloads.filter((w) => w.renderedFrom === undefined);
    if (!model.values && rendered.length === 0) return ctx.unknown({ messageId: 'noInputs' });
    for (const t of p.toggles) {
      const path = t.path.split('.');
      const w = rendered.find((x) => x.name === t.workload);
      if (w) {
        ctx.report({ messageId: 'rendered', data: { resource: `${w.kind}/${w.name}`, where: describeLocation(w.location), path: t.path, why: t.why }, location: w.location });
        continue;
      }
      if (model.values && getPath(model.values.data, path) === true) {
        const location = valuesLocation(model, path);
        ctx.report({ messageId: 'onInValues', data: { path: t.path, where: location ? describeLocation(location) : t.path, why: t.why }, ...(location ? { location } : {}) });
        continue;
      }
      ctx.evidence(`${t.path} is off${rendered.length > 0 ? ` and no ${t.workload} workload is rendered` : ''}`);
    }
  },
});
