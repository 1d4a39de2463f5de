// Every format shows untrusted text the same way: control characters escaped (`\x1b`, `\n`) and
// quoted values cut to a bound with their length (`…(10485760 chars)`). Done once on the result and
// the context before a format sees them, so no format has to remember it field by field, and the
// JSON report shows the same escaped text as the others (its own string escaping comes on top).
import type { ReportContext, Reporter, RunResult } from '../../engine/types.js';
import { mapStrings, safeText } from '../../util/safe-text.js';

export function safeResult(result: RunResult): RunResult {
  return mapStrings(result, safeText);
}

export function safeContext(ctx: ReportContext): ReportContext {
  return { ...ctx, units: mapStrings(ctx.units, safeText), cwd: safeText(ctx.cwd) };
}

/** A format that only ever sees safe text. */
export function withSafeText(reporter: Reporter): Reporter {
  return (result, ctx) => reporter(safeResult(result), safeContext(ctx));
}
