// Every requested format rendered and written: files for those with --output, stdout for the one without.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunResult, UnitMeta } from '../core/types.js';
import { VERSION } from '../version.js';
import { loadReporter, type FormatName } from './index.js';

/** Render every requested format; files are written, the one without --output goes to stdout. */
export async function writeReports(
  result: RunResult,
  pairs: Array<{ format: FormatName; output?: string }>,
  units: UnitMeta[],
  opts: { color: boolean; verbose: boolean },
): Promise<void> {
  for (const { format, output } of pairs) {
    const reporter = await loadReporter(format);
    const text = reporter(result, {
      units,
      toolVersion: VERSION,
      cwd: process.cwd(),
      color: output ? false : opts.color && format === 'text',
      verbose: opts.verbose,
    });
    if (output) {
      await mkdir(dirname(output), { recursive: true });
      await writeFile(output, text);
    } else {
      process.stdout.write(text);
    }
  }
}

export function useColor(flag: boolean | undefined): boolean {
  if (flag === false || process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true;
}
