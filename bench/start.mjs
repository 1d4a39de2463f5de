// Cold start of the built CLI next to a bare `node -e 0`, side by side in one run: each round runs every command
// once (the order rotated round by round), wall time around the whole process; the table gives medians, and the
// ratio is the median of each round's own ratio to `node -e 0` (a round's commands ran seconds apart, under the
// same load), next to the ratio of the medians.
//
//   npm run bench:start [-- --rounds 31]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const rounds = Number(argv[argv.indexOf('--rounds') + 1] ?? NaN) || 31;
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

function once(c) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const load0 = os.loadavg().map((l) => l.toFixed(2)).join(' ');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
console.log(`prodready ${version} · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${os.cpus().length} CPUs (nproc ${os.availableParallelism()}), ${cpu}`);
console.log(`load average at start: ${load0}; ${rounds} rounds, order rotated each round\n`);

for (const c of commands) once(c); // one warm-up of the file cache for each, not counted
const times = commands.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < commands.length; k++) {
    const i = (k + r) % commands.length;
    times[i].push(once(commands[i]));
  }
}

const base = median(times[0]);
const rows = commands.map((c, i) => {
  const perRound = times[i].map((t, r) => t / times[0][r]);
  const ratio = median(perRound);
  return { c, med: median(times[i]), ratio, ofMedians: median(times[i]) / base };
});
console.log('| command | median ms | × node -e 0 (median of rounds) | × (ratio of medians) | goal | met |');
console.log('| --- | ---: | ---: | ---: | ---: | --- |');
for (const { c, med, ratio, ofMedians } of rows) {
  const goal = c.goal === null ? '' : `≤ ${c.goal}×`;
  const met = c.goal === null ? '' : ratio <= c.goal ? 'yes' : 'no';
  console.log(`| ${c.name} | ${med.toFixed(1)} | ${ratio.toFixed(2)} | ${ofMedians.toFixed(2)} | ${goal} | ${met} |`);
}
console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
