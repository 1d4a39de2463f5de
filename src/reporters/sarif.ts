import { createHash } from 'node:crypto';
import { SECTION_TITLES } from '../core/types.js';
import type { Finding, Reporter, ReportContext, RunResult, Severity, UnitMeta } from '../core/types.js';
import { allFindings, compareUnits } from '../core/order.js';
import { relativeFile } from './lib/location.js';
import { isReportable } from './lib/status.js';

// SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, VS Code SARIF viewer).
// One result per finding that asks for attention; waived findings stay visible as suppressed results.

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = { error: 'error', warn: 'warning', info: 'note' };

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

interface SarifRule {
  id: string;
  name: string;
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

function ruleDescriptor(meta: UnitMeta): SarifRule {
  const absolute = meta.helpUrl && isAbsoluteUri(meta.helpUrl) ? meta.helpUrl : undefined;
  const helpText = [meta.remediation, meta.helpUrl && !absolute ? `Docs: ${meta.helpUrl}` : undefined].filter(Boolean).join('\n');
  return {
    id: meta.id,
    name: pascalName(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description || meta.title },
    ...(helpText ? { help: { text: helpText } } : {}),
    ...(absolute ? { helpUri: absolute } : {}),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      section: meta.section,
      sectionTitle: SECTION_TITLES[meta.section],
      kind: meta.kind,
      checkId: meta.checkId,
      tags: [`section-${meta.section}`, meta.kind],
    },
  };
}

/** Findings whose rule is not in the registry (a parse failure) still need a descriptor to point at. */
function syntheticDescriptor(f: Finding): SarifRule {
  return ruleDescriptor({
    id: f.ruleId,
    kind: f.kind,
    checkId: f.checkId,
    title: f.fatal ? 'Input files parse' : f.ruleId,
    section: f.section,
    severity: f.severity,
    description: f.fatal ? 'An input file that does not parse could not be checked at all.' : f.ruleId,
    ...(f.remediation ? { remediation: f.remediation } : {}),
    ...(f.helpUrl ? { helpUrl: f.helpUrl } : {}),
  });
}

function levelOf(f: Finding): Level {
  if (f.status === 'unknown') return 'note';
  if (f.status === 'warn') return 'warning';
  return LEVEL[f.severity];
}

/** A relative path as a URI reference: each segment percent-encoded, `/` kept. */
function uriOf(file: string, cwd: string): string {
  const rel = relativeFile(file, cwd);
  const encoded = rel
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
  return rel.startsWith('/') ? `file://${encoded}` : encoded;
}

function locationsOf(f: Finding, cwd: string): unknown[] {
  const loc = f.location;
  if (!loc) return [];
  const logical: Array<Record<string, string>> = [];
  if (loc.resource) logical.push({ name: loc.resource, fullyQualifiedName: loc.resource, kind: 'resource' });
  if (loc.path) logical.push({ name: loc.path, fullyQualifiedName: loc.resource ? `${loc.resource}:${loc.path}` : loc.path, kind: 'variable' });
  if (loc.target) logical.push({ name: loc.target, fullyQualifiedName: loc.target, kind: 'resource' });
  const out: Record<string, unknown> = {};
  if (loc.file) {
    const region: Record<string, number> = {};
    if (loc.line !== undefined && loc.line >= 1) {
      region.startLine = loc.line;
      if (loc.column !== undefined && loc.column >= 1) region.startColumn = loc.column;
      if (loc.endLine !== undefined && loc.endLine >= loc.line) region.endLine = loc.endLine;
      if (loc.endColumn !== undefined && loc.endColumn >= 1) region.endColumn = loc.endColumn;
    }
    const rel = relativeFile(loc.file, cwd);
    out.physicalLocation = {
      artifactLocation: rel.startsWith('/') ? { uri: uriOf(loc.file, cwd) } : { uri: uriOf(loc.file, cwd), uriBaseId: 'SRCROOT' },
      ...(Object.keys(region).length ? { region } : {}),
    };
  }
  if (logical.length) out.logicalLocations = logical;
  return Object.keys(out).length ? [out] : [];
}

/** Stable across runs and line shifts, so code scanning tracks one alert per problem. */
function fingerprint(f: Finding, cwd: string): string {
  const loc = f.location ?? {};
  const key = [f.ruleId, f.messageId, loc.file ? relativeFile(loc.file, cwd) : '', loc.path ?? '', loc.resource ?? '', loc.target ?? '', f.message].join('\u0000');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

const sarif: Reporter = (result: RunResult, ctx: ReportContext): string => {
  const units = [...ctx.units].sort(compareUnits);
  const rules: SarifRule[] = units.map(ruleDescriptor);
  const index = new Map<string, number>(rules.map((r, i) => [r.id, i]));

  const findings = allFindings(result).filter((f) => isReportable(f.status));
  for (const f of findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, rules.length);
      rules.push(syntheticDescriptor(f));
    }
  }

  const results = findings.map((f) => {
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
    const locations = locationsOf(f, ctx.cwd);
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: levelOf(f),
      // An undecided rule needs a person to look, which SARIF calls `review`.
      kind: f.status === 'unknown' ? 'review' : 'fail',
      message: { text: f.message },
      ...(locations.length ? { locations } : {}),
      partialFingerprints: { 'prodready/v1': fingerprint(f, ctx.cwd) },
      ...(f.waiver
        ? {
            suppressions: [
              {
                kind: 'external',
                status: 'accepted',
                justification: `${f.waiver.reason} (waived by ${f.waiver.by} until ${f.waiver.until})`,
                properties: { by: f.waiver.by, until: f.waiver.until },
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
            rules,
          },
        },
        originalUriBaseIds: {
          SRCROOT: { uri: `${directoryUri(ctx.cwd)}` },
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
