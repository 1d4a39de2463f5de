// `npm run demo`: the main job on the bundled demo deployment, with no setup by hand.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCheck, useColor, writeReports } from '../commands/check.js';
import { isUserError } from '../engine/errors.js';
import { exitCodeFor } from '../engine/result.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function main(): Promise<number> {
  const broken = process.argv.includes('--broken');
  const dir = join(root, 'fixtures', broken ? 'broken' : 'ready');
  const { result, units } = await runCheck({
    values: [join(dir, 'values.yaml')],
    env: [join(dir, 'prod.env')],
    manifests: [join(dir, 'rendered.yaml')],
    format: [],
    output: [],
    failOn: 'error',
    rules: [],
    chartDefaults: true,
    ...(broken ? { environment: 'production' } : {}),
  });
  await writeReports(result, [{ format: 'text' }], units, { color: useColor(undefined), verbose: false });
  return exitCodeFor(result);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(isUserError(e) ? `${e.format()}\n` : `${(e as Error).stack}\n`);
    process.exitCode = 2;
  },
);
