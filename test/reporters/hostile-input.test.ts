// Deployment files are untrusted: a value, a key or a file name that carries ESC, CSI, OSC, BEL, CR
// or a newline reaches every format escaped (`\x1b`, `\n`), and a 10 MB scalar is quoted cut to a
// bound with its length. Real files through the real pipeline, then every format.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnitMeta } from '../../src/core/types.js';
import { UserError } from '../../src/core/errors.js';
import type { RunResult } from '../../src/core/types.js';
import { FORMATS, loadReporter, type FormatName } from '../../src/reporters/index.js';
import { runAsync } from '../helpers/cli.js';
import { judgeFiles } from '../helpers/pack.js';

// Everything a terminal or viewer would act on; the layout's own newlines and tabs aside.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const OSC_TITLE = '\u001b]0;pwned title\u0007';
const CSI = '\u001b[2J\u009b31m';
const BIG = 10 * 1024 * 1024;

let dir: string;
let hostileEnv: string;

async function renderAll(result: RunResult, units: UnitMeta[]): Promise<Map<FormatName, string>> {
  const out = new Map<FormatName, string>();
  for (const f of Object.keys(FORMATS) as FormatName[]) {
    out.set(f, (await loadReporter(f))(result, { units, toolVersion: 'test', cwd: dir, color: false, verbose: true }));
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'prodready-hostile-'));
  // A file name with a newline and a carriage return in it, holding a variable the service does not read.
  hostileEnv = path.join(dir, 'prod\nFAKE LINE\r.env');
  await writeFile(hostileEnv, 'NOT_READ_BY_SERVICE=1\n');
  await writeFile(
    path.join(dir, 'values.yaml'),
    [
      'api:',
      '  env:',
      '    ENV: production',
      // YAML escapes make the real control characters: an OSC that retitles the terminal, CSI that clears it.
      `    LOG_LEVEL: ${JSON.stringify(OSC_TITLE)}`,
      `    AUTH_REQUIRED: ${JSON.stringify(`true${CSI}`)}`,
      `    ${JSON.stringify(`EVIL${CSI}KEY`)}: "1"`,
      `    CORS_ALLOWED_ORIGINS: "https://shop.example.com\\r\\nX-Injected: 1"`,
      '',
    ].join('\n'),
  );
  await writeFile(path.join(dir, 'big.yaml'), `api:\n  env:\n    ENV: production\n    AUTH_REQUIRED: "${'y'.repeat(BIG)}"\n`);
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('control characters from deployment files, in every format', () => {
  it('values, key names and file names arrive escaped; nothing a terminal acts on is left', async () => {
    const { result, units } = await judgeFiles({ values: [path.join(dir, 'values.yaml')], env: [hostileEnv], manifests: [], now: new Date('2026-01-01T00:00:00Z') });
    // The hostile parts were reported on: the key by unknown-variable, the file by its finding's location.
    const unknown = result.results.find((r) => r.id === 'unknown-variable')!.findings.map((f) => f.message).join('\n');
    expect(unknown).toContain('NOT_READ_BY_SERVICE');
    expect(unknown).toContain('EVIL');
    const outs = await renderAll(result, units);
    for (const [format, text] of outs) {
      expect(RAW_CONTROL.exec(text)?.[0], format).toBeUndefined();
      expect(text, format).not.toContain('prod\nFAKE LINE');
    }
    // The same escaped form everywhere; Markdown doubles the backslash so it renders as written.
    const shown = (format: FormatName) => (format === 'markdown' ? outs.get(format)!.replaceAll('\\\\', '\\') : outs.get(format)!);
    for (const format of ['text', 'github', 'markdown', 'html', 'junit', 'sarif', 'json'] as const) {
      const text = format === 'json' || format === 'sarif' ? JSON.stringify(JSON.parse(outs.get(format)!)) : shown(format);
      const unescaped = format === 'json' || format === 'sarif' ? text.replaceAll('\\\\', '\\') : text;
      expect(unescaped, format).toContain('prod\\nFAKE LINE\\r.env');
      expect(unescaped, format).toContain('EVIL\\x1b[2J\\x9b31mKEY');
    }
    // Every line of the text report is one line of the report: the file name did not add one.
    expect(outs.get('text')!.split('\n').some((l) => l.startsWith('FAKE LINE'))).toBe(false);
  });

  it('the one-line user error stays one line when the file name has a newline and an escape in it', async () => {
    const name = 'missing\nprodready: error[fake]: forged\u001b]0;t\u0007.yaml';
    expect(new UserError('file-not-found', `${name}: no such file`).format().split('\n')).toHaveLength(1);
    const r = await runAsync(['check', '--values', name]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual(['prodready: error[file-not-found]: missing\\nprodready: error[fake]: forged\\x1b]0;t\\x07.yaml: no such file']);
  });
});

describe('a 10 MB scalar', () => {
  it('is quoted cut to a bound with its length, in every format', async () => {
    const { result, units } = await judgeFiles({
      values: [path.join(dir, 'big.yaml')],
      env: [],
      manifests: [],
      only: ['value-parses', 'unknown-variable'],
      now: new Date('2026-01-01T00:00:00Z'),
    });
    const outs = await renderAll(result, units);
    for (const [format, text] of outs) {
      expect(text.length, format).toBeLessThan(512 * 1024);
      expect(text, format).toContain(`…(${BIG} chars)`);
      expect(text, format).not.toContain('y'.repeat(250));
    }
  }, 120_000);
});
