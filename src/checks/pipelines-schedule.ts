import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import { apiLocation, valuesLocation } from '../model/query.js';

/** Artifact mode serves what a pipeline publishes: without a scheduled publisher the manifests only age. */
export default defineCheck({
  meta: {
    id: 'pipelines-schedule',
    type: 'problem',
    description: 'Fails when no CronJob publishing artifacts is rendered and pipelines.enabled with a schedule is not set in the Helm values.',
    messages: {
      none: 'artifact mode is on but no CronJob publishes artifacts: pipelines.enabled is not true and the manifests hold no CronJob ({{looked}})',
      noSchedule: '{{resource}} has no schedule ({{where}}): set pipelines.schedule',
      noInputs: 'neither Helm values nor manifests were given: pass --values or --manifests to see whether a pipelines CronJob is scheduled',
    },
    params: () => z.strictObject({}),
  },
  run(ctx) {
    const { model } = ctx;
    if (!model.values && !model.sources.some((s) => s.kind === 'manifests')) return ctx.unknown({ messageId: 'noInputs' });
    const cronJobs = model.workloads.filter((w) => w.kind === 'CronJob' && w.helmHooks.length === 0);
    const scheduled = cronJobs.find((w) => w.schedule !== undefined && w.schedule.trim() !== '');
    if (scheduled) return ctx.evidence(`CronJob/${scheduled.name} runs on "${scheduled.schedule}" (${describeLocation(scheduled.location)})`);
    if (cronJobs.length > 0) {
      for (const w of cronJobs) ctx.report({ messageId: 'noSchedule', data: { resource: `CronJob/${w.name}`, where: describeLocation(w.location) }, location: w.location });
      return;
    }
    // Point at the user's own pipelines.enabled when they wrote one, else at the api workload they configured.
    const own = valuesLocation(model, ['pipelines', 'enabled']);
    const location = own?.file ? own : (apiLocation(model) ?? own);
    ctx.report({
      messageId: 'none',
      data: { looked: `${model.values ? 'Helm values' : 'no Helm values'}, ${model.sources.some((s) => s.kind === 'manifests') ? 'rendered manifests' : 'no manifests'}` },
      ...(location ? { location } : {}),
    });
  },
});
