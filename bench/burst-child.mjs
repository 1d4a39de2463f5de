// prodready's burst as a generator process: prints one JSON line with the result and its own CPU and memory.
// Bundled by bench/load.mjs with the sources it imports.
import { runBurst } from '../src/load/engine.js';

const [url, durationS, connections, requests] = process.argv.slice(2);
const cpu0 = process.cpuUsage();
const result = await runBurst({
  target: { baseUrl: url, tenant: 'demo', authHeaders: {} },
  params: {
    requests: Number(requests ?? 100_000),
    concurrency: Number(connections),
    durationMs: Number(durationS) * 1000,
    // One request per connection first, as the product does by default: connections open, code warm.
    warmup: Math.min(Number(connections), 100),
    userCardinality: 1000,
  },
});
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests,
    errors: result.errors,
    rps: result.rps,
    elapsed_ms: result.elapsed_ms,
    stopped_by: result.stopped_by,
    p50: result.latency_ms.p50,
    p95: result.latency_ms.p95,
    p99: result.latency_ms.p99,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    user_s: cpu.user / 1e6,
    sys_s: cpu.system / 1e6,
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
