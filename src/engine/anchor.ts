// Live findings name a URL or a database, not a file; code scanning and CI annotations need a file and a
// line. A live finding is anchored where the deployment configured what was probed (the line that set
// JWT_JWKS_URL), or, when a flag alone named it (--target, --jwks-url, a DSN), at the first input file.
// The URL stays in `location.target`.
import type { DeploymentModel } from '../core/model.js';
import type { LoadedRule } from '../pack/load-rules.js';
import type { Location, UnitResult } from '../core/types.js';

/** Which flags named a live input on the command line, instead of the deployment files. */
export interface LiveFlags {
  jwksUrl?: boolean;
  issuer?: boolean;
}

/** The file and line where a variable was set in the user's files, when it was. */
function variableAnchor(model: DeploymentModel, name: string): Location | undefined {
  const def = model.env.get(name)?.effective;
  if (!def || def.chartDefault || !def.location.file) return undefined;
  const { file, line, column, path, resource } = def.location;
  return {
    file,
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(resource !== undefined ? { resource } : {}),
  };
}

/** The first file the user gave (values, then manifests, then env files, as the model read them). */
export function firstInput(model: DeploymentModel): Location | undefined {
  const source = model.sources.find((s) => s.file);
  return source ? { file: source.file } : undefined;
}

function anchorFor(needs: readonly string[], model: DeploymentModel, flags: LiveFlags): Location | undefined {
  if (needs.includes('jwksUrl') || needs.length === 0) {
    // The JWKS probe reads JWT_JWKS_URL, or the issuer's discovery document when only JWT_ISSUER is set.
    if (!flags.jwksUrl) {
      const at = variableAnchor(model, 'JWT_JWKS_URL') ?? (flags.issuer ? undefined : variableAnchor(model, 'JWT_ISSUER'));
      if (at) return at;
    }
  }
  return firstInput(model);
}

/** Gives every probe finding without a file the file and line that configured its target. */
export function anchorLiveFindings(results: UnitResult[], rules: readonly LoadedRule[], model: DeploymentModel, flags: LiveFlags): UnitResult[] {
  const needs = new Map(rules.filter((r) => r.probe).map((r) => [r.rule.id, r.probe!.meta.needs as readonly string[]]));
  return results.map((u) => {
    const probeNeeds = needs.get(u.id);
    if (u.kind !== 'probe' || !probeNeeds || u.findings.every((f) => f.location?.file)) return u;
    const anchor = anchorFor(probeNeeds, model, flags);
    if (!anchor) return u;
    return {
      ...u,
      findings: u.findings.map((f) => (f.location?.file ? f : { ...f, location: { ...anchor, ...(f.location?.target ? { target: f.location.target } : {}) } })),
    };
  });
}
