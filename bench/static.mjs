#!/usr/bin/env node
// Static-check benchmark: prodready's fleet mode against Spectral with an equivalent ruleset, on the same seeded
// corpus in the same run (alternating, so both see the same machine), then prodready's cold start against node -e 0.
// Prints a Markdown report for BENCHMARKS.md. Usage: npm run bench:static [-- --count 1000 --seed 1 --runs 3 --floor]
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from './corpus.mjs';
import { prodreadyFindings, score, spectralFindings, SEEDED_RULES } from './score.mjs';

const ROOT = join(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string', default: join(tmpdir(), 'prodready-bench-corpus') },
    'cold-runs': { type: 'string', default: '20' },
    /** Leave out the cold start (bench:start measures it on its own). */
    'no-cold': { type: 'boolean', default: false },
    /**
     * Add a row for the floor under any check in Node: list, read and parse each file with prodready's own YAML
     * path, and nothing else (bench/static-floor-child.mjs). Its seeded violations are not scored: it finds none.
     */
    floor: { type: 'boolean', default: false },
    /** Another build of prodready to measure in the same run (e.g. the one before an optimisation). */
    baseline: { type: 'string' },
  },
});
const count = Number(args.count);
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  process.stderr.write('bench:static needs GNU time at /usr/bin/time (Debian: apt-get install time)\n');
  process.exit(2);
}
const spectralPkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/@stoplight/spectral-cli/package.json'), 'utf8'));
const spectralBin = join(ROOT, 'node_modules/@stoplight/spectral-cli/dist/index.js');
const cli = join(ROOT, 'dist/cli.js');

const expected = generate({ out: args.dir, count, seed: Number(args.seed) });
const glob = `${args.dir}/*/values.yaml`;
const spectralOut = join(tmpdir(), 'prodready-bench-spectral.json');

// The floor child imports prodready's sources: bundled as the CLI is, into a temporary folder.
let floorScript;
if (args.floor) {
  const { build } = await import('esbuild');
  const { bundleOptions, sourcePlugin } = await import('../scripts/bundle-options.mjs');
  const out = mkdtempSync(join(tmpdir(), 'prodready-bench-floor-'));
  process.on('exit', () => rmSync(out, { recursive: true, force: true }));
  await build({ ...bundleOptions(), entryPoints: [join(ROOT, 'bench/static-floor-child.mjs')], outdir: out, outExtension: { '.js': '.mjs' }, plugins: [sourcePlugin(out)] });
  floorScript = join(out, 'static-floor-child.mjs');
}

const tools = {
  // The default: worker threads, one per core (at most 4), from 128 deployments on.
  prodready: { argv: [cli, 'check', '--each', glob, '--format', 'json'], display: `node dist/cli.js check --each '${glob}' --format json` },
  // One thread: the least memory, and the CPU a deployment costs without the workers' start-up.
  'prodready --jobs 1': {
    argv: [cli, 'check', '--each', glob, '--format', 'json', '--jobs', '1'],
    display: `node dist/cli.js check --each '${glob}' --format json --jobs 1`,
  },
  ...(args.baseline
    ? { 'prodready (baseline)': { argv: [args.baseline, 'check', '--each', glob, '--format', 'json'], display: `node ${args.baseline} check --each '${glob}' --format json` } }
    : {}),
  ...(floorScript
    ? { 'floor: list, read, parse (no rules)': { argv: [floorScript, glob], display: `node <bundled bench/static-floor-child.mjs> '${glob}'`, unscored: true } }
    : {}),
  spectral: {
    argv: [spectralBin, 'lint', glob, '--ruleset', join(ROOT, 'bench/spectral-ruleset.yaml'), '--format', 'json', '--output', spectralOut, '--quiet'],
    display: `node node_modules/@stoplight/spectral-cli/dist/index.js lint '${glob}' --ruleset bench/spectral-ruleset.yaml --format json --output ${spectralOut} --quiet`,
  },
};

const stdoutFile = join(tmpdir(), 'prodready-bench-stdout.jsonl');

/**
 * One run under GNU time: wall seconds, CPU seconds, peak RSS in MiB. Its stdout goes to a file, as a CI job's
 * would: a fleet's JSON Lines are about 48 kB a deployment, more than a pipe into this process should hold.
 */
function timed(argv) {
  const fd = openSync(stdoutFile, 'w');
  const r = spawnSync(TIME, ['-f', '%M %e %U %S', process.execPath, ...argv], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', cwd: ROOT });
  closeSync(fd);
  const last = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  if (last.length !== 4 || last.some(Number.isNaN)) throw new Error(`no timing from ${argv.join(' ')}: ${r.stderr.slice(-500)}`);
  const [kib, wall, user, sys] = last;
  return { wall, cpu: user + sys, rssMiB: kib / 1024, status: r.status };
}

/** The JSON Lines of the last run, line by line (the whole file can be longer than a string may be). */
function* outputLines() {
  const bytes = readFileSync(stdoutFile);
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf(10, at);
    const stop = end < 0 ? bytes.length : end;
    yield bytes.toString('utf8', at, stop);
    at = stop + 1;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load0 = loadavg()[0];
const samples = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
let lastOut = {};
for (let i = 0; i < Number(args.runs); i += 1) {
  for (const [name, t] of Object.entries(tools)) {
    const r = timed(t.argv);
    samples[name].push(r);
    // Scored from the last run of each tool.
    if (i === Number(args.runs) - 1 && !t.unscored) lastOut[name] = name === 'spectral' ? spectralFindings(readFileSync(spectralOut, 'utf8')) : prodreadyFindings(outputLines());
  }
}
const load1 = loadavg()[0];

const scores = Object.fromEntries(
  Object.keys(tools)
    .filter((k) => !tools[k].unscored)
    .map((k) => [k, score(join(args.dir, 'expected.json'), lastOut[k])]),
);

const summary = {};
for (const name of Object.keys(tools)) {
  const s = samples[name];
  const wall = median(s.map((x) => x.wall));
  summary[name] = { wall, cpu: median(s.map((x) => x.cpu)), rss: Math.max(...s.map((x) => x.rssMiB)), filesPerSecond: count / wall, filesPerCpuSecond: count / median(s.map((x) => x.cpu)) };
}

// Cold start: hyperfine when installed, else alternating timed runs.
function coldStart() {
  const check = `node ${cli} check --values ${join(ROOT, 'fixtures/ready/values.yaml')}`;
  const runs = Number(args['cold-runs']);
  try {
    const json = join(tmpdir(), 'prodready-bench-cold.json');
    execFileSync('hyperfine', ['-N', '-i', '--warmup', '3', '--runs', String(runs), '--export-json', json, 'node -e 0', check], { stdio: 'ignore' });
    const r = JSON.parse(readFileSync(json, 'utf8')).results;
    return { tool: 'hyperfine', nodeMs: r[0].median * 1000, checkMs: r[1].median * 1000, nodeCpuMs: (r[0].user + r[0].system) * 1000, checkCpuMs: (r[1].user + r[1].system) * 1000 };
  } catch {
    const walls = { node: [], check: [] };
    for (let i = 0; i < runs; i += 1) {
      for (const [k, argv] of [['node', ['-e', '0']], ['check', [cli, 'check', '--values', join(ROOT, 'fixtures/ready/values.yaml')]]]) {
        const t0 = process.hrtime.bigint();
        spawnSync(process.execPath, argv, { stdio: 'ignore' });
        walls[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    return { tool: 'alternating spawnSync', nodeMs: median(walls.node), checkMs: median(walls.check) };
  }
}
const cold = args['no-cold'] ? undefined : coldStart();

const f1 = (n) => n.toFixed(1);
const pr = summary.prodready;
const sp = summary.spectral;
const lines = [
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}, Spectral ${spectralPkg.version}; load average ${load0.toFixed(1)} before, ${load1.toFixed(1)} after.`,
  `Corpus: \`node bench/corpus.mjs --out DIR --count ${count} --seed ${args.seed}\`: ${expected.violations.length} seeded violations (${SEEDED_RULES.map((r) => `${r} ${expected.violations.filter((v) => v.rule === r).length}`).join(', ')}).`,
  `Medians of ${args.runs} alternating runs each.`,
  '',
  '| tool | wall (s) | files/s | CPU (s) | files per CPU-second | peak RSS (MiB) | seeded violations found | of those with a line, found at it | false alarms |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...Object.entries(summary).map(
    ([name, s]) =>
      `| ${name} | ${s.wall.toFixed(2)} | ${f1(s.filesPerSecond)} | ${s.cpu.toFixed(2)} | ${f1(s.filesPerCpuSecond)} | ${f1(s.rss)} | ${scores[name] ? `${scores[name].found}/${scores[name].expected} | ${scores[name].foundAtLine}/${scores[name].withLine} | ${scores[name].extra.length}` : 'n/a | n/a | n/a'} |`,
  ),
  '',
  `prodready / Spectral: ${f1(pr.filesPerSecond / sp.filesPerSecond)}x files/s (wall), ${f1(pr.filesPerCpuSecond / sp.filesPerCpuSecond)}x files per CPU-second.`,
  `prodready --jobs 1 / Spectral: ${f1(summary['prodready --jobs 1'].filesPerSecond / sp.filesPerSecond)}x files/s (wall), ${f1(summary['prodready --jobs 1'].filesPerCpuSecond / sp.filesPerCpuSecond)}x files per CPU-second.`,
  ...(floorScript
    ? [
        `Floor / Spectral: ${f1(summary['floor: list, read, parse (no rules)'].filesPerSecond / sp.filesPerSecond)}x files/s (wall): no static check in Node that parses the files this way can be faster than that.`,
      ]
    : []),
  ...(cold
    ? [
        `Cold start (${cold.tool}, median): \`node -e 0\` ${cold.nodeMs.toFixed(0)} ms, \`prodready check --values fixtures/ready/values.yaml\` ${cold.checkMs.toFixed(0)} ms = ${(cold.checkMs / cold.nodeMs).toFixed(1)}x` +
          (cold.nodeCpuMs ? `; CPU ${cold.nodeCpuMs.toFixed(0)} ms vs ${cold.checkCpuMs.toFixed(0)} ms = ${(cold.checkCpuMs / cold.nodeCpuMs).toFixed(1)}x.` : '.'),
      ]
    : []),
  '',
  'Commands:',
  '```',
  ...Object.values(tools).map((t) => `/usr/bin/time -f '%M %e %U %S' ${t.display}`),
  ...(cold ? [`hyperfine -N -i --warmup 3 --runs ${args['cold-runs']} 'node -e 0' 'node dist/cli.js check --values fixtures/ready/values.yaml'`] : []),
  '```',
];
for (const [name, s] of Object.entries(scores)) if (s.missed.length > 0) lines.push('', `${name} missed (first 10): ${s.missed.slice(0, 10).join('; ')}`);
for (const [name, s] of Object.entries(scores)) if (s.wrongLine.length > 0) lines.push('', `${name} at another line (first 10): ${s.wrongLine.slice(0, 10).join('; ')}`);
for (const [name, s] of Object.entries(scores)) if (s.extra.length > 0) lines.push('', `${name} false alarms (first 10): ${s.extra.slice(0, 10).join('; ')}`);
process.stdout.write(`${lines.join('\n')}\n`);
