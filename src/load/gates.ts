import type { GateVerdict, LoadGates, LoadResult } from '../core/load.js';

const DAY_MS = 86_400_000;

function pct(n: number): string {
  return `${(n * 100).toFixed(1)}%`;
}

/** A figure that must stay at or under a limit; missing from the result, it is unknown. */
function upperBound(
  gate: 'p95' | 'p99' | 'error-rate',
  what: string,
  actual: number | null,
  limit: number,
  show: (n: number) => string,
  showLimit: (n: number) => string,
): GateVerdict {
  if (actual === null) return { gate, status: 'unknown', actual: null, limit, message: `${what} is not in the result` };
  const ok = actual <= limit;
  const label = gate === 'error-rate' ? 'error rate' : gate;
  return { gate, status: ok ? 'pass' : 'fail', actual, limit, message: `${label} ${show(actual)} ${ok ? '≤' : '>'} ${showLimit(limit)}` };
}

/** Judge one load result against the gates; a figure the result lacks is `unknown`, never a pass. */
export function judgeLoad(result: LoadResult, gates: LoadGates, now: Date = new Date()): GateVerdict[] {
  const out: GateVerdict[] = [];
  const p95 = result.latency_ms.p95;
  const p99 = result.latency_ms.p99;
  if (gates.p95MaxMs !== undefined) out.push(upperBound('p95', 'p95 latency', p95, gates.p95MaxMs, (n) => `${n.toFixed(1)} ms`, (n) => `${n} ms`));
  if (gates.p99MaxMs !== undefined) out.push(upperBound('p99', 'p99 latency', p99, gates.p99MaxMs, (n) => `${n.toFixed(1)} ms`, (n) => `${n} ms`));
  if (gates.errorRateMax !== undefined) out.push(upperBound('error-rate', 'the error rate', result.error_rate, gates.errorRateMax, pct, pct));
  if (gates.baseline) {
    const max = gates.maxRegression ?? 0.2;
    const base = gates.baseline;
    const bp95 = base.latency_ms.p95;
    if (bp95 === null || p95 === null || bp95 <= 0) {
      out.push({ gate: 'baseline-p95', status: 'unknown', actual: null, limit: max, message: 'p95 is missing from the result or the baseline' });
    } else {
      const change = p95 / bp95 - 1;
      out.push({
        gate: 'baseline-p95',
        status: change > max ? 'fail' : 'pass',
        actual: change,
        limit: max,
        message: `p95 ${p95.toFixed(1)} ms vs baseline ${bp95.toFixed(1)} ms: ${change >= 0 ? '+' : ''}${pct(change)} (max +${pct(max)})`,
      });
    }
    if (!(base.rps > 0) || !Number.isFinite(result.rps)) {
      out.push({ gate: 'baseline-rps', status: 'unknown', actual: null, limit: max, message: 'requests per second are missing from the result or the baseline' });
    } else {
      const change = 1 - result.rps / base.rps;
      out.push({
        gate: 'baseline-rps',
        status: change > max ? 'fail' : 'pass',
        actual: change,
        limit: max,
        message: `${result.rps.toFixed(1)} req/s vs baseline ${base.rps.toFixed(1)} req/s: ${change > 0 ? '-' : '+'}${pct(Math.abs(change))} (max -${pct(max)})`,
      });
    }
  }
  if (gates.maxAgeDays !== undefined) {
    // A missing or unreadable start time is unknown, not fresh: NaN compares false and would pass.
    const startedMs = result.started_at ? Date.parse(result.started_at) : Number.NaN;
    if (Number.isNaN(startedMs)) {
      out.push({ gate: 'age', status: 'unknown', actual: null, limit: gates.maxAgeDays, message: 'when the test ran is not in the result' });
      return out;
    }
    const ageDays = (now.getTime() - startedMs) / DAY_MS;
    out.push({
      gate: 'age',
      status: ageDays > gates.maxAgeDays ? 'warn' : 'pass',
      actual: ageDays,
      limit: gates.maxAgeDays,
      message: `ran ${ageDays.toFixed(1)} days ago (max ${gates.maxAgeDays})`,
    });
  }
  return out;
}
