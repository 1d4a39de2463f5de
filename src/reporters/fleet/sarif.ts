import sarifReport from '../sarif.js';
import type { FleetFormat } from './types.js';

// One SARIF log with ONE run for the whole merged fleet, under the category (`<category>/`): GitHub code scanning
// rejects a file of more than 20 runs, so a run per deployment would fail any fleet larger than that. Each result
// already names its own file (and its fingerprint includes it), and carries its deployment in `properties`, so
// alerts stay apart. Results are streamed as they come; the rules they point at are collected and written last
// (JSON does not care about the order of a run's members), with every ruleIndex renumbered into that one list.

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

interface SarifRule {
  id: string;
}
interface SarifResult {
  ruleIndex?: number;
  properties?: Record<string, unknown>;
}
interface SarifRun {
  tool: { driver: { rules?: SarifRule[] } & Record<string, unknown> };
  originalUriBaseIds?: unknown;
  invocations?: Array<{ executionSuccessful?: boolean; endTimeUtc?: string }>;
  results: SarifResult[];
}

const sarif: FleetFormat = () => {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  let first = true;
  let base: SarifRun | undefined;
  let category = 'prodready/';
  let successful = true;
  let endTimeUtc: string | undefined;
  let deployments = 0;
  return {
    head() {
      return `{\n  "$schema": ${JSON.stringify(SCHEMA)},\n  "version": "2.1.0",\n  "runs": [\n    {\n      "results": [\n`;
    },
    deployment(result, ctx) {
      const run = (JSON.parse(sarifReport(result, ctx)) as { runs: SarifRun[] }).runs[0]!;
      base ??= run;
      category = `${(ctx.sarifCategory ?? 'prodready').replace(/\/+$/, '')}/`;
      deployments += 1;
      for (const inv of run.invocations ?? []) {
        if (inv.executionSuccessful === false) successful = false;
        if (inv.endTimeUtc !== undefined && (endTimeUtc === undefined || inv.endTimeUtc > endTimeUtc)) endTimeUtc = inv.endTimeUtc;
      }
      const local = run.tool.driver.rules ?? [];
      const pieces: string[] = [];
      for (const r of run.results) {
        if (typeof r.ruleIndex === 'number' && local[r.ruleIndex]) {
          const rule = local[r.ruleIndex]!;
          let index = ruleIndex.get(rule.id);
          if (index === undefined) {
            index = rules.length;
            rules.push(rule);
            ruleIndex.set(rule.id, index);
          }
          r.ruleIndex = index;
        }
        if (result.deployment !== undefined) r.properties = { ...r.properties, deployment: result.deployment };
        pieces.push(`        ${JSON.stringify(r)}`);
      }
      if (pieces.length === 0) return '';
      const piece = `${first ? '' : ',\n'}${pieces.join(',\n')}`;
      first = false;
      return piece;
    },
    tail() {
      const driver = { ...(base?.tool.driver ?? { name: 'prodready' }), rules };
      const rest = {
        tool: { driver },
        automationDetails: { id: category },
        ...(base?.originalUriBaseIds !== undefined ? { originalUriBaseIds: base.originalUriBaseIds } : {}),
        invocations: [{ executionSuccessful: successful, ...(endTimeUtc !== undefined ? { endTimeUtc } : {}) }],
        properties: { deployments },
      };
      const members = JSON.stringify(rest).slice(1, -1);
      return `\n      ],\n      ${members}\n    }\n  ]\n}\n`;
    },
  };
};

export default sarif;
