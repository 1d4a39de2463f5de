import { SECTION_TITLES, SECTIONS } from '../core/types.js';
import type { Finding, Reporter, ReportContext, RunResult, UnitResult } from '../core/types.js';
import type { LoadResult } from '../core/load.js';
import { allFindings, sortFindings, sortUnits } from '../core/order.js';
import { formatLocation } from './lib/location.js';
import { STATUS_EMOJI, STATUS_ORDER, countsLine, gateFailures, warningLimitLine } from './lib/status.js';
import { figure, loadFigureRows, loadResults, loadTitle } from './lib/load.js';
import { waiverPhrase } from './lib/waiver.js';

// GitHub-flavoured Markdown for a PR comment or an audit ticket. Every value from the result is
// escaped: HTML-significant characters become entities (GitHub renders inline HTML), Markdown
// punctuation is backslash-escaped, and table cells keep to one line.

/** Plain text as inert Markdown, on one line. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    // Block syntax only matters at the start: headings, list markers, setext underlines, ordered lists.
    .replace(/^([#+=-])/, '\\$1')
    .replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2');
}

/** Text inside a table cell; line breaks become <br>. */
function cell(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => escapeMarkdown(line))
    .join('<br>');
}

/** An inline code span that no content can close early; `|` stays escaped for GFM tables. */
function code(text: string): string {
  const oneLine = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${oneLine.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** A link only when the URL is http(s); a relative docs path means nothing in a PR comment, so only the label shows. */
function link(label: string, url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return escapeMarkdown(label);
  return `[${escapeMarkdown(label)}](<${url.replace(/[<>\s]/g, encodeURIComponent)}>)`;
}

function where(f: Finding, cwd: string): string {
  const loc = formatLocation(f.location, cwd);
  return loc ? code(loc) : '';
}

function statusCell(status: string): string {
  return `${STATUS_EMOJI[status as keyof typeof STATUS_EMOJI]} ${status}`;
}

/** One table row per finding that asks for attention, one per rule otherwise. */
function rows(u: UnitResult, cwd: string): string[] {
  const action = (f?: Finding): string => {
    if (u.status === 'pass') return '';
    if (u.status === 'skip' || u.status === 'unknown' || u.status === 'manual') {
      const why = u.reason ?? f?.message ?? '';
      return cell(why);
    }
    if (u.status === 'waived' && f?.waiver) return cell(waiverPhrase(f.waiver));
    return cell(f?.remediation ?? u.remediation ?? '');
  };
  const ruleCell = `${link(u.id, u.helpUrl)}<br>${escapeMarkdown(u.title)}`;
  const shown = u.findings.filter((f) => f.status !== 'pass');
  if (!shown.length) {
    return [`| ${ruleCell} | ${statusCell(u.status)} | | ${action()} |`];
  }
  return shown.map((f, i) => {
    const msg = cell(f.message);
    const todo = action(f);
    return `| ${i === 0 ? ruleCell : '〃'} | ${statusCell(f.status)} | ${where(f, cwd)} | ${msg}${todo && todo !== msg ? `<br>**→** ${todo}` : ''} |`;
  });
}

function sectionTable(units: UnitResult[], cwd: string): string[] {
  return ['| Rule | Status | Where | What to do |', '| --- | --- | --- | --- |', ...units.flatMap((u) => rows(u, cwd))];
}

function evidenceList(units: UnitResult[], cwd: string): string[] {
  const out: string[] = [];
  for (const u of units) {
    const items: string[] = [...u.evidence];
    for (const f of u.findings) for (const e of f.evidence) items.push(f.location ? `${e} (${formatLocation(f.location, cwd)})` : e);
    if (!items.length) continue;
    out.push(`- **${escapeMarkdown(u.id)}**`);
    for (const e of items) out.push(`  - ${escapeMarkdown(e)}`);
  }
  return out;
}

function loadBlock(r: LoadResult, cwd: string): string[] {
  const rows = loadFigureRows(r);
  const out = [`#### ${escapeMarkdown(loadTitle(r, cwd))}`, '', '| Figure | Value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`)];
  if (r.histogram?.length) {
    const total = r.histogram.reduce((a, b) => a + b.count, 0) || 1;
    out.push('', '| Latency ≤ | Requests | Share |', '| --- | --- | --- |');
    for (const b of r.histogram) {
      const bar = '█'.repeat(Math.round((b.count / total) * 40));
      out.push(`| ${figure(b.le_ms, 'ms')} | ${b.count} | ${bar} ${((b.count / total) * 100).toFixed(1)}% |`);
    }
  }
  return out;
}

const markdown: Reporter = (result: RunResult, ctx: ReportContext): string => {
  const s = result.summary;
  const units = sortUnits(result.results);
  const findings = allFindings(result);
  const out: string[] = [];
  const verdict = s.verdict === 'ready' ? '✅ READY' : '❌ NOT READY';
  out.push(`## prodready: ${verdict}${result.deployment ? ` — ${escapeMarkdown(result.deployment)}` : ''}`, '');
  out.push(
    `${escapeMarkdown(countsLine(s.counts))}. Fails on severity **${s.failOn}** and above. ` +
      `Environment: ${result.environment.production ? 'production' : 'not production'} (${escapeMarkdown(result.environment.source)}). ` +
      `Generated ${escapeMarkdown(result.generatedAt)} by prodready ${escapeMarkdown(result.tool.version)}.`,
    '',
  );
  const limit = warningLimitLine(s);
  if (limit) out.push(`**Not ready: ${escapeMarkdown(limit)}.**`, '');
  const quiet = ctx.quiet === true;
  if (!quiet) {
    out.push(`| ${STATUS_ORDER.map((st) => statusCell(st)).join(' | ')} |`, `| ${STATUS_ORDER.map(() => '---').join(' | ')} |`);
    out.push(`| ${STATUS_ORDER.map((st) => String(s.counts[st])).join(' | ')} |`, '');
  }

  const fatal = sortFindings(result.fatal);
  if (fatal.length) {
    out.push('### ⛔ Inputs that do not parse', '', 'Nothing in these files was checked.', '');
    for (const f of fatal) {
      out.push(`- ${where(f, ctx.cwd)}: ${escapeMarkdown(f.message.split(/\r?\n/)[0] ?? '')}`);
      const frame = f.message.split(/\r?\n/).slice(1).join('\n').replace(/^\s*\n/, '').trimEnd();
      if (frame) out.push('', '  ```text', ...frame.split('\n').map((l) => `  ${l.replace(/```/g, '`\u200b``')}`), '  ```', '');
    }
    out.push('');
  }

  // --quiet: only what shuts the gate, then nothing but the verdict above.
  const shown = quiet ? sortUnits(gateFailures(result)) : units;
  for (const section of SECTIONS) {
    const inSection = shown.filter((u) => u.section === section);
    if (!inSection.length) continue;
    const summary = s.sections.find((x) => x.section === section);
    out.push(`### ${section}. ${escapeMarkdown(SECTION_TITLES[section])}${summary && !quiet ? ` — ${escapeMarkdown(countsLine(summary.counts))}` : ''}`, '');
    out.push(...sectionTable(inSection, ctx.cwd), '');
  }
  if (quiet) return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;

  const evidence = evidenceList(units, ctx.cwd);
  if (evidence.length) out.push('<details><summary>Evidence</summary>', '', ...evidence, '', '</details>', '');

  const attested = findings.filter((f) => f.attestation);
  if (attested.length) {
    out.push('### Attestations', '', '| Item | Statement | By | Date | Until | Evidence |', '| --- | --- | --- | --- | --- | --- |');
    for (const f of attested) {
      const a = f.attestation!;
      out.push(`| ${escapeMarkdown(a.item)} | ${cell(a.statement)} | ${cell(a.by)} | ${cell(a.date)} | ${cell(a.expires)} | ${link(a.evidence, a.evidence)} |`);
    }
    out.push('');
  }
  const waived = findings.filter((f) => f.waiver);
  if (waived.length) {
    out.push('### Waivers', '', '| Rule | Where | By | Why | Until |', '| --- | --- | --- | --- | --- |');
    for (const f of waived) {
      const w = f.waiver!;
      out.push(`| ${escapeMarkdown(f.ruleId)} | ${where(f, ctx.cwd)} | ${cell(w.by)} | ${cell(w.reason)} | ${cell(w.until ?? '')} |`);
    }
    out.push('');
  }

  const probes = units.filter((u) => u.kind === 'probe');
  if (probes.length) {
    out.push('### Live probes', '', '| Probe | Status | Target | Figures |', '| --- | --- | --- | --- |');
    for (const u of probes) {
      const targets = [...new Set(u.findings.map((f) => f.location?.target).filter((t): t is string => !!t))];
      const figures = [...u.evidence, ...u.findings.flatMap((f) => [f.message, ...f.evidence])];
      out.push(`| ${link(u.id, u.helpUrl)} | ${statusCell(u.status)} | ${targets.map(code).join('<br>')} | ${cell(figures.join('\n'))} |`);
    }
    out.push('');
  }

  const load = loadResults(result);
  if (load.length) {
    out.push('### Load', '');
    for (const r of load) out.push(...loadBlock(r, ctx.cwd), '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
};

export default markdown;
