// Cold start of the built CLI next to a bare `node -e 0`, side by side in one run: each round runs every command
// once (the order rotated round by round), wall time around the whole process; the table gives medians, and the
// ratio is the median of each round's own ratio to `node -e 0` (a round's commands ran seconds apart, under the
// same load), next to the ratio of the medians. With /usr/bin/time the process's CPU time (user + system, all its
// threads) is shown too: on a machine shared with other work it moves less than the wall time.
//
//   npm run bench:start [-- --rounds 31] [-- --baseline path/to/other/dist/cli.js]
//
// --baseline adds another build of prodready (e.g. the one before an optimisation) to the same alternating run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const rounds = Number(opt('--rounds')) || 31;
const baseline = opt('--baseline');
const fx = (f) => join(ROOT, 'fixtures/ready', f);

const commands = [
  { name: 'node -e 0', args: ['-e', '0'], goal: null },
  { name: 'prodready --version', args: [join(ROOT, 'dist/cli.js'), '--version'], goal: 1.5 },
  { name: 'prodready --help', args: [join(ROOT, 'dist/cli.js'), '--help'], goal: 1.5 },
  {
    name: 'prodready check (values + env + manifests)',
    args: [join(ROOT, 'dist/cli.js'), 'check', '--values', fx('values.yaml'), '--env', fx('prod.env'), '--manifests', fx('rendered.yaml')],
    goal: 3,
  },
];
if (baseline) {
  commands.push(
    { name: `baseline --version (${baseline})`, args: [baseline, '--version'], goal: null },
    { name: 'baseline check', args: [baseline, ...commands[3].args.slice(1)], goal: null },
  );
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** One run: wall ms (measured here, around the whole process) and CPU ms (from /usr/bin/time, when present). */
function once(c) {
  const argv = TIME ? [TIME, '-f', 'CPU %U %S', process.execPath, ...c.args] : [process.execPath, ...c.args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
const load0 = os.loadavg().map((l) => l.toFixed(2)).join(' ');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
console.log(`prodready ${version} · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · nproc ${os.availableParallelism()}, ${cpuModel}`);
console.log(`load average at start: ${load0}; ${rounds} rounds, order rotated each round\n`);

for (const c of commands) once(c); // one warm-up of the file cache for each, not counted
const runs = commands.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < commands.length; k++) {
    const i = (k + r) % commands.length;
    runs[i].push(once(commands[i]));
  }
}

const wall = runs.map((rs) => rs.map((x) => x.wall));
const cpu = runs.map((rs) => rs.map((x) => x.cpu));
const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
console.log('| command | wall ms (median) | × node -e 0, wall (median of rounds) | × (ratio of medians) | CPU ms (median) | × node -e 0, CPU | goal | met (wall) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
commands.forEach((c, i) => {
  const ratio = median(wall[i].map((t, r) => t / wall[0][r]));
  const ofMedians = median(wall[i]) / median(wall[0]);
  const cpuRatio = median(cpu[i]) / median(cpu[0]);
  const goal = c.goal === null ? '' : `≤ ${c.goal}×`;
  const met = c.goal === null ? '' : ratio <= c.goal ? 'yes' : 'no';
  console.log(`| ${c.name} | ${fmt(median(wall[i]))} | ${fmt(ratio, 2)} | ${fmt(ofMedians, 2)} | ${fmt(median(cpu[i]), 0)} | ${fmt(cpuRatio, 2)} | ${goal} | ${met} |`);
});
console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
