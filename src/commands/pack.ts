import { BUILTIN_PACK_DIR } from '../pack/catalogue.js';
import { loadChecklist } from '../pack/checklist.js';
import { configureRules } from '../engine/governance.js';
import { loadRuleDirs, type LoadedRule } from '../pack/load-rules.js';
import type { RunConfig } from '../core/config-types.js';
import type { UnitMeta } from '../core/types.js';

/**
 * The built-in pack plus the user's own rule directories (config `ruleDirs` and `--rules`), with the config's
 * severities and params applied; an id the pack does not have is an invalid config.
 */
export async function loadPack(config: RunConfig, extraDirs: string[] = []): Promise<LoadedRule[]> {
  const all = await loadRuleDirs([BUILTIN_PACK_DIR, ...config.ruleDirs, ...extraDirs]);
  return configureRules(all, config, loadChecklist()).rules;
}

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
  }));
}
