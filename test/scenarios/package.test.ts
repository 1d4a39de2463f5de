// The packed tarball, installed the way an air-gapped reviewer installs it: `npm install --offline` of the file
// into an empty project with an EMPTY npm cache. That works only because the package has no runtime dependency
// (everything is bundled into dist/), so this test also proves there is nothing left to fetch.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { startDemoTarget } from '../../src/demo/target.js';

const work = mkdtempSync(join(tmpdir(), 'prodready-pack-'));
const app = join(work, 'app');
const cache = join(work, 'empty-npm-cache');
const pkgDir = join(app, 'node_modules', 'prodready');
let listing: string[] = [];

/** npm with an empty cache of its own, and nothing from the surrounding npm configuration that could fetch. */
const npmEnv = { ...process.env, npm_config_cache: cache, npm_config_ignore_scripts: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

beforeAll(() => {
  // dist/ is the bundle `npm test` just built; packing must not rebuild it (ignore-scripts skips prepack).
  // (npm pack writes logs into its cache, so it gets a throwaway one: the install's cache stays empty until then.)
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', env: { ...npmEnv, npm_config_cache: join(work, 'pack-cache') } });
  const packed = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
  listing = packed[0]!.files.map((f) => f.path);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'reviewer', version: '1.0.0', private: true }, null, 2)}\n`);
  mkdirSync(cache);
  execFileSync('npm', ['install', '--offline', join(work, basename(packed[0]!.filename))], { cwd: app, encoding: 'utf8', env: npmEnv });
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const bin = () => join(app, 'node_modules', '.bin', 'prodready');
const run = (args: string[]) => spawnSync(bin(), args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, cwd: app });
const fx = join(ROOT, 'fixtures/ready');
const checkArgs = ['check', '--values', join(fx, 'values.yaml'), '--env', join(fx, 'prod.env'), '--manifests', join(fx, 'rendered.yaml')];

/** The npm packages bundled into the output files the installed CLI loaded for these arguments. */
function packagesLoaded(args: string[]): { files: string[]; packages: Set<string> } {
  const trace = join(work, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(ROOT, 'test/helpers/trace-loads.mjs')).href, join(pkgDir, 'dist/cli.js'), ...args], {
    encoding: 'utf8',
    cwd: app,
    env: { ...process.env, NO_COLOR: '1', TRACE_LOADS_OUT: trace },
  });
  expect(r.status, r.stderr).toBe(0);
  const prefix = pathToFileURL(join(pkgDir, 'dist')).href + '/';
  const files = readFileSync(trace, 'utf8').trim().split('\n').filter((u) => u.startsWith(prefix)).map((u) => `dist/${u.slice(prefix.length)}`);
  // The metafile of the build that was packed says which packages each output file holds.
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const packages = new Set<string>();
  for (const f of files) {
    const out = meta.outputs[f];
    expect(out, `${f} is not an output of the build that was packed`).toBeDefined();
    for (const input of Object.keys(out!.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m) packages.add(m[1]!);
    }
  }
  return { files, packages };
}

/** The source files of prodready bundled into these output files (the packed build's metafile). */
function sourcesLoaded(files: string[]): string[] {
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return files.flatMap((f) => Object.keys(meta.outputs[f]?.inputs ?? {}).filter((i) => i.startsWith('src/')));
}

/** The installed CLI without blocking this process, whose loopback target must keep answering. */
function runAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin(), args, { cwd: app, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the installed package', () => {
  it('carries the bundle, the rule pack and the docs, and nothing from tests, benches, sources or the demo', () => {
    expect(listing).toContain('rules/recsys/variables.yaml');
    expect(listing).toContain('dist/cli.js');
    expect(listing).toContain('dist/pack.json');
    expect(listing).toContain('dist/THIRD-PARTY-LICENSES.txt');
    expect(listing).toContain('docs/json-report.md');
    expect(listing.filter((p) => /^(test|bench|fixtures|src|scripts)\//.test(p) || p.startsWith('dist/demo/') || p === 'dist/meta.json')).toEqual([]);
  });

  it('has no runtime dependency: the install added nothing beside it', () => {
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.optionalDependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
    expect(readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['prodready']);
  });

  it('prints its version', () => {
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('prints the same help for a bare --help (answered before loading the program) as the program does', () => {
    const fast = run(['--help']);
    const full = run(['help']);
    expect(fast.status).toBe(0);
    expect(fast.stdout).toMatch(/^Usage: prodready /);
    expect(fast.stdout).toBe(full.stdout);
  });

  it('lists its rules', () => {
    const r = run(['rules']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/dev-auth-disabled/);
  });

  it('checks a fixture with the rule pack it carries', () => {
    const r = run(checkArgs);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^READY/m);
  });

  it('a static check never loads pg, undici, jose or the latency histogram', () => {
    const { files, packages } = packagesLoaded(checkArgs);
    expect(files).toContain('dist/cli.js');
    expect(packages).toContain('yaml'); // the trace sees the bundled packages a check does need
    for (const heavy of ['pg', 'undici', 'jose', 'hdr-histogram-js']) expect([...packages]).not.toContain(heavy);
    // The probes' implementations (and the load judge and importers they use) wait until a probe runs: a static
    // check takes their meta and the rules' params from dist/pack.json.
    // (src/engine/target.ts uses two small helpers of src/probes/lib/ to read --migrations-dir and the model.)
    const probeCode = /^src\/(probes\/(?!index\.ts$)[a-z0-9-]+\.ts|probes\/lib\/(pg|http|jwk|health|backup|stoppers)\.ts|load\/(import\/|judge-evidence\.ts))/;
    expect(sourcesLoaded(files).filter((s) => probeCode.test(s))).toEqual([]);
  });

  it('a static check loads only its own command and the report format it writes', () => {
    const { files, packages } = packagesLoaded(checkArgs);
    const sources = sourcesLoaded(files);
    expect(sources).toContain('src/commands/check.ts');
    expect(sources).toContain('src/reporters/text.ts');
    // The other commands' code waits until they run (src/commands/program.ts), fleet mode's until --each.
    const otherCommands = /^src\/commands\/(load|merge|attest|probe|rules|fleet|fleet-workers|progress)\.ts$/;
    expect(sources.filter((s) => otherCommands.test(s))).toEqual([]);
    // Each report format is imported when asked for (src/reporters/index.ts): text alone here.
    const otherFormats = /^src\/reporters\/(json|junit|sarif|markdown|html|github)\.ts$|^src\/reporters\/fleet\//;
    expect(sources.filter((s) => otherFormats.test(s))).toEqual([]);
    // The load command's baseline reader and the burst engine are not a static check's either.
    expect(sources.filter((s) => /^src\/load\/(baseline|engine|h1|requests|params|gates|format)\.ts$/.test(s))).toEqual([]);
    // RE2 is imported only for a pattern outside the subset RegExp runs (src/checks/lib/patterns.ts): the
    // built-in pack has none.
    expect([...packages]).not.toContain('re2js');
  });

  it('a static check loads none of the Node modules it does not use (crypto, child processes, terminals)', () => {
    const out = join(work, `modules-${Math.random().toString(36).slice(2)}.txt`);
    const hook = `import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(${JSON.stringify(out)}, process.moduleLoadList.join('\\n')));`;
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, join(pkgDir, 'dist/cli.js'), ...checkArgs], {
      encoding: 'utf8',
      cwd: app,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const loaded = readFileSync(out, 'utf8').split('\n').filter((l) => l.startsWith('NativeModule ')).map((l) => l.slice('NativeModule '.length));
    expect(loaded).toContain('fs'); // the list is the one wanted
    for (const m of ['crypto', 'child_process', 'dgram', 'tty', 'os', 'worker_threads', 'http', 'tls']) expect(loaded, m).not.toContain(m);
  });

  // The live paths import their packages on demand; a CommonJS package imported so is shaped differently in a
  // code-split bundle than in Node, so the bundle itself must run them.
  it('runs a bounded load burst (the burst engine and the histogram, imported on demand)', async () => {
    const target = await startDemoTarget({});
    try {
      const r = await runAsync(['load', '--base-url', target.url, '--requests', '20', '--concurrency', '2', '--warmup', '0', '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout) as { requests: number; latency_ms: { p95: number | null } };
      expect(result.requests).toBe(20);
      expect(result.latency_ms.p95).toBeGreaterThan(0);
    } finally {
      await target.close();
    }
  });

  it('probes a live target (undici, imported on demand)', async () => {
    const target = await startDemoTarget({});
    try {
      const r = await runAsync(['probe', '--target', target.url]);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.stdout).toMatch(/^ok\s+readyz\s+GET http:\/\/127\.0\.0\.1:\d+\/readyz: 200 /m);
    } finally {
      await target.close();
    }
  });

  it('--version loads no bundled package at all', () => {
    const { files, packages } = packagesLoaded(['--version']);
    expect(files).toContain('dist/cli.js');
    expect([...packages]).toEqual([]);
  });
});
