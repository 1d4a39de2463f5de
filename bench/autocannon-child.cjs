// autocannon as a generator process, same output shape as burst-child.mjs.
// autocannon reports no p95 by default; adding 95 to the shared percentile list makes its result carry p95.
'use strict';
require('hdr-histogram-percentiles-obj').percentiles.push(95);
const autocannon = require('autocannon');

const [url, durationS, connections] = process.argv.slice(2);
const cpu0 = process.cpuUsage();
autocannon(
  {
    url: `${url}/v1/recommend`,
    method: 'POST',
    connections: Number(connections),
    duration: Number(durationS),
    headers: { 'content-type': 'application/json', 'x-org-id': 'demo' },
    body: '{"surface":"home","k":20,"user":{"user_id":"u_1"}}',
  },
  (err, r) => {
    if (err) throw err;
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(
      `${JSON.stringify({
        requests: r.requests.total,
        errors: r.errors + r.non2xx,
        rps: r.requests.total / (r.duration),
        elapsed_ms: r.duration * 1000,
        p50: r.latency.p50,
        p95: r.latency.p95,
        p99: r.latency.p99,
        cpu_s: (cpu.user + cpu.system) / 1e6,
    user_s: cpu.user / 1e6,
    sys_s: cpu.system / 1e6,
        max_rss_mb: process.resourceUsage().maxRSS / 1024,
      })}\n`,
    );
  },
);
