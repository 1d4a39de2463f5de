import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMATS, loadReporter, type FormatName } from '../../src/reporters/index.js';
import type { RunResult } from '../../src/core/types.js';
import { HOSTILE_VALUE, FIXTURE_DEPLOYMENT, FIXTURE_PROBE_TARGET, FIXTURE_SECRETS, makeReportContext, makeRunResult } from '../fixtures/run-result.js';

const REPORTERS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/reporters');
const THESE = ['sarif', 'junit', 'markdown', 'html', 'github'] as const;

// Every registered format whose module exists; the text and json formats join once they are in the tree.
const present = (Object.keys(FORMATS) as FormatName[]).filter((f) => existsSync(path.join(REPORTERS_DIR, `${f}.ts`)));

/** What a reader sees: Markdown's backslash escapes removed. */
function visibleText(format: FormatName, text: string): string {
  return format === 'markdown' ? text.replace(/\\([\\`*_[\]|~#+=.)-])/g, '$1') : text;
}

async function renderAll(result: RunResult): Promise<Map<FormatName, string>> {
  const ctx = makeReportContext();
  const out = new Map<FormatName, string>();
  for (const f of present) out.set(f, (await loadReporter(f))(result, ctx));
  return out;
}

/** Every secret of the fixture, and long-enough pieces of each, so a truncated leak is caught too. */
function secretNeedles(): string[] {
  const pure = [...Object.values(FIXTURE_SECRETS), ...Object.values(FIXTURE_PROBE_TARGET.authHeaders)];
  // Whole values only for DSNs: their host and user are not secret, their password is in `pure`.
  const whole = [FIXTURE_PROBE_TARGET.databaseUrl];
  // The secrets as the fixture deployment carries them (KEY=value lines).
  for (const line of FIXTURE_DEPLOYMENT.envText.split('\n')) {
    const [key, value] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)];
    if (/SECRET|SALT|DATABASE_URL/.test(key)) whole.push(value);
  }
  const pieces = pure.flatMap((v) => (v.length >= 24 ? [v.slice(0, 12), v.slice(-12)] : []));
  return [...new Set([...pure, ...whole, ...pieces])];
}

describe('every format from one result', () => {
  it('covers the formats of this change', () => {
    expect(present).toEqual(expect.arrayContaining([...THESE]));
  });

  it('produces every format from the same result in one run, none empty', async () => {
    const outs = await renderAll(makeRunResult());
    for (const f of present) expect(outs.get(f)!.length, f).toBeGreaterThan(200);
  });

  it('prints no secret value of the deployment or the probe target, in any format', async () => {
    const needles = secretNeedles();
    expect(needles).toContain(FIXTURE_SECRETS.apiKeyHashSecret);
    const outs = await renderAll(makeRunResult());
    for (const [f, text] of outs) {
      for (const n of needles) expect(text.includes(n), `${f} contains a secret (${n.length} chars)`).toBe(false);
    }
  });

  it('the secret check would catch a leak (a finding that carried a value is reported)', async () => {
    const leaky = makeRunResult();
    leaky.results.find((u) => u.id === 'dev-auth-disabled')!.findings[0]!.evidence.push(`leaked ${FIXTURE_SECRETS.databasePassword}`);
    const outs = await renderAll(leaky);
    for (const f of THESE) expect(outs.get(f)!.includes(FIXTURE_SECRETS.databasePassword), f).toBe(true);
  });

  it('passes the evidence about secrets through: their shape and source, and masked DSNs', async () => {
    const outs = await renderAll(makeRunResult());
    const shape = `set, ${FIXTURE_SECRETS.apiKeyHashSecret.length} chars, from Secret recsys-api`;
    expect(shape).toBe('set, 43 chars, from Secret recsys-api');
    // Formats that report passing rules carry their evidence.
    for (const f of ['junit', 'markdown', 'html'] as const) expect(visibleText(f, outs.get(f)!), f).toContain(shape);
    // Annotation formats report what fails; the probe evidence on a failing finding reaches them.
    const tokenShape = `set, ${FIXTURE_PROBE_TARGET.authHeaders.Authorization.length} chars, from --token-env RECSYS_TOKEN`;
    for (const f of THESE) expect(visibleText(f, outs.get(f)!), f).toContain(tokenShape);
    for (const f of THESE) expect(visibleText(f, outs.get(f)!), f).toContain('postgres://recsys:***@db.internal:5432/recsys');
  });

  it('is deterministic and independent of the order findings arrive in', async () => {
    const a = await renderAll(makeRunResult());
    const shuffled = makeRunResult();
    shuffled.results.reverse();
    for (const u of shuffled.results) u.findings.reverse();
    shuffled.inputs = [...shuffled.inputs];
    const b = await renderAll(shuffled);
    for (const f of present) expect(b.get(f), f).toBe(a.get(f));
  });

  it('does not modify the result it is given', async () => {
    const result = makeRunResult();
    const before = structuredClone(result);
    await renderAll(result);
    expect(result).toEqual(before);
  });

  it('keeps an injected script tag inert in every markup format', async () => {
    const outs = await renderAll(makeRunResult());
    for (const f of ['junit', 'markdown', 'html'] as const) {
      expect(outs.get(f)!.includes('<script>window'), f).toBe(false);
      expect(outs.get(f)!, f).toContain('&lt;script&gt;window');
    }
    // JSON carries it as data; a workflow command as the text of one line.
    expect(JSON.parse(outs.get('sarif')!).runs[0].results.some((r: { message: { text: string } }) => r.message.text.includes(HOSTILE_VALUE))).toBe(true);
    const line = outs.get('github')!.split('\n').find((l) => l.includes(HOSTILE_VALUE))!;
    expect(line.startsWith('::error ')).toBe(true);
  });

  it('renders a run with nothing in it', async () => {
    const empty = makeRunResult();
    empty.results = [];
    empty.fatal = [];
    delete empty.load;
    delete empty.deployment;
    for (const st of Object.keys(empty.summary.counts) as Array<keyof typeof empty.summary.counts>) empty.summary.counts[st] = 0;
    empty.summary = { ...empty.summary, verdict: 'ready', fatal: 0, sections: [] };
    const outs = await renderAll(empty);
    expect(JSON.parse(outs.get('sarif')!).runs[0].results).toEqual([]);
    expect(outs.get('junit')!).toContain('tests="0"');
    expect(outs.get('markdown')!.split('\n')[0]).toBe('## prodready: ✅ READY');
    expect(outs.get('html')!).toContain('Showing <span id="shown">0</span> of 0 rules.');
    expect(outs.get('github')!).toBe('::notice title=prodready verdict::READY: nothing checked\n');
  });
});
