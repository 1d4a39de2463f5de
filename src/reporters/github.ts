import path from 'node:path';
import type { Finding, Reporter, ReportContext, RunResult } from '../core/types.js';
import { allFindings } from '../core/order.js';
import { formatLocation, relativeFile } from './lib/location.js';
import { countsLine } from './lib/status.js';
import { waiverText } from './lib/waiver.js';

// GitHub Actions workflow commands: the verdict first, then one annotation per finding that asks for attention,
// as many as GitHub shows per step (10 errors, 10 warnings, 10 notices), then a notice counting the rest.
// Escaping follows the runner's rules: data escapes % \r \n; property values also escape : and ,.

/** Message part after `::`. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (`file=`, `title=`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

type Command = 'error' | 'warning' | 'notice';

/** GitHub matches `file=` against the repository: relative to the root (--root, default the git top level). */
function annotationFile(file: string, ctx: ReportContext): string {
  if (!ctx.root || ctx.root === ctx.cwd || file === '<stdin>') return relativeFile(file, ctx.cwd);
  return relativeFile(path.resolve(ctx.cwd, file), ctx.root);
}

function commandOf(f: Finding): Command | undefined {
  switch (f.status) {
    case 'fail':
      return f.severity === 'error' ? 'error' : f.severity === 'warn' ? 'warning' : 'notice';
    case 'warn':
      return 'warning';
    case 'unknown':
      return 'notice';
    default:
      // pass, skip, manual and waived need no annotation; waivers are listed in the verdict line.
      return undefined;
  }
}

function annotation(f: Finding, ctx: ReportContext, command: Command): string {
  const loc = f.location;
  const props: string[] = [];
  if (loc?.file) {
    props.push(`file=${escapeProperty(annotationFile(loc.file, ctx))}`);
    if (loc.line !== undefined) {
      props.push(`line=${loc.line}`);
      if (loc.endLine !== undefined) props.push(`endLine=${loc.endLine}`);
      if (loc.column !== undefined) props.push(`col=${loc.column}`);
      if (loc.endColumn !== undefined && (loc.endLine === undefined || loc.endLine === loc.line)) props.push(`endColumn=${loc.endColumn}`);
    }
  }
  const title = f.fatal ? `prodready: ${relativeFile(loc?.file ?? f.ruleId, ctx.cwd)} does not parse` : `prodready ${f.ruleId}${f.status === 'unknown' ? ' (unknown)' : ''}`;
  props.push(`title=${escapeProperty(title)}`);
  const lines = [f.message];
  // Without a file GitHub shows the annotation on the run only, so say where in the text.
  if (loc && !loc.file) {
    const where = formatLocation(loc, ctx.cwd);
    if (where) lines.push(`at ${where}`);
  } else if (loc?.resource || loc?.path) {
    lines.push(`at ${[loc.resource, loc.path].filter(Boolean).join(' ')}`);
  }
  for (const e of f.evidence) lines.push(`evidence: ${e}`);
  if (f.remediation) lines.push(`fix: ${f.remediation}`);
  if (f.helpUrl) lines.push(`docs: ${f.helpUrl}`);
  return `::${command} ${props.join(',')}::${escapeData(lines.join('\n'))}`;
}

/** GitHub shows at most this many annotations of each kind per step and drops the rest. */
export const ANNOTATION_LIMIT = 10;

const github: Reporter = (result: RunResult, ctx: ReportContext): string => {
  const s = result.summary;
  const waived = allFindings(result).filter((f) => f.waiver);
  const verdictText = [
    `${s.verdict === 'ready' ? 'READY' : 'NOT READY'}${result.deployment ? ` (${result.deployment})` : ''}: ${countsLine(s.counts)}`,
    ...(s.fatal ? [`${s.fatal} input file(s) did not parse`] : []),
    ...(s.tooManyWarnings ? [`${s.tooManyWarnings.count} warnings, more than --max-warnings ${s.tooManyWarnings.max}`] : []),
    ...waived.map((f) => `waived ${f.ruleId}: ${waiverText(f.waiver!).replace(/^waived /, '')}`),
  ];
  const verdictCommand: Command = s.verdict === 'ready' ? 'notice' : 'error';
  // The verdict goes first, so it is among the annotations GitHub shows whatever follows.
  const out: string[] = [`::${verdictCommand} title=${escapeProperty('prodready verdict')}::${escapeData(verdictText.join('\n'))}`];

  // Room per kind: the verdict takes one, and one notice is kept for the count of what was left out.
  const room: Record<Command, number> = {
    error: ANNOTATION_LIMIT - (verdictCommand === 'error' ? 1 : 0),
    warning: ANNOTATION_LIMIT,
    notice: ANNOTATION_LIMIT - 1 - (verdictCommand === 'notice' ? 1 : 0),
  };
  const left: Record<Command, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of allFindings(result)) {
    const command = commandOf(f);
    if (!command) continue;
    if (room[command] === 0) {
      left[command] += 1;
      continue;
    }
    room[command] -= 1;
    out.push(annotation(f, ctx, command));
  }
  const rest = left.error + left.warning + left.notice;
  if (rest > 0) {
    const parts = (['error', 'warning', 'notice'] as const).filter((c) => left[c] > 0).map((c) => `${left[c]} ${c}${left[c] === 1 ? '' : 's'}`);
    const where = ctx.jobSummary ? 'the job summary has the full report' : 'the full report is in --format markdown or text';
    out.push(
      `::notice title=${escapeProperty('prodready: more findings')}::${escapeData(
        `${rest} more finding${rest === 1 ? '' : 's'} not annotated (${parts.join(', ')}; GitHub shows ${ANNOTATION_LIMIT} of each kind per step): ${where}`,
      )}`,
    );
  }
  return `${out.join('\n')}\n`;
};

export default github;
