// Fleet mode and merge against hostile deployments, through the built CLI: folder names that carry a newline, an
// escape sequence, a tab or a bidirectional override reach no output unescaped, in any format; reports of two
// formats keep a file each under --output; a parse error names its file:line; and a secret on a line that does
// not parse is written nowhere.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from '../helpers/cli.js';

/** What a terminal or viewer would act on instead of showing; a newline is allowed only as the line break it is. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = 'bad\nname\u001b[31mRED\t\u202eevil\u0007';
const ALL = ['text', 'json', 'junit', 'sarif', 'markdown', 'html', 'github'];

function fleet(): string {
  const dir = mkdtempSync(join(tmpdir(), 'prodready-fleet-hostile-'));
  for (const [name, src] of [
    ['a-ready', 'fixtures/ready'],
    [HOSTILE, 'fixtures/broken'],
  ] as const) {
    mkdirSync(join(dir, name));
    cpSync(join(ROOT, src), join(dir, name), { recursive: true });
  }
  // A deployment that cannot be read at all (no input in it): an error row.
  mkdirSync(join(dir, `empty${HOSTILE}`));
  return dir;
}

function expectNoControl(text: string, where: string): void {
  const m = CONTROL.exec(text);
  expect(m, `${where}: ${JSON.stringify(m?.[0])} at ${m?.index}`).toBeNull();
}

describe('check --each with hostile deployment names', () => {
  it('the per-deployment text and the summary table on stdout hold no control character', () => {
    const dir = fleet();
    const r = run(['check', '--each', join(dir, '*')]);
    expect(r.code).toBe(2);
    expectNoControl(r.stdout, 'stdout');
    expect(r.stdout).toContain('bad\\nname\\x1b[31mRED\\t\\u{202e}evil\\x07  NOT READY');
    // The summary table: one line per deployment.
    expect(r.stdout).toMatch(/\n\S*bad\\nname\\x1b\[31mRED\\t\\u\{202e\}evil\\x07\s+not-ready/);
    expect(r.stdout).toMatch(/\n\S*emptybad\\nname\S*\s+error\s+prodready: error\[missing-input\]/);
    expectNoControl(r.stderr, 'stderr');
  });

  it('every report under --output, and summary.txt, hold no control character', () => {
    const dir = fleet();
    const out = join(dir, 'reports');
    const r = run(['check', '--each', join(dir, '*'), ...ALL.flatMap((f) => ['--format', f]), '--output', out]);
    expect(r.code).toBe(2);
    expectNoControl(r.stdout, 'stdout');
    expectNoControl(r.stderr, 'stderr');
    const files = readdirSync(out);
    // Two judged deployments, a report in each of the seven formats, and the summary.
    expect(files).toHaveLength(2 * ALL.length + 1);
    for (const f of files) expectNoControl(readFileSync(join(out, f), 'utf8'), f);
  });

  it('text and github reports under --output keep a file each (neither replaces the other)', () => {
    const dir = fleet();
    const out = join(dir, 'reports');
    const r = run(['check', '--each', join(dir, 'a-*'), '--format', 'text', '--format', 'github', '--output', out]);
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    const base = join(dir, 'a-ready').replace(/[^\w.-]+/g, '_').replace(/^_+/, '');
    expect(files).toEqual([`${base}.github`, `${base}.txt`, 'summary.txt'].sort());
    expect(readFileSync(join(out, `${base}.txt`), 'utf8')).toMatch(/^prodready /);
    expect(readFileSync(join(out, `${base}.github`), 'utf8')).toMatch(/^::notice title=prodready verdict::READY/);
  });

  it('a file that does not parse is named with its file:line in the text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-fleet-hostile-'));
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'values.yaml'), 'api:\r\n  env:\r\n    A: "1"\r\n    B: [oops');
    const r = run(['check', '--each', join(dir, 'd')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FATAL .*values\.yaml does not parse as YAML: .*\(.*d\/values\.yaml:4\)/);
  });
});

describe('merge with hostile strings in a shard', () => {
  it('escapes deployment names and error texts read from a shard in every format it writes', () => {
    const dir = fleet();
    const r = run(['check', '--each', join(dir, '*'), '--format', 'json']);
    expect(r.code).toBe(2);
    // The shard's summary row for the error carries raw control characters too, as a hand-made shard could.
    const lines = r.stdout.trimEnd().split('\n');
    const summary = JSON.parse(lines.pop()!) as { summary: Array<{ verdict: string; error?: string }> };
    for (const row of summary.summary) if (row.verdict === 'error') row.error = `prodready: error[x]: \u001b]0;pwned\u0007 ${HOSTILE}`;
    const shard = join(dir, 'shard.jsonl');
    writeFileSync(shard, `${[...lines, JSON.stringify(summary)].join('\n')}\n`);
    const outs = { text: 'm.txt', markdown: 'm.md', junit: 'm.xml', sarif: 'm.sarif', json: 'm.jsonl' };
    const m = run(['merge', shard, ...Object.entries(outs).flatMap(([f, o]) => ['-f', f, '-o', join(dir, o)])]);
    expect(m.stderr).toBe('');
    expect(m.code).toBe(2);
    for (const o of Object.values(outs)) expectNoControl(readFileSync(join(dir, o), 'utf8'), o);
    expect(readFileSync(join(dir, 'm.txt'), 'utf8')).toMatch(/emptybad\\nname\S*\s+error\s+prodready: error\[x\]: \\x1b\]0;pwned\\x07/);
  });
});

describe('merge with a hostile shard file', () => {
  function expectOneLineError(r: { code: number; stderr: string }, pattern: RegExp): void {
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  }

  it('a shard that claims a billion shards is refused at once, not counted out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-merge-hostile-'));
    const file = join(dir, 'shard.jsonl');
    writeFileSync(file, `${JSON.stringify({ summary: [], shard: { index: 1, total: 1e9 } })}\n`);
    expectOneLineError(run(['merge', file]), /^prodready: error\[invalid-merge-input\]: .*shard\.jsonl:1: the shard is not \{ index, total \} with 1 <= index <= total <= 1000$/m);
  });

  it('one line longer than any string Node can hold is refused once it passes the bound, with its line number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-merge-hostile-'));
    const file = join(dir, 'shard.jsonl');
    // 600 MiB without a newline, sparse on disk: past V8's longest string, where a whole-line reader throws.
    writeFileSync(file, '{"summary":[]}\n');
    truncateSync(file, 600 * 1024 * 1024);
    expectOneLineError(run(['merge', file]), /^prodready: error\[invalid-merge-input\]: .*shard\.jsonl:2: a line longer than 67108864 characters$/m);
  }, 60_000);

  it('a shard cut inside its last record, and one written with CRLF line ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-merge-hostile-'));
    const r = run(['check', '--each', join(ROOT, 'fixtures/{ready,broken}'), '--format', 'json']);
    expect(r.code).toBe(1);
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, r.stdout.slice(0, r.stdout.indexOf('\n') + 200));
    expectOneLineError(run(['merge', cut]), /^prodready: error\[invalid-merge-input\]: .*cut\.jsonl:2: not JSON/m);
    const crlf = join(dir, 'crlf.jsonl');
    writeFileSync(crlf, r.stdout.replace(/\n/g, '\r\n'));
    const m = run(['merge', crlf]);
    expect(m.stderr).toBe('');
    expect(m.code).toBe(1);
    expect(m.stdout).toMatch(/2 deployments: 1 ready, 1 not ready/);
  });
});

describe('merge with a record that is JSON of the right outline but not a run result inside', () => {
  it('is refused with its file:line before any report is written, in every format, never a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-merge-hostile-'));
    const r = run(['check', '--each', join(ROOT, 'fixtures/broken'), '--format', 'json']);
    expect(r.code).toBe(1);
    const [record, summary] = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const broken: Array<[string, Record<string, unknown>]> = [
      ['a unit whose id is a number and has no findings', { results: [{ id: 1 }] }],
      ['a unit that is null', { results: [null] }],
      ['a fatal finding that is null', { fatal: [null] }],
      ['findings that are a string', { results: [{ id: 'x', title: 't', status: 'fail', findings: 'nope', evidence: [] }] }],
      ['a finding whose message is missing', { fatal: [{ ruleId: 'r', status: 'fail', evidence: [] }] }],
    ];
    for (const [what, patch] of broken) {
      const file = join(dir, 'shard.jsonl');
      writeFileSync(file, `${JSON.stringify({ ...record, ...patch })}\n${JSON.stringify(summary)}\n`);
      for (const format of ['text', 'json', 'sarif', 'junit', 'markdown']) {
        const m = run(['merge', file, '--format', format]);
        expect(m.code, `${what}, ${format}`).toBe(2);
        expect(m.stdout, `${what}, ${format}`).toBe('');
        expect(m.stderr.trimEnd(), `${what}, ${format}`).toMatch(/^prodready: error\[invalid-merge-input\]: .*shard\.jsonl:1: not a fleet record[^\n]*$/);
      }
    }
  }, 120_000);
});

describe('a secret on a line that does not parse', () => {
  const SECRET = 'Zq8SecretHashValueXyz1234567890ab';
  const PASSWORD = 'Pw0rdSecretDb77';

  function secretFleet(): string {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-fleet-secret-'));
    const ready = (name: string) => {
      mkdirSync(join(dir, name));
      cpSync(join(ROOT, 'fixtures/ready'), join(dir, name), { recursive: true });
    };
    // YAML whose syntax error sits on the line that holds the secret (an unclosed quote, an unclosed flow sequence).
    ready('y-quote');
    writeFileSync(join(dir, 'y-quote', 'values.yaml'), `${readFileSync(join(dir, 'y-quote', 'values.yaml'), 'utf8')}    API_KEY_HASH_SECRET: "${SECRET}\n    DATABASE_URL: "postgres://u:${PASSWORD}@db/x"\n`);
    ready('y-flow');
    writeFileSync(join(dir, 'y-flow', 'values.yaml'), `${readFileSync(join(dir, 'y-flow', 'values.yaml'), 'utf8')}    API_KEY_HASH_SECRET: [${SECRET}\n`);
    // A secret written without quotes that starts with *, which YAML reads as an alias to no anchor.
    ready('y-alias');
    writeFileSync(join(dir, 'y-alias', 'values.yaml'), readFileSync(join(dir, 'y-alias', 'values.yaml'), 'utf8').replace(/^  env:\n/m, `  env:\n    API_KEY_HASH_SECRET: *${SECRET}\n`));
    // An .env line whose quote never closes, holding a secret under a token-looking name.
    ready('e-quote');
    writeFileSync(join(dir, 'e-quote', 'prod.env'), `DEPLOY_TOKEN="${SECRET}\nDATABASE_URL=postgres://u:${PASSWORD}@db/x\n`);
    return dir;
  }

  it('is written in no format of check --each, nor of merge, nor on stderr', () => {
    const dir = secretFleet();
    const out = join(dir, 'reports');
    const outputs: Array<[string, string]> = [];
    for (const f of ['text', 'json']) {
      const r = run(['check', '--each', join(dir, '*-*'), '--format', f]);
      expect(r.code).toBe(1);
      outputs.push([`${f} stdout`, r.stdout], [`${f} stderr`, r.stderr]);
      if (f === 'json') writeFileSync(join(dir, 'shard.jsonl'), r.stdout);
    }
    const r = run(['check', '--each', join(dir, '*-*'), ...ALL.flatMap((f) => ['--format', f]), '--output', out]);
    outputs.push(['--output stdout', r.stdout], ['--output stderr', r.stderr]);
    for (const f of readdirSync(out)) outputs.push([f, readFileSync(join(out, f), 'utf8')]);
    const merged = run(['merge', join(dir, 'shard.jsonl'), ...['text', 'markdown', 'junit', 'sarif', 'json'].flatMap((f) => ['-f', f, '-o', join(dir, `merged.${f}`)])]);
    expect(merged.code).toBe(1);
    outputs.push(['merge stderr', merged.stderr]);
    for (const f of ['text', 'markdown', 'junit', 'sarif', 'json']) outputs.push([`merged.${f}`, readFileSync(join(dir, `merged.${f}`), 'utf8')]);
    // Each deployment was read and its file reported as not parsing, so the outputs are not empty of it.
    expect(outputs.find(([n]) => n === 'text stdout')![1]).toMatch(/FATAL .*e-quote\/prod\.env/);
    expect(outputs.find(([n]) => n === 'text stdout')![1]).toMatch(/FATAL .*y-alias\/values\.yaml .*alias.*\(.*y-alias\/values\.yaml:10\)/);
    for (const [where, text] of outputs) {
      expect(text.includes(SECRET), where).toBe(false);
      expect(text.includes(PASSWORD), where).toBe(false);
    }
  });
});
