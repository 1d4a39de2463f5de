import { Chalk, type ChalkInstance } from 'chalk';
import { describeLocation } from '../core/describe.js';
import { orderResult } from '../core/order.js';
import { SECTIONS, SECTION_TITLES, type Finding, type Reporter, type Status, type UnitResult } from '../core/types.js';
import { waiverText } from './lib/waiver.js';
import { gateFailures, warningLimitLine } from './lib/status.js';

const MARK: Record<Status, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
  skip: 'SKIP',
  unknown: '????',
  manual: 'TODO',
  waived: 'WAIV',
};

function paint(c: ChalkInstance, status: Status, text: string): string {
  switch (status) {
    case 'pass':
      return c.green(text);
    case 'fail':
      return c.red.bold(text);
    case 'warn':
      return c.yellow(text);
    case 'unknown':
    case 'manual':
      return c.magenta(text);
    case 'waived':
      return c.cyan(text);
    case 'skip':
      return c.gray(text);
  }
}

function where(f: Finding): string {
  const l = f.location;
  if (!l) return '';
  if (l.file) return `${l.file}${l.line ? `:${l.line}${l.column ? `:${l.column}` : ''}` : ''}`;
  return describeLocation(l);
}

function unitLines(c: ChalkInstance, r: UnitResult, verbose: boolean): string[] {
  const head = `  ${paint(c, r.status, MARK[r.status])}  ${c.bold(r.id)}  ${c.dim(r.title)}`;
  const lines = [head];
  if (r.status === 'pass') {
    if (verbose) for (const e of r.evidence) lines.push(c.dim(`        ${e}`));
    return lines;
  }
  if (r.status === 'skip' || (r.status === 'manual' && r.findings.length === 0)) {
    if (r.reason) lines.push(c.dim(`        ${r.reason}`));
    return lines;
  }
  for (const f of r.findings) {
    const loc = where(f);
    // Most messages already name file:line; repeat the location only when they do not.
    const named = f.location?.file && f.location.line ? f.message.includes(`${f.location.file}:${f.location.line}`) : f.message.includes(loc);
    lines.push(`        ${paint(c, f.status, '•')} ${f.message}${loc && !named ? c.dim(`  [${loc}]`) : ''}`);
    for (const e of f.evidence) lines.push(c.dim(`          evidence: ${e}`));
    if (f.waiver) lines.push(c.cyan(`          ${waiverText(f.waiver)}`));
    if (f.attestation) lines.push(c.cyan(`          attested by ${f.attestation.by} until ${f.attestation.expires}: ${f.attestation.evidence}`));
  }
  if ((r.status === 'fail' || r.status === 'warn') && r.remediation) lines.push(c.dim(`        fix: ${r.remediation}`));
  return lines;
}

/** The report a person reads in a terminal: grouped by checklist section, counts per section, one verdict line. */
const text: Reporter = (unordered, ctx) => {
  const result = orderResult(unordered);
  const c = new Chalk({ level: ctx.color ? 1 : 0 });
  const verbose = ctx.verbose === true;
  const out: string[] = [];
  const quiet = ctx.quiet === true;
  // --quiet: what shuts the gate and the verdict, nothing else.
  const shown = quiet ? gateFailures(result) : result.results;
  if (!quiet) out.push(c.bold(`prodready ${result.tool.version}`) + c.dim(` · ${result.environment.production ? 'production' : 'not production'} (${result.environment.source})`));
  if (result.deployment) out.push(c.dim(`deployment: ${result.deployment}`));
  if (result.fatal.length > 0) {
    out.push('', c.red.bold('Files that could not be read'));
    for (const f of result.fatal) out.push(`  ${c.red('FATAL')} ${where(f)}  ${f.message}`);
  }
  for (const section of SECTIONS) {
    const units = shown.filter((r) => r.section === section);
    if (units.length === 0) continue;
    const counts = result.summary.sections[section]!.counts;
    const tally = (['pass', 'fail', 'warn', 'unknown', 'manual', 'waived', 'skip'] as const)
      .filter((s) => counts[s] > 0)
      .map((s) => paint(c, s, `${counts[s]} ${s}`))
      .join(c.dim(', '));
    out.push('', `${c.bold(`${section}) ${SECTION_TITLES[section]}`)}${quiet ? '' : `  ${tally}`}`);
    for (const r of units) out.push(...unitLines(c, r, verbose));
  }
  const s = result.summary.counts;
  const verdict =
    result.summary.verdict === 'ready'
      ? c.green.bold('READY')
      : c.red.bold('NOT READY');
  out.push(
    '',
    `${verdict}  ${s.pass} passed, ${s.fail} failed, ${s.warn} warnings, ${s.unknown} unknown, ${s.manual} manual, ${s.waived} waived, ${s.skip} skipped` +
      (result.summary.fatal > 0 ? `, ${result.summary.fatal} unreadable file${result.summary.fatal === 1 ? '' : 's'}` : '') +
      c.dim(`  (fail on: ${result.summary.failOn})`),
  );
  const limit = warningLimitLine(result.summary);
  if (limit) out.push(c.red(`  not ready: ${limit}`));
  if (quiet && out[0] === '') out.shift();
  return out.join('\n') + '\n';
};

export default text;
