// Every requested format rendered and written: files for those with --output, stdout for the one without, and the
// GitHub job summary when the run asks for annotations.
import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ReportContext, RunResult, UnitMeta } from '../core/types.js';
import { VERSION } from '../version.js';
import { loadReporter, type FormatName } from './index.js';
import { writeOutputFile } from './lib/output-file.js';

/** What --root, --sarif-category and --docs-url decided (src/commands/report-options.ts). */
export type ReportOptions = Pick<ReportContext, 'sarifCategory' | 'docsUrl'> & { root: string };

/**
 * The job summary GitHub Actions shows for a step ($GITHUB_STEP_SUMMARY): with `--format github` the full report
 * goes there (as Markdown), since annotations show only 10 of each kind; not when a --output already writes it.
 */
function jobSummaryFile(pairs: Array<{ format: FormatName; output?: string }>, env: NodeJS.ProcessEnv): string | undefined {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file || !pairs.some((p) => p.format === 'github')) return undefined;
  if (pairs.some((p) => p.output !== undefined && resolve(p.output) === resolve(file))) return undefined;
  return file;
}

/** Render every requested format; files are written, the one without --output goes to stdout. */
export async function writeReports(
  result: RunResult,
  pairs: Array<{ format: FormatName; output?: string }>,
  units: UnitMeta[],
  opts: { color: boolean; verbose: boolean; report?: ReportOptions; quiet?: boolean },
): Promise<void> {
  const summaryFile = jobSummaryFile(pairs, process.env);
  const ctx = (format: FormatName, output: string | undefined): ReportContext => ({
    units,
    toolVersion: VERSION,
    cwd: process.cwd(),
    color: output ? false : opts.color && format === 'text',
    verbose: opts.verbose,
    ...(opts.quiet ? { quiet: true } : {}),
    ...opts.report,
    ...(summaryFile ? { jobSummary: true } : {}),
  });
  if (summaryFile) {
    const markdown = await loadReporter('markdown');
    await appendFile(summaryFile, markdown(result, ctx('markdown', summaryFile)));
  }
  for (const { format, output } of pairs) {
    const reporter = await loadReporter(format);
    const text = reporter(result, ctx(format, output));
    if (output) {
      await writeOutputFile(output, text);
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
