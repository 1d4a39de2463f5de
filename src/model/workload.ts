// Questions about containers that several checks ask: image tags, listen ports, volume coverage.
import type { Container } from '../core/model.js';

/** `repo/name:tag`, `repo/name@sha256:…`, `host:5000/name` (a port, not a tag). */
export function imageTag(image: string): { tag: string; digest: boolean } {
  const digest = /@sha256:[0-9a-f]{64}$/i.test(image);
  const noDigest = image.replace(/@.*$/, '');
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return { tag: colon > slash ? noDigest.slice(colon + 1) : '', digest };
}

/** The port of a Go listen address (`:8000`, `0.0.0.0:8000`, `[::1]:8000`). */
export function addrPort(addr: string): number | undefined {
  const m = /:(\d+)$/.exec(addr.trim());
  return m ? Number(m[1]) : undefined;
}

/** Is `path` on a volume: equal to or under one of the container's mount paths? */
export function mountedAt(c: Container, path: string): string | undefined {
  const norm = (s: string): string => s.replace(/\/+$/, '') || '/';
  const p = norm(path);
  return c.volumeMounts.map((m) => norm(m.mountPath)).find((m) => m !== '' && (p === m || p.startsWith(m === '/' ? '/' : `${m}/`)));
}

/** Go's net.SplitHostPort + loopback test, as the service applies it to API_ADDR when pprof is on. */
export function isLoopbackAddr(addr: string): boolean {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d*)$/.exec(addr.trim());
  if (!m) return false;
  const host = (m[1] ?? m[2] ?? '').toLowerCase();
  if (host === 'localhost') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return host.split('.').every((o) => Number(o) <= 255);
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}
