// One rule pack, loaded and validated once: its rules (the built-in pack and a user's own), the variable
// catalogue, the checklist, the chart's defaults and the service facts. The rest of prodready gets this value
// and never reads rules/ itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceFacts, VariableSpec } from '../core/model.js';
import type { UnitMeta } from '../core/types.js';
import { loadCatalogue } from './catalogue.js';
import { attestableItems, loadChecklist, type ChecklistItem } from './checklist.js';
import { BUILTIN_PACK_DIR } from './files.js';
import { loadRuleDirs, type LoadedRule, type Templates } from './load-rules.js';
import { loadServiceFacts } from './service.js';

export interface Pack {
  /** Every rule and probe, instantiated with its template and params. */
  rules: LoadedRule[];
  /** The service's variables: types, defaults, sections, which are secret. */
  catalogue: Map<string, VariableSpec>;
  checklist: ChecklistItem[];
  /** Checklist items no machine decides: each needs an attestation. */
  attestable: ChecklistItem[];
  /** The chart's own values.yaml, merged under the user's values as Helm does. */
  chartDefaults: { text: string };
  service: ServiceFacts;
}

type PackData = Omit<Pack, 'rules'>;
let builtin: PackData | undefined;

/** The built-in pack's data files, read and validated once per process (fleet mode judges many deployments). */
export function builtinPackData(): PackData {
  if (!builtin) {
    const checklist = loadChecklist(join(BUILTIN_PACK_DIR, 'checklist.yaml'));
    builtin = {
      catalogue: loadCatalogue(join(BUILTIN_PACK_DIR, 'variables.yaml')),
      checklist,
      attestable: attestableItems(checklist),
      chartDefaults: { text: readFileSync(join(BUILTIN_PACK_DIR, 'chart-defaults.yaml'), 'utf8') },
      service: loadServiceFacts(join(BUILTIN_PACK_DIR, 'service.yaml'), join(BUILTIN_PACK_DIR, 'chart-render.yaml')),
    };
  }
  return builtin;
}

/** The built-in pack plus the user's rule directories; every problem in any rule file is reported at once. */
export async function loadPack(templates: Templates, extraDirs: string[] = []): Promise<Pack> {
  const data = builtinPackData();
  const rules = await loadRuleDirs([BUILTIN_PACK_DIR, ...extraDirs], templates);
  return { ...data, rules };
}

/** What reporters need to know about each rule and probe (SARIF rules[], JUnit names, HTML headers). */
export function unitMetas(rules: LoadedRule[]): UnitMeta[] {
  return rules.map((lr) => ({
    id: lr.rule.id,
    kind: lr.probe ? 'probe' : 'rule',
    checkId: (lr.check ?? lr.probe)!.meta.id,
    title: lr.rule.title,
    section: lr.rule.section as UnitMeta['section'],
    severity: lr.severity,
    description: lr.rule.description.trim(),
    remediation: lr.rule.remediation,
    helpUrl: lr.rule.docs ?? `docs/rules/${lr.rule.id}.md`,
    ...(lr.rule.tags.length ? { tags: lr.rule.tags } : {}),
  }));
}
