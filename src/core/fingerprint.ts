// A finding's stable identity: what it is about (rule, message id, file, YAML or env path, manifest object,
// variable, live target), never its line or wording, so moving a setting or rewording a message keeps it.
// SARIF's partialFingerprints and the findings baseline both use it, so a baseline entry names the same alert
// code scanning shows.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { allFindings } from './order.js';
import { sha256Hex } from './sha256.js';
import type { Finding, RunResult, Status } from './types.js';

/** What stdin is called in SARIF and baselines: a fixed relative name, the same on every run. */
export const STDIN_URI = 'stdin';

/** Where artifact URIs start (`--root`), and where the files named in findings are resolved from. */
export interface Roots {
  root: string;
  cwd: string;
}

/** A file as SARIF names it: relative to the root (with uriBaseId), or an absolute file URI when outside it. */
export function artifactOf(file: string, roots: Roots): { uri: string; uriBaseId?: string } {
  if (file === '<stdin>' || file === '-') return { uri: STDIN_URI, uriBaseId: 'SRCROOT' };
  const abs = path.resolve(roots.cwd, file);
  const rel = path.relative(roots.root, abs);
  if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) {
    return { uri: rel.split(path.sep).map((seg) => encodeURIComponent(seg)).join('/'), uriBaseId: 'SRCROOT' };
  }
  return { uri: pathToFileURL(abs).href };
}

/** The file a finding with none points at: the first values file, else the first input (GitHub needs one). */
export function fallbackFile(result: RunResult): string | undefined {
  const inputs = result.inputs.filter((i) => i.kind === 'helm-values' || i.kind === 'manifests' || i.kind === 'env');
  return (inputs.find((i) => i.kind === 'helm-values') ?? inputs[0])?.file;
}

function fingerprintKey(f: Finding, roots: Roots, fallback: string | undefined): string {
  const loc = f.location ?? {};
  const file = loc.file ?? fallback;
  const variable = typeof f.data.variable === 'string' ? f.data.variable : '';
  return [f.ruleId, f.messageId, file ? artifactOf(file, roots).uri : '', loc.path ?? '', loc.resource ?? '', variable, loc.target ?? ''].join('\u0000');
}

/** One fingerprint per finding; findings about the same thing are told apart by their order. */
export function fingerprints(findings: readonly Finding[], roots: Roots, fallback: string | undefined): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = fingerprintKey(f, roots, fallback);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return sha256Hex(`${key}\u0000${n}`).slice(0, 32);
  });
}

/** The findings that ask for attention (what code scanning shows, waived ones as suppressed). */
export function isFingerprinted(status: Status): boolean {
  return status === 'fail' || status === 'warn' || status === 'unknown' || status === 'waived';
}

/** Every finding of the run that ask for attention, in report order, with its fingerprint. */
export function fingerprintedFindings(result: RunResult, roots: Roots): Array<{ finding: Finding; fingerprint: string }> {
  const findings = allFindings(result).filter((f) => isFingerprinted(f.status));
  const prints = fingerprints(findings, roots, fallbackFile(result));
  return findings.map((finding, i) => ({ finding, fingerprint: prints[i]! }));
}
