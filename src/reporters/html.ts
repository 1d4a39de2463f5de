import { createHash } from 'node:crypto';
import { SECTION_TITLES, SECTIONS } from '../core/types.js';
import type { Finding, Reporter, ReportContext, RunResult, Section, Status, UnitResult } from '../core/types.js';
import type { LoadResult } from '../core/load.js';
import { allFindings, sortFindings, sortUnits } from '../core/order.js';
import { formatLocation } from './lib/location.js';
import { STATUS_LABEL, STATUS_ORDER, countsLine } from './lib/status.js';
import { figure, loadFigureRows, loadResults, loadTitle } from './lib/load.js';
import { waiverText } from './lib/waiver.js';

// One self-contained HTML file a reviewer can archive: no network at all (inline CSS, SVG and JS,
// a CSP that forbids anything else), every value from the result escaped, and readable with
// scripts off (filters only hide; everything is shown by default).

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = escapeHtml;

const COLOR: Record<Status, string> = {
  fail: '#c62828',
  warn: '#e08600',
  unknown: '#6a4fc2',
  manual: '#0277bd',
  waived: '#8d6e63',
  skip: '#8a8a8a',
  pass: '#2e7d32',
};

/** Only http(s) links become anchors; anything else (javascript:, data:) stays text. */
function linkTo(label: string, url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return e(label);
  return `<a href="${e(url)}" rel="noopener noreferrer">${e(label)}</a>`;
}

/** A docs page shipped with prodready (a relative path) cannot be linked from an archived file: name it. */
function docsNote(url: string | undefined): string {
  return url && !/^https?:\/\//i.test(url) ? ` <span class="title">docs: <code>${e(url)}</code></span>` : '';
}

const SCRIPT = `(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[data-filter]'));
  var units = Array.prototype.slice.call(document.querySelectorAll('article.unit'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('section.group'));
  var shown = document.getElementById('shown');
  function apply() {
    var on = { status: {}, section: {} };
    boxes.forEach(function (b) { if (b.checked) on[b.getAttribute('data-filter')][b.value] = true; });
    var n = 0;
    units.forEach(function (u) {
      var visible = !!on.status[u.getAttribute('data-status')] && !!on.section[u.getAttribute('data-section')];
      u.hidden = !visible;
      if (visible) n++;
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('article.unit:not([hidden])'); });
    shown.textContent = String(n);
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  Array.prototype.slice.call(document.querySelectorAll('button[data-preset]')).forEach(function (btn) {
    btn.addEventListener('click', function () {
      var preset = btn.getAttribute('data-preset');
      boxes.forEach(function (b) {
        if (b.getAttribute('data-filter') === 'section') { b.checked = true; return; }
        b.checked = preset === 'all' || (preset === 'attention' && ['fail', 'warn', 'unknown', 'manual'].indexOf(b.value) >= 0);
      });
      apply();
    });
  });
  document.documentElement.classList.add('js');
  apply();
})();`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT, 'utf8').digest('base64');

const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${SCRIPT_HASH}'`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const CSS = `
:root { color-scheme: light; --fg: #1d1f23; --muted: #5b6270; --line: #dde1e6; --bg: #fff; --soft: #f5f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: 1px 4px; border-radius: 3px; word-break: break-all; }
pre { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: 8px; overflow-x: auto; white-space: pre-wrap; }
a { color: #0b5cad; }
[hidden] { display: none !important; }
.verdict { display: inline-block; padding: 4px 12px; border-radius: 4px; color: #fff; font-weight: 700; letter-spacing: .03em; }
.verdict.ready { background: ${COLOR.pass}; } .verdict.not-ready { background: ${COLOR.fail}; }
.meta { color: var(--muted); margin: 6px 0 0; }
.meta dt { display: inline; font-weight: 600; } .meta dd { display: inline; margin: 0 14px 0 4px; }
.chips { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.chip { border: 1px solid var(--line); border-radius: 16px; padding: 2px 10px; background: var(--soft); }
.badge { display: inline-block; min-width: 64px; text-align: center; padding: 1px 8px; border-radius: 3px; color: #fff; font-size: 12px; font-weight: 600; text-transform: uppercase; }
${STATUS_ORDER.map((s) => `.s-${s} { background: ${COLOR[s]}; }`).join('\n')}
.filters { position: sticky; top: 0; background: var(--bg); border-bottom: 1px solid var(--line); padding: 8px 0; z-index: 1; display: none; }
.js .filters { display: block; }
.filters fieldset { border: 0; margin: 0; padding: 2px 0; display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; }
.filters legend { float: left; font-weight: 600; margin-right: 8px; }
.filters button { font: inherit; padding: 1px 8px; }
article.unit { border: 1px solid var(--line); border-left: 5px solid var(--line); border-radius: 4px; padding: 8px 12px; margin: 8px 0; }
${STATUS_ORDER.map((s) => `article.unit[data-status="${s}"] { border-left-color: ${COLOR[s]}; }`).join('\n')}
.unit header { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.unit .title { color: var(--muted); }
.finding { margin: 8px 0 0; padding: 6px 0 0; border-top: 1px dashed var(--line); }
.finding .msg { white-space: pre-wrap; }
.label { font-weight: 600; color: var(--muted); }
ul.evidence { margin: 4px 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
th { background: var(--soft); }
svg text { font: 11px system-ui, sans-serif; fill: var(--fg); }
.load table { max-width: 640px; }
.fatal { border: 2px solid ${COLOR.fail}; border-radius: 4px; padding: 8px 12px; background: #fdecea; }
@media print { .filters { display: none !important; } article.unit[hidden], section.group[hidden] { display: block !important; } }
`;

function badge(status: Status): string {
  return `<span class="badge s-${status}">${e(STATUS_LABEL[status])}</span>`;
}

function evidenceList(items: string[]): string {
  if (!items.length) return '';
  return `<div><span class="label">Evidence</span><ul class="evidence">${items.map((x) => `<li>${e(x)}</li>`).join('')}</ul></div>`;
}

function findingHtml(f: Finding, cwd: string, unitRemediation: string | undefined): string {
  const where = formatLocation(f.location, cwd);
  const parts = [`<div class="finding" data-status="${e(f.status)}">`];
  parts.push(`<div>${f.status !== 'pass' ? `${badge(f.status)} ` : ''}${where ? `<code class="where">${e(where)}</code>` : ''}</div>`);
  parts.push(`<div class="msg">${e(f.message)}</div>`);
  parts.push(evidenceList(f.evidence));
  if (f.waiver) {
    parts.push(`<div><span class="label">Waived</span> ${e(waiverText(f.waiver).replace(/^waived /, ''))}</div>`);
  }
  if (f.attestation) {
    const a = f.attestation;
    parts.push(
      `<div><span class="label">Attested</span> by ${e(a.by)} on ${e(a.date)}, expires ${e(a.expires)}: ${e(a.statement)} (${linkTo(a.evidence, a.evidence)})</div>`,
    );
  }
  const fix = f.remediation ?? unitRemediation;
  if (fix && f.status !== 'pass') parts.push(`<div><span class="label">Fix</span> ${e(fix)}</div>`);
  parts.push('</div>');
  return parts.join('');
}

function unitHtml(u: UnitResult, cwd: string): string {
  const findings = sortFindings(u.findings);
  const out = [`<article class="unit" id="rule-${e(u.id)}" data-status="${e(u.status)}" data-section="${u.section}" data-kind="${e(u.kind)}">`];
  out.push(
    `<header>${badge(u.status)} <strong>${linkTo(u.id, u.helpUrl)}</strong> <span class="title">${e(u.title)}</span> <span class="title">· ${e(u.kind)} · ${e(u.severity)}</span>${docsNote(u.helpUrl)}</header>`,
  );
  if (u.reason) out.push(`<div><span class="label">${u.status === 'manual' ? 'Needs' : 'Why'}</span> ${e(u.reason)}</div>`);
  out.push(evidenceList(u.evidence));
  for (const f of findings) out.push(findingHtml(f, cwd, u.remediation));
  if (!findings.length && u.remediation && (u.status === 'manual' || u.status === 'unknown')) {
    out.push(`<div><span class="label">Fix</span> ${e(u.remediation)}</div>`);
  }
  out.push('</article>');
  return out.join('\n');
}

/** Horizontal stacked bars, one per section, in status display order. */
function sectionBars(result: RunResult): string {
  const rows = result.summary.sections.filter((s) => STATUS_ORDER.some((st) => s.counts[st] > 0));
  if (!rows.length) return '';
  const labelW = 250;
  const barW = 520;
  const rowH = 24;
  const max = Math.max(...rows.map((s) => STATUS_ORDER.reduce((a, st) => a + s.counts[st], 0)));
  const h = rows.length * rowH + 28;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="section-bars" width="${labelW + barW + 60}" height="${h}" role="img" aria-label="Rules per section by status">`,
  ];
  rows.forEach((s, i) => {
    const y = i * rowH;
    parts.push(`<text x="0" y="${y + 16}">${e(`${s.section}. ${s.title}`)}</text>`);
    let x = labelW;
    let total = 0;
    for (const st of STATUS_ORDER) {
      const n = s.counts[st];
      if (!n) continue;
      const w = (n / max) * barW;
      parts.push(
        `<rect class="bar" data-status="${st}" x="${x.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${COLOR[st]}"><title>${e(`${s.title}: ${n} ${st}`)}</title></rect>`,
      );
      x += w;
      total += n;
    }
    parts.push(`<text x="${(x + 6).toFixed(1)}" y="${y + 16}">${total}</text>`);
  });
  // Legend
  let lx = labelW;
  const ly = rows.length * rowH + 14;
  for (const st of STATUS_ORDER) {
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${COLOR[st]}"/><text x="${lx + 14}" y="${ly}">${st}</text>`);
    lx += 74;
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Where a latency falls on the bucket axis: linear inside its bucket. */
function bucketPosition(ms: number, buckets: Array<{ le_ms: number }>): number | undefined {
  let lower = 0;
  for (let i = 0; i < buckets.length; i++) {
    const upper = buckets[i]!.le_ms;
    if (ms <= upper) return i + (upper > lower ? (ms - lower) / (upper - lower) : 1);
    lower = upper;
  }
  return undefined;
}

function latencyChart(r: LoadResult, index: number, cwd: string): string {
  const l = r.latency_ms;
  const marks: Array<[string, number | null]> = [
    ['p50', l.p50],
    ['p95', l.p95],
    ['p99', l.p99],
  ];
  const W = 640;
  const H = 220;
  const left = 48;
  const bottom = 40;
  const top = 44;
  const plotW = W - left - 12;
  const plotH = H - bottom - top;
  const parts: string[] = [];
  if (r.histogram?.length) {
    const buckets = [...r.histogram].sort((a, b) => a.le_ms - b.le_ms);
    const max = Math.max(1, ...buckets.map((b) => b.count));
    const bw = plotW / buckets.length;
    parts.push(
      `<svg xmlns="http://www.w3.org/2000/svg" class="latency-chart" id="latency-${index}" width="${W}" height="${H}" role="img" aria-label="${e(`Latency distribution of ${loadTitle(r, cwd)}`)}">`,
    );
    parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#888"/>`);
    parts.push(`<text x="4" y="${top + 4}">${max}</text><text x="4" y="${top + plotH}">0</text>`);
    buckets.forEach((b, i) => {
      const bh = (b.count / max) * plotH;
      const x = left + i * bw;
      parts.push(
        `<rect class="bucket" x="${(x + 2).toFixed(1)}" y="${(top + plotH - bh).toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${bh.toFixed(1)}" fill="#4f7cac"><title>${e(`≤ ${b.le_ms} ms: ${b.count} requests`)}</title></rect>`,
      );
      parts.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${top + plotH + 14}" text-anchor="middle">≤${e(String(b.le_ms))}</text>`);
    });
    parts.push(`<text x="${left + plotW / 2}" y="${H - 6}" text-anchor="middle">latency, ms (bucket upper bound)</text>`);
    // Labels step down one line each so close percentiles (p95 next to p99) stay readable.
    for (const [i, [name, v]] of marks.entries()) {
      if (v === null) continue;
      const pos = bucketPosition(v, buckets);
      if (pos === undefined) continue;
      const x = left + pos * bw;
      parts.push(
        `<line class="marker" x1="${x.toFixed(1)}" y1="${10 + i * 12}" x2="${x.toFixed(1)}" y2="${top + plotH}" stroke="${COLOR.fail}" stroke-dasharray="4 3"/><text x="${(x + 3).toFixed(1)}" y="${10 + i * 12 + 9}">${name} ${e(figure(v, 'ms'))}</text>`,
      );
    }
    parts.push('</svg>');
    return parts.join('\n');
  }
  // No histogram in the source: chart the percentiles it does carry.
  const known = (['p50', 'p90', 'p95', 'p99', 'max'] as const).map((k) => [k, l[k]] as const);
  const max = Math.max(1, ...known.map(([, v]) => v ?? 0));
  const rowH = 26;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="latency-chart" id="latency-${index}" width="${W}" height="${known.length * rowH + 8}" role="img" aria-label="${e(`Latency percentiles of ${loadTitle(r, cwd)}`)}">`,
  );
  known.forEach(([k, v], i) => {
    const y = i * rowH;
    parts.push(`<text x="0" y="${y + 17}">${k}</text>`);
    if (v === null) {
      parts.push(`<text x="${left}" y="${y + 17}" fill="#888">unknown</text>`);
      return;
    }
    const w = (v / max) * (plotW - 80);
    parts.push(`<rect class="percentile" x="${left}" y="${y + 5}" width="${w.toFixed(1)}" height="${rowH - 10}" fill="#4f7cac"/><text x="${(left + w + 6).toFixed(1)}" y="${y + 17}">${e(figure(v, 'ms'))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function loadHtml(r: LoadResult, index: number, cwd: string): string {
  const rows = loadFigureRows(r);
  return [
    `<section class="load" id="load-${index}">`,
    `<h3>${e(loadTitle(r, cwd))}</h3>`,
    latencyChart(r, index, cwd),
    `<table><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</tbody></table>`,
    '</section>',
  ].join('\n');
}

function filters(units: UnitResult[]): string {
  const statuses = STATUS_ORDER.filter((s) => units.some((u) => u.status === s));
  const sections = SECTIONS.filter((s) => units.some((u) => u.section === s));
  const box = (kind: 'status' | 'section', value: string, label: string, n: number): string =>
    `<label><input type="checkbox" data-filter="${kind}" value="${e(value)}" checked> ${label} <span class="n">(${n})</span></label>`;
  return [
    '<div class="filters" id="filters">',
    `<fieldset id="filter-status"><legend>Status</legend>${statuses.map((s) => box('status', s, badge(s), units.filter((u) => u.status === s).length)).join('')}` +
      ` <button type="button" data-preset="attention">needs attention</button> <button type="button" data-preset="all">all</button></fieldset>`,
    `<fieldset id="filter-section"><legend>Section</legend>${sections.map((s) => box('section', String(s), e(`${s}. ${SECTION_TITLES[s]}`), units.filter((u) => u.section === s).length)).join('')}</fieldset>`,
    `<div>Showing <span id="shown">${units.length}</span> of ${units.length} rules.</div>`,
    '</div>',
  ].join('\n');
}

const html: Reporter = (result: RunResult, ctx: ReportContext): string => {
  const s = result.summary;
  const units = sortUnits(result.results);
  const findings = allFindings(result);
  const verdictText = s.verdict === 'ready' ? 'READY' : 'NOT READY';
  const title = `prodready: ${verdictText}${result.deployment ? ` — ${result.deployment}` : ''}`;
  const body: string[] = [];

  body.push('<header>');
  body.push(`<h1>${e(result.deployment ?? 'Deployment')} <span class="verdict ${s.verdict}" id="verdict">${verdictText}</span></h1>`);
  body.push(
    `<dl class="meta"><dt>Environment</dt><dd>${result.environment.production ? 'production' : 'not production'} (${e(result.environment.source)})</dd>` +
      `<dt>Fails on</dt><dd>${e(s.failOn)}</dd><dt>Generated</dt><dd>${e(result.generatedAt)}</dd><dt>prodready</dt><dd>${e(result.tool.version)}</dd></dl>`,
  );
  body.push('</header>');

  body.push('<section id="summary"><h2>Summary</h2>');
  body.push(`<p>${e(countsLine(s.counts))}${s.fatal ? `; ${s.fatal} input file(s) did not parse` : ''}.</p>`);
  body.push(`<div class="chips">${STATUS_ORDER.map((st) => `<span class="chip">${badge(st)} <strong>${s.counts[st]}</strong></span>`).join('')}</div>`);
  body.push(sectionBars(result));
  body.push('</section>');

  const fatal = sortFindings(result.fatal);
  if (fatal.length) {
    body.push('<section id="fatal" class="fatal"><h2>Inputs that do not parse</h2><p>Nothing in these files was checked.</p>');
    for (const f of fatal) body.push(`<div><code>${e(formatLocation(f.location, ctx.cwd))}</code><pre>${e(f.message)}</pre>${f.remediation ? `<div><span class="label">Fix</span> ${e(f.remediation)}</div>` : ''}</div>`);
    body.push('</section>');
  }

  body.push('<section id="rules"><h2>Rules</h2>');
  body.push(filters(units));
  for (const section of SECTIONS) {
    const inSection = units.filter((u) => u.section === section);
    if (!inSection.length) continue;
    const summary = s.sections.find((x) => x.section === section);
    body.push(`<section class="group" data-section="${section}"><h3>${e(`${section}. ${SECTION_TITLES[section as Section]}`)}${summary ? ` <small class="title">${e(countsLine(summary.counts))}</small>` : ''}</h3>`);
    body.push(...inSection.map((u) => unitHtml(u, ctx.cwd)));
    body.push('</section>');
  }
  body.push('</section>');

  const attested = findings.filter((f) => f.attestation);
  body.push('<section id="attestations"><h2>Attestations</h2>');
  if (attested.length) {
    body.push('<table><thead><tr><th>Item</th><th>Statement</th><th>By</th><th>Date</th><th>Until</th><th>Evidence</th></tr></thead><tbody>');
    for (const f of attested) {
      const a = f.attestation!;
      body.push(`<tr><td>${e(a.item)}</td><td>${e(a.statement)}</td><td>${e(a.by)}</td><td>${e(a.date)}</td><td>${e(a.expires)}</td><td>${linkTo(a.evidence, a.evidence)}</td></tr>`);
    }
    body.push('</tbody></table>');
  } else body.push('<p>None.</p>');
  const manual = units.filter((u) => u.status === 'manual');
  if (manual.length) body.push(`<p>Still needing an attestation: ${manual.map((u) => `<code>${e(u.id)}</code>`).join(', ')}.</p>`);
  body.push('</section>');

  const waived = findings.filter((f) => f.waiver);
  body.push('<section id="waivers"><h2>Waivers</h2>');
  if (waived.length) {
    body.push('<table><thead><tr><th>Rule</th><th>Where</th><th>By</th><th>Why</th><th>Until</th></tr></thead><tbody>');
    for (const f of waived) {
      const w = f.waiver!;
      body.push(`<tr><td>${e(f.ruleId)}</td><td><code>${e(formatLocation(f.location, ctx.cwd))}</code></td><td>${e(w.by)}</td><td>${e(w.reason)}</td><td>${e(w.until ?? '')}</td></tr>`);
    }
    body.push('</tbody></table>');
  } else body.push('<p>None.</p>');
  body.push('</section>');

  const load = loadResults(result);
  if (load.length) {
    body.push('<section id="load"><h2>Load</h2>');
    load.forEach((r, i) => body.push(loadHtml(r, i, ctx.cwd)));
    body.push('</section>');
  }

  if (result.inputs.length) {
    body.push('<section id="inputs"><h2>Inputs</h2><ul>');
    for (const i of result.inputs) body.push(`<li>${e(i.kind)}: <code>${e(formatLocation({ file: i.file }, ctx.cwd))}</code></li>`);
    body.push('</ul></section>');
  }

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // A constant with no double quote in it: written as is so a reviewer can read it.
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="prodready">',
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
};

export default html;
