// Reading health bodies: recsys answers `{"status": "healthy"|"unhealthy"|…, "message": …}` and,
// on /health/detailed, per-dependency checks. The exact shape of the checks varies between
// health libraries, so both a map (`{"database": {"status": …}}`) and a list
// (`[{"name": "database", "status": …}]`) are read.
import { isRecord } from './http.js';
import { excerpt } from '../../io/mask.js';

const HEALTHY = new Set(['healthy', 'ok', 'up', 'pass', 'passing', 'ready', 'available', 'true']);

export function isHealthyStatus(status: unknown): boolean {
  if (status === true) return true;
  return typeof status === 'string' && HEALTHY.has(status.trim().toLowerCase());
}

export interface DependencyCheck {
  name: string;
  status: string;
  message?: string;
}

function statusText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'healthy' : 'unhealthy';
  return 'unknown';
}

function messageOf(v: Record<string, unknown>): string | undefined {
  for (const key of ['message', 'error', 'reason', 'detail', 'output']) {
    const m = v[key];
    if (typeof m === 'string' && m.trim() !== '') return excerpt(m);
  }
  return undefined;
}

function fromEntry(name: string, value: unknown): DependencyCheck {
  if (isRecord(value)) {
    const status = statusText(value.status ?? value.state ?? value.healthy);
    const message = messageOf(value);
    return message === undefined ? { name, status } : { name, status, message };
  }
  return { name, status: statusText(value) };
}

/** Every dependency check a health body lists. */
export function dependencyChecks(body: unknown): DependencyCheck[] {
  if (!isRecord(body)) return [];
  const out: DependencyCheck[] = [];
  for (const key of ['checks', 'dependencies', 'components', 'details']) {
    const group = body[key];
    if (Array.isArray(group)) {
      group.forEach((entry, i) => {
        const name = isRecord(entry) && typeof entry.name === 'string' ? entry.name : `${key}[${i}]`;
        out.push(fromEntry(name, entry));
      });
    } else if (isRecord(group)) {
      for (const [name, value] of Object.entries(group)) out.push(fromEntry(name, value));
    }
  }
  return out;
}

/** The checks that are not healthy. */
export function failingChecks(body: unknown): DependencyCheck[] {
  return dependencyChecks(body).filter((c) => !isHealthyStatus(c.status));
}

/** What a not-ready body says is wrong, in one line: failing checks, else its message, else its status. */
export function notReadyReason(body: unknown): string {
  const failing = failingChecks(body);
  if (failing.length > 0) {
    return failing.map((c) => (c.message ? `${c.name}: ${c.status} (${c.message})` : `${c.name}: ${c.status}`)).join('; ');
  }
  if (isRecord(body)) {
    const message = messageOf(body);
    if (message) return message;
    if (body.status !== undefined) return `status ${excerpt(String(body.status), 60)}`;
  }
  return 'the body does not say';
}
