import { SECTION_TITLES } from '../core/types.js';
import { waiverPhrase } from './lib/waiver.js';
import type { Finding, Reporter, ReportContext, RunResult, Severity, UnitMeta } from '../core/types.js';
import { compareUnits } from '../core/order.js';
import { artifactOf, fallbackFile, fingerprintedFindings, type Roots } from '../core/fingerprint.js';

// SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, VS Code SARIF viewer).
// One result per finding that asks for attention; waived findings stay visible as suppressed results.

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = { error: 'error', warn: 'warning', info: 'note' };

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

interface SarifRule {
  id: string;
  name?: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help?: { text: string };
  helpUri?: string;
  defaultConfiguration: { level: Level };
  properties: Record<string, unknown>;
}

/** `image-pinned` → `ImagePinned`: SARIF wants a readable identifier besides the opaque id. */
function pascalName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

/** SARIF's helpUri must be an absolute URI; a docs page shipped with the package (`docs/rules/x.md`) goes in the help text. */
function isAbsoluteUri(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url) && URL.canParse(url);
}

/**
 * GitHub's scale for `security-severity` (0.1–10: critical ≥ 9, high ≥ 7, medium ≥ 4, low below): an error-severity
 * security rule is high, a warning medium, an info low.
 */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warn: '5.0', info: '2.0' };

function helpUriOf(meta: UnitMeta, docsUrl: string | undefined): string | undefined {
  if (meta.helpUrl && isAbsoluteUri(meta.helpUrl)) return meta.helpUrl;
  // The built-in pack's pages are docs/rules/<id>.md; --docs-url says where that folder is served.
  if (docsUrl && meta.helpUrl?.startsWith('docs/rules/')) return new URL(meta.helpUrl.slice('docs/rules/'.length), docsUrl).href;
  return undefined;
}

function ruleDescriptor(meta: UnitMeta, docsUrl: string | undefined): SarifRule {
  const helpUri = helpUriOf(meta, docsUrl);
  const helpText = [meta.remediation, meta.helpUrl && !helpUri ? `Docs: ${meta.helpUrl}` : undefined].filter(Boolean).join('\n');
  const name = pascalName(meta.id);
  const security = meta.tags?.includes('security') === true;
  return {
    id: meta.id,
    // SARIF wants the name left out when it only repeats the id (readyz / Readyz).
    ...(name.toLowerCase() !== meta.id.toLowerCase() ? { name } : {}),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description || meta.title },
    ...(helpText ? { help: { text: helpText } } : {}),
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      section: meta.section,
      sectionTitle: SECTION_TITLES[meta.section],
      kind: meta.kind,
      checkId: meta.checkId,
      tags: [...new Set([`section-${meta.section}`, meta.kind, ...(meta.tags ?? [])])],
      ...(security ? { 'security-severity': SECURITY_SEVERITY[meta.severity] } : {}),
    },
  };
}

/** Findings whose rule is not in the registry (a parse failure) still need a descriptor to point at. */
function syntheticDescriptor(f: Finding, docsUrl: string | undefined): SarifRule {
  return ruleDescriptor(
    {
      id: f.ruleId,
      kind: f.kind,
      checkId: f.checkId,
      title: f.fatal ? 'Input files parse' : f.ruleId,
      section: f.section,
      severity: f.severity,
      description: f.fatal ? 'An input file that does not parse could not be checked at all.' : f.ruleId,
      ...(f.remediation ? { remediation: f.remediation } : {}),
      ...(f.helpUrl ? { helpUrl: f.helpUrl } : {}),
    },
    docsUrl,
  );
}

function levelOf(f: Finding): Level {
  if (f.status === 'unknown') return 'note';
  if (f.status === 'warn') return 'warning';
  return LEVEL[f.severity];
}

export { STDIN_URI } from '../core/fingerprint.js';

function locationsOf(f: Finding, roots: Roots, fallback: string | undefined): unknown[] {
  const loc = f.location ?? {};
  const logical: Array<Record<string, string>> = [];
  if (loc.resource) logical.push({ name: loc.resource, fullyQualifiedName: loc.resource, kind: 'resource' });
  if (loc.path) logical.push({ name: loc.path, fullyQualifiedName: loc.resource ? `${loc.resource}:${loc.path}` : loc.path, kind: 'variable' });
  if (loc.target) logical.push({ name: loc.target, fullyQualifiedName: loc.target, kind: 'resource' });
  const out: Record<string, unknown> = {};
  const file = loc.file ?? fallback;
  const region: Record<string, number> = {};
  if (loc.file && loc.line !== undefined && loc.line >= 1) {
    region.startLine = loc.line;
    if (loc.column !== undefined && loc.column >= 1) region.startColumn = loc.column;
    if (loc.endLine !== undefined && loc.endLine >= loc.line) region.endLine = loc.endLine;
    if (loc.endColumn !== undefined && loc.endColumn >= 1) region.endColumn = loc.endColumn;
  } else {
    // A file with no line (a setting that is missing, a flag that named a URL): its first line.
    region.startLine = 1;
  }
  // With no input file at all (a probe of a URL alone), the run is about the live target: a fixed name.
  out.physicalLocation = { artifactLocation: file ? artifactOf(file, roots) : { uri: 'live-target', uriBaseId: 'SRCROOT' }, region };
  if (logical.length) out.logicalLocations = logical;
  return [out];
}

/** The message, naming the live target when a live finding's text does not already. */
function messageOf(f: Finding): string {
  const target = f.location?.target;
  return target && !f.message.includes(target) ? `${f.message} (${target})` : f.message;
}

/** `automationDetails.id`: a category ending in `/`, one per deployment in fleet mode so runs do not replace each other. */
function automationId(result: RunResult, category: string | undefined): string {
  const base = (category ?? 'prodready').replace(/\/+$/, '');
  return result.deployment ? `${base}/${result.deployment}/` : `${base}/`;
}

const sarif: Reporter = (result: RunResult, ctx: ReportContext): string => {
  const roots: Roots = { root: ctx.root ?? ctx.cwd, cwd: ctx.cwd };
  const units = [...ctx.units].sort(compareUnits);
  const rules: SarifRule[] = units.map((u) => ruleDescriptor(u, ctx.docsUrl));
  const index = new Map<string, number>(rules.map((r, i) => [r.id, i]));

  // The fingerprints the findings baseline records too (src/core/fingerprint.ts).
  const printed = fingerprintedFindings(result, roots);
  const findings = printed.map((p) => p.finding);
  for (const f of findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, rules.length);
      rules.push(syntheticDescriptor(f, ctx.docsUrl));
    }
  }
  const fallback = fallbackFile(result);

  const results = findings.map((f, i) => {
    const properties: Record<string, unknown> = {
      status: f.status,
      section: f.section,
      kind: f.kind,
      checkId: f.checkId,
      messageId: f.messageId,
    };
    if (f.evidence.length) properties.evidence = f.evidence;
    if (f.remediation) properties.remediation = f.remediation;
    if (f.fatal) properties.fatal = true;
    if (f.attestation) properties.attestation = f.attestation;
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: levelOf(f),
      // An undecided rule needs a person to look, which SARIF calls `review`.
      kind: f.status === 'unknown' ? 'review' : 'fail',
      message: { text: messageOf(f) },
      locations: locationsOf(f, roots, fallback),
      partialFingerprints: { 'prodready/v2': printed[i]!.fingerprint },
      ...(f.waiver
        ? {
            suppressions: [
              {
                // A `# prodready-ignore` comment or annotation is in the source; config waivers and the baseline are not.
                kind: f.waiver.source === 'inline' ? 'inSource' : 'external',
                status: 'accepted',
                justification: `${f.waiver.reason} (${waiverPhrase(f.waiver)})`,
                properties: { by: f.waiver.by, ...(f.waiver.until !== undefined ? { until: f.waiver.until } : {}), source: f.waiver.source ?? 'config' },
              },
            ],
          }
        : {}),
      properties,
    };
  });

  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'prodready',
            semanticVersion: ctx.toolVersion,
            version: ctx.toolVersion,
            ...(ctx.docsUrl ? { informationUri: ctx.docsUrl } : {}),
            rules,
          },
        },
        automationDetails: { id: automationId(result, ctx.sarifCategory) },
        originalUriBaseIds: {
          SRCROOT: { uri: `${directoryUri(roots.root)}` },
        },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: result.generatedAt,
          },
        ],
        results,
        properties: {
          verdict: result.summary.verdict,
          failOn: result.summary.failOn,
          counts: result.summary.counts,
          production: result.environment.production,
          ...(result.deployment ? { deployment: result.deployment } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};

/** `file:///work/deploy/` — an absolute base must end in a slash. */
function directoryUri(cwd: string): string {
  const posix = cwd.split('\\').join('/');
  const segments = posix.split('/').map((s) => encodeURIComponent(s)).join('/');
  const withSlash = segments.endsWith('/') ? segments : `${segments}/`;
  return withSlash.startsWith('/') ? `file://${withSlash}` : `file:///${withSlash}`;
}

export default sarif;
