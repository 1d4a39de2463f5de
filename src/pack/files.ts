// Where the built-in pack lives and which of its files are data rather than rules: known here and nowhere else.
import { fileURLToPath } from 'node:url';

/** The built-in rule pack's folder, beside dist/ in the repo and in the installed package. */
export const BUILTIN_PACK_DIR = fileURLToPath(new URL('../../rules/recsys/', import.meta.url));

/** Pack data files that are not rules. */
export const PACK_DATA_FILES = new Set(['variables.yaml', 'chart-defaults.yaml', 'checklist.yaml', 'service.yaml', 'chart-render.yaml']);
