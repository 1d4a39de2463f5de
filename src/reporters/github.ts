import type { Finding, Reporter, ReportContext, RunResult } from '../core/types.js';
import { allFindings } from '../core/order.js';
import { formatLocation, relativeFile } from './lib/location.js';
import { countsLine } from './lib/status.js';

// GitHub Actions workflow commands: one annotation per finding that asks for attention, then the verdict.
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

function annotation(f: Finding, ctx: ReportContext): string | undefined {
  const command = commandOf(f);
  if (!command) return undefined;
  const loc = f.location;
  const props: string[] = [];
  if (loc?.file) {
    props.push(`file=${escapeProperty(relativeFile(loc.file, ctx.cwd))}`);
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

const github: Reporter = (result: RunResult, ctx: ReportContext): string => {
  const out: string[] = [];
  for (const f of allFindings(result)) {
    const line = annotation(f, ctx);
    if (line) out.push(line);
  }
  const s = result.summary;
  const waived = allFindings(result).filter((f) => f.waiver);
  const verdict = [
    `${s.verdict === 'ready' ? 'READY' : 'NOT READY'}${result.deployment ? ` (${result.deployment})` : ''}: ${countsLine(s.counts)}`,
    ...(s.fatal ? [`${s.fatal} input file(s) did not parse`] : []),
    ...waived.map((f) => `waived ${f.ruleId}: by ${f.waiver!.by} until ${f.waiver!.until}: ${f.waiver!.reason}`),
  ];
  out.push(`::${s.verdict === 'ready' ? 'notice' : 'error'} title=${escapeProperty('prodready verdict')}::${escapeData(verdict.join('\n'))}`);
  return `${out.join('\n')}\n`;
};

export default github;
