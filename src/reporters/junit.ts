import { SECTION_TITLES, SECTIONS } from '../core/types.js';
import type { Finding, Reporter, ReportContext, RunResult, Severity, UnitResult } from '../core/types.js';
import { sortFindings, sortUnits } from '../core/order.js';
import { formatLocation } from './lib/location.js';
import { waiverText } from './lib/waiver.js';

// JUnit XML as CI test tabs read it (Jenkins, GitLab, Azure, dorny/test-reporter), valid against the common
// JUnit schema (Jenkins' junit-4.xsd: no attributes beyond it): one <testsuite> per checklist section, one
// <testcase> per rule. A rule fails only at or above --fail-on (a warning below it is a passed testcase whose
// findings are in <system-out>, so a green gate shows green tests); what was not decided (skip, unknown,
// manual) and what was accepted (waived, like an expected failure) is <skipped>; a file that does not parse is
// an <error> in its own "Inputs" suite. `type` is always the severity: error, warn or info.

/** XML 1.0 cannot carry most control characters at all, even escaped. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(text: string): string {
  return text.replace(INVALID_XML, '\uFFFD');
}

export function escText(text: string): string {
  return clean(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values: quotes escaped, and line breaks as references so attribute normalization keeps them. */
export function escAttr(text: string): string {
  return escText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function attrs(pairs: Array<[string, string | number | undefined]>): string {
  return pairs
    .filter((p): p is [string, string | number] => p[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escAttr(String(v))}"`)
    .join('');
}

function findingBlock(f: Finding, cwd: string): string {
  const lines: string[] = [];
  const where = formatLocation(f.location, cwd);
  lines.push(where ? `${where}: ${f.message}` : f.message);
  for (const e of f.evidence) lines.push(`  evidence: ${e}`);
  if (f.remediation) lines.push(`  fix: ${f.remediation}`);
  if (f.waiver) lines.push(`  ${waiverText(f.waiver)}`);
  return lines.join('\n');
}

function skipMessage(u: UnitResult): string {
  switch (u.status) {
    case 'skip':
      return `skipped: ${u.reason ?? 'the rule does not apply'}`;
    case 'unknown':
      return `unknown: ${u.reason ?? u.findings[0]?.message ?? 'the inputs cannot decide it'}`;
    case 'manual':
      return `manual: ${u.reason ?? 'needs an attestation'}`;
    case 'waived': {
      const w = u.findings.find((f) => f.waiver)?.waiver;
      return w ? waiverText(w) : 'waived';
    }
    default:
      return u.status;
  }
}

/** A unit fails the test run when it failed, or warned while --fail-on is warn. */
function isFailure(u: UnitResult, failOn: Severity): boolean {
  return u.status === 'fail' || (u.status === 'warn' && failOn === 'warn');
}

function isSkipped(u: UnitResult): boolean {
  return u.status === 'skip' || u.status === 'unknown' || u.status === 'manual' || u.status === 'waived';
}

/** `values.yaml:12:5: message`: where first, as test tabs show only the message line. */
function located(f: Finding, cwd: string): string {
  const where = formatLocation(f.location, cwd);
  return where ? `${where}: ${f.message}` : f.message;
}

function testcase(u: UnitResult, cwd: string, indent: string, failOn: Severity): string {
  const head = `${indent}<testcase${attrs([
    ['name', u.id],
    ['classname', `prodready.section-${u.section}`],
  ])}`;
  const inner: string[] = [];
  const findings = sortFindings(u.findings);
  // Failed findings before warnings, so the message names what failed the rule.
  const failing = isFailure(u, failOn)
    ? [...findings.filter((f) => f.status === 'fail'), ...findings.filter((f) => f.status === 'warn')]
    : [];
  if (isSkipped(u)) {
    inner.push(`${indent}  <skipped>${escText(skipMessage(u))}</skipped>`);
  } else if (failing.length > 0 || isFailure(u, failOn)) {
    const first = failing[0];
    const message = first
      ? failing.length > 1
        ? `${failing.length} findings, first ${located(first, cwd)}`
        : located(first, cwd)
      : (u.reason ?? `${u.id} failed`);
    const body = [`${u.title}`, ...failing.map((f) => findingBlock(f, cwd))];
    if (!failing.some((f) => f.remediation) && u.remediation) body.push(`fix: ${u.remediation}`);
    if (u.helpUrl) body.push(`docs: ${u.helpUrl}`);
    inner.push(`${indent}  <failure${attrs([['message', message], ['type', u.status === 'fail' ? 'error' : 'warn']])}>${escText(body.join('\n'))}</failure>`);
  }
  const out: string[] = [`Title: ${u.title}`, `Status: ${u.status}`];
  if (u.status === 'warn' && !isFailure(u, failOn)) out.push(`below --fail-on ${failOn}: reported, not failed`);
  for (const f of findings) if (!failing.includes(f)) out.push(findingBlock(f, cwd));
  for (const f of findings) if (f.attestation) out.push(`attested by ${f.attestation.by} on ${f.attestation.date}, expires ${f.attestation.expires}: ${f.attestation.statement} (${f.attestation.evidence})`);
  for (const e of u.evidence) out.push(`evidence: ${e}`);
  inner.push(`${indent}  <system-out>${escText(out.join('\n'))}</system-out>`);
  return `${head}>\n${inner.join('\n')}\n${indent}</testcase>`;
}

export interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function countUnits(units: UnitResult[], failOn: Severity): Counts {
  return {
    tests: units.length,
    failures: units.filter((u) => isFailure(u, failOn)).length,
    errors: 0,
    skipped: units.filter(isSkipped).length,
  };
}

/** The run's <testsuite> elements and their totals; `prefix` goes before each suite's name (fleet reports). */
export function junitSuites(result: RunResult, ctx: ReportContext, prefix = ''): { suites: string[]; total: Counts } {
  const units = sortUnits(result.results);
  const failOn = result.summary.failOn;
  const suites: string[] = [];
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const add = (c: Counts): void => {
    total.tests += c.tests;
    total.failures += c.failures;
    total.errors += c.errors;
    total.skipped += c.skipped;
  };

  const fatal = sortFindings(result.fatal);
  if (fatal.length) {
    const c: Counts = { tests: fatal.length, failures: 0, errors: fatal.length, skipped: 0 };
    add(c);
    const cases = fatal.map((f) => {
      const where = formatLocation(f.location, ctx.cwd);
      return [
        `    <testcase${attrs([['name', where || f.ruleId], ['classname', 'prodready.inputs']])}>`,
        `      <error${attrs([['message', located(f, ctx.cwd)], ['type', f.severity]])}>${escText(findingBlock(f, ctx.cwd))}</error>`,
        `    </testcase>`,
      ].join('\n');
    });
    suites.push(
      `  <testsuite${attrs([['name', `${prefix}Inputs`], ['tests', c.tests], ['failures', 0], ['errors', c.errors], ['skipped', 0], ['timestamp', result.generatedAt]])}>\n${cases.join('\n')}\n  </testsuite>`,
    );
  }

  for (const section of SECTIONS) {
    const inSection = units.filter((u) => u.section === section);
    if (!inSection.length) continue;
    const c = countUnits(inSection, failOn);
    add(c);
    suites.push(
      `  <testsuite${attrs([
        ['name', `${prefix}${section} ${SECTION_TITLES[section]}`],
        ['tests', c.tests],
        ['failures', c.failures],
        ['errors', c.errors],
        ['skipped', c.skipped],
        ['timestamp', result.generatedAt],
      ])}>\n${inSection.map((u) => testcase(u, ctx.cwd, '    ', failOn)).join('\n')}\n  </testsuite>`,
    );
  }

  return { suites, total };
}

const junit: Reporter = (result: RunResult, ctx: ReportContext): string => {
  const { suites, total } = junitSuites(result, ctx);
  const root = `<testsuites${attrs([
    ['name', result.deployment ? `prodready ${result.deployment}` : 'prodready'],
    ['tests', total.tests],
    ['failures', total.failures],
    ['errors', total.errors],
  ])}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n${suites.join('\n')}\n</testsuites>\n`;
};

export default junit;
