// Two independent judges of a SARIF log: Microsoft's SARIF multitool with GitHub's ingestion rules (the GH* rules,
// e.g. "every result has a location") and the SARIF rules (SARIF*), and the OASIS 2.1.0 JSON schema.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';

const require = createRequire(import.meta.url);

export interface MultitoolIssue {
  ruleId: string;
  level: string;
  message: string;
  file: string;
}

/** Runs `validate --rule-kind Gh;Sarif` over the files and returns what it reported (it exits 0 either way). */
export function multitoolValidate(files: string[]): MultitoolIssue[] {
  // The package picks the binary of this platform; it is a self-contained .NET program shipped in the npm package.
  const binary = require('@microsoft/sarif-multitool') as string;
  const dir = mkdtempSync(join(tmpdir(), 'prodready-multitool-'));
  try {
    const out = join(dir, 'validation.sarif');
    // Its list options (--rule-kind) take every following word as an item: the files go first.
    const r = spawnSync(binary, ['validate', ...files, '--output', out, '--rule-kind', 'Gh;Sarif'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
    });
    if (r.status !== 0) throw new Error(`sarif multitool failed (${r.status}): ${r.stderr || r.stdout}`);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    return (log.runs[0].results ?? []).map((x: any) => ({
      ruleId: x.ruleId,
      level: x.level ?? 'warning',
      message: x.message?.text ?? JSON.stringify(x.message?.arguments ?? []),
      file: x.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '',
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const Ajv04 = AjvDraft04.default;
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

/** The schema uses these formats; ajv-draft-04 ships none, so define them from the standards they name. */
export function compileSarifSchema() {
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s) && URL.canParse(s, 'file:///base/'));
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  return ajv.compile(schema);
}
