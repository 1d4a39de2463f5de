// Find, read and validate .prodready.yaml into a RunConfig (defaults filled in, rule directories resolved).
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { readInput } from '../io/read-file.js';
import { CONFIG_FILE_NAME, configSchema, type ConfigFile } from './config-schema.js';
import { defaultConfig, type RunConfig } from '../core/config-types.js';
import { UserError } from '../core/errors.js';
import type { LocatedWaiver } from './waivers.js';
import { parseUserYaml } from './yaml-input.js';
import { keysAt, zodProblems } from '../core/zod-problems.js';

/** The nearest .prodready.yaml from `cwd` up to the filesystem root, or undefined. */
export function findConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** How a config path is shown: relative to the working directory when under it, as given otherwise. */
function displayName(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel === '' ? file : rel;
}

/** Validate config text; `file` is the display name used in every message. */
export function parseConfig(text: string, file: string, baseDir: string): RunConfig {
  const yaml = parseUserYaml(text, file, 'invalid-config', 'config file');
  const { data } = yaml;
  const parsed = configSchema().safeParse(data);
  if (!parsed.success) {
    const problems = zodProblems(file, parsed.error.issues, (path) => keysAt(configSchema(), path));
    throw new UserError('invalid-config', `config file ${file} is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  }
  const config = toRunConfig(parsed.data, file, baseDir);
  // Where each waiver is, so a stale one can be pointed at.
  config.waivers = config.waivers.map((w, i): LocatedWaiver => {
    const line = yaml.lineOf(['waivers', i]);
    return line !== undefined ? { ...w, line } : w;
  });
  return config;
}

export function toRunConfig(c: ConfigFile, file: string | undefined, baseDir: string): RunConfig {
  const config = defaultConfig();
  if (file !== undefined) config.file = file;
  const t = c.thresholds ?? {};
  const { secretMinLength, ...flat } = t;
  config.thresholds = {
    ...config.thresholds,
    ...flat,
    secretMinLength: { ...config.thresholds.secretMinLength, ...secretMinLength },
  };
  config.severities = { ...(c.severities ?? {}) };
  config.waivers = (c.waivers ?? []).map((w) => ({ ...w }));
  config.ruleDirs = (c.rules ?? []).map((d) => resolve(baseDir, d));
  if (c.backupMarkerQuery !== undefined) config.backupMarkerQuery = c.backupMarkerQuery;
  config.params = structuredClone(c.params ?? {});
  config.loadResults = { ...config.loadResults, ...c.loadResults };
  return config;
}

/**
 * `--config <file>` when given (it must exist), else the nearest .prodready.yaml above `cwd`, else the defaults.
 */
export async function loadConfig(opts: { file?: string; cwd?: string } = {}): Promise<RunConfig> {
  const cwd = opts.cwd ?? process.cwd();
  const path = opts.file !== undefined ? resolve(cwd, opts.file) : findConfigFile(cwd);
  if (path === undefined) return defaultConfig();
  const shown = opts.file ?? displayName(path, cwd);
  let text: string;
  try {
    ({ text } = await readInput(path));
  } catch (e) {
    if (e instanceof UserError && e.code === 'file-not-found') throw new UserError('file-not-found', `config file ${shown}: no such file`);
    throw e;
  }
  return parseConfig(text, shown, dirname(path));
}
