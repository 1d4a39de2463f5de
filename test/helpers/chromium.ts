// Where the browser tests find Chromium: CHROMIUM_PATH, then `chromium` or `chromium-browser` on the PATH.
// On a machine without one those tests are skipped with a notice; under CI=true a missing browser is a failure,
// since .ci/run installs Debian's chromium and a skip there would hide a broken install.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export interface ChromiumLookup {
  /** The executable to launch, when one was found. */
  path?: string;
  /** Why none was found, for the skip notice or the CI failure. */
  missing?: string;
  /** CI=true: a missing browser fails instead of skipping. */
  required: boolean;
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const required = env.CI === 'true';
  const chosen = env.CHROMIUM_PATH?.trim();
  if (chosen) {
    return executable(chosen) ? { path: chosen, required } : { missing: `CHROMIUM_PATH=${chosen} is not an executable file`, required };
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (executable(join(dir, name))) return { path: join(dir, name), required };
    }
  }
  return { missing: 'no Chromium: set CHROMIUM_PATH or put chromium (apt-get install chromium) on the PATH', required };
}

/**
 * A command-line tool the tests need from Debian (xmllint), found on the PATH. As with the browser: skipped with a
 * notice on a machine without it, a failure under CI=true, where .ci/run installs it.
 */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const required = env.CI === 'true';
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (executable(join(dir, name))) return { path: join(dir, name), required };
  }
  return { missing: `no ${name} on the PATH`, required };
}
