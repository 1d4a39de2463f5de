// Node's own floor for this loop, as a reference row: raw sockets, one fixed request, the next one written as soon
// as any byte of the answer arrives. No parsing, no timing, no histogram: what no Node generator can go below.
import net from 'node:net';

const [url, durationS, connections] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const body = '{"surface":"home","k":20,"user":{"user_id":"u_1"}}';
const request = Buffer.from(
  `POST /v1/recommend HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\nx-org-id: demo\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
);
const buffer = Buffer.allocUnsafe(64 * 1024);
const t0 = performance.now();
const end = t0 + Number(durationS) * 1000;
const cpu0 = process.cpuUsage();
let answers = 0;
let open = Number(connections);
for (let i = 0; i < Number(connections); i++) {
  const socket = net.connect({
    host: hostname,
    port: Number(port),
    onread: {
      buffer,
      callback: () => {
        answers++;
        if (performance.now() < end) socket.write(request);
        else {
          socket.destroy();
          if (--open === 0) report();
        }
        return true;
      },
    },
  });
  socket.setNoDelay(true);
  socket.write(request);
}

function report() {
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      requests: answers,
      errors: 0,
      rps: answers / elapsed,
      elapsed_ms: elapsed * 1000,
      p50: null,
      p95: null,
      p99: null,
      cpu_s: (cpu.user + cpu.system) / 1e6,
      user_s: cpu.user / 1e6,
      sys_s: cpu.system / 1e6,
      max_rss_mb: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
}
