import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SECTION_TITLES } from '../core/types.js';
import type { Finding, Reporter, ReportContext, RunResult, Severity, UnitMeta } from '../core/types.js';
import { allFindings, compareUnits } from '../core/order.js';
import { isReportable } from './lib/status.js';

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

/** What stdin is called in SARIF: a fixed relative name, the same on every run. */
export const STDIN_URI = 'stdin';

/** Where artifact URIs start, and where the files named in findings are resolved from. */
interface Roots {
  root: string;
  cwd: string;
}

/** A file as SARIF names it: relative to the root (with uriBaseId), or an absolute file URI when outside it. */
function artifactOf(file: string, roots: Roots): { uri: string; uriBaseId?: string } {
  if (file === '<stdin>' || file === '-') return { uri: STDIN_URI, uriBaseId: 'SRCROOT' };
  const abs = path.resolve(roots.cwd, file);
  const rel = path.relative(roots.root, abs);
  if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) {
    return { uri: rel.split(path.sep).map((seg) => encodeURIComponent(seg)).join('/'), uriBaseId: 'SRCROOT' };
  }
  return { uri: pathToFileURL(abs).href };
}

/** The file a finding with none points at: the first values file, else the first input (GitHub needs one). */
function fallbackFile(result: RunResult): string | undefined {
  const inputs = result.inputs.filter((i) => i.kind === 'helm-values' || i.kind === 'manifests' || i.kind === 'env');
  return (inputs.find((i) => i.kind === 'helm-values') ?? inputs[0])?.file;
}

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

/**
 * What a finding is about: rule, message id, file, YAML or env path, manifest object, variable and live target.
 * Lines and wording are left out, so moving a setting or rewording a message keeps the alert (and its dismissal).
 */
function fingerprintKey(f: Finding, roots: Roots, fallback: string | undefined): string {
  const loc = f.location ?? {};
  const file = loc.file ?? fallback;
  const variable = typeof f.data.variable === 'string' ? f.data.variable : '';
  return [f.ruleId, f.messageId, file ? artifactOf(file, roots).uri : '', loc.path ?? '', loc.resource ?? '', variable, loc.target ?? ''].join('\u0000');
}

/** One fingerprint per finding; findings about the same thing are told apart by their order. */
function fingerprints(findings: Finding[], roots: Roots, fallback: string | undefined): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = fingerprintKey(f, roots, fallback);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}\u0000${n}`).digest('hex').slice(0, 32);
  });
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

  const findings = allFindings(result).filter((f) => isReportable(f.status));
  for (const f of findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, rules.length);
      rules.push(syntheticDescriptor(f, ctx.docsUrl));
    }
  }
  const fallback = fallbackFile(result);
  const prints = fingerprints(findings, roots, fallback);

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
      partialFingerprints: { 'prodready/v2': prints[i]! },
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
