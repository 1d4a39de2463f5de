// The real built-in pack for tests: its templates, its data, and judge() over files by path.
import { CHECKS } from '../../src/checks/index.js';
import { defaultConfig } from '../../src/core/config-types.js';
import { judge, loadRunPack, type JudgeInputs, type Judgement } from '../../src/engine/run.js';
import { builtinPackData, type Pack } from '../../src/pack/pack.js';
import { PROBES } from '../../src/probes/index.js';

export { BUILTIN_PACK_DIR, PACK_DATA_FILES } from '../../src/pack/files.js';

/** The check and probe registries, as the engine hands them to the pack loader. */
export const TEMPLATES = { checks: CHECKS, probes: PROBES };

/** What buildModel needs of the pack: the catalogue, the chart defaults, the service facts. */
export const packData = (): ReturnType<typeof builtinPackData> => builtinPackData();

let defaultPack: Promise<Pack> | undefined;
/** The built-in pack with the default config, loaded once per test file. */
export function builtinPack(): Promise<Pack> {
  defaultPack ??= loadRunPack(defaultConfig());
  return defaultPack;
}

/** judge() over files by path, with the default config and the built-in pack unless given. */
export async function judgeFiles(
  inputs: Partial<JudgeInputs> & Pick<JudgeInputs, 'env' | 'values' | 'manifests'>,
  pack?: Pack,
): Promise<Judgement> {
  return judge({ config: defaultConfig(), failOn: 'error', chartDefaults: true, ...inputs }, pack ?? (await builtinPack()));
}
