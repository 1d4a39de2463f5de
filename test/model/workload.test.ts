import { describe, expect, it } from 'vitest';
import { addrPort, imageTag, isLoopbackAddr, mountedAt, splitShellScript } from '../../src/model/workload.js';
import type { Container } from '../../src/core/model.js';

const container = (mounts: string[]): Container => ({
  name: 'api',
  command: [],
  args: [],
  ports: [],
  volumeMounts: mounts.map((mountPath, i) => ({ name: `v${i}`, mountPath })),
  envNames: [],
  location: {},
});

describe('container helpers', () => {
  it('tells tags, digests and registry ports apart', () => {
    expect(imageTag('ghcr.io/aatuh/recsys-service:1.8.2')).toEqual({ tag: '1.8.2', digest: false });
    expect(imageTag('registry.internal:5000/recsys-service')).toEqual({ tag: '', digest: false });
    expect(imageTag(`recsys-service@sha256:${'a'.repeat(64)}`)).toEqual({ tag: '', digest: true });
    expect(imageTag('recsys-service:latest').tag).toBe('latest');
  });

  it('reads the port of a Go listen address', () => {
    expect(addrPort(':8000')).toBe(8000);
    expect(addrPort('[::1]:9090')).toBe(9090);
    expect(addrPort('localhost')).toBeUndefined();
  });

  it('finds the volume a path lives on, not a sibling folder', () => {
    const c = container(['/var/log/recsys', '/tmp/']);
    expect(mountedAt(c, '/var/log/recsys')).toBe('/var/log/recsys');
    expect(mountedAt(c, '/var/log/recsys/audit')).toBe('/var/log/recsys');
    expect(mountedAt(c, '/var/log/recsys-old')).toBeUndefined();
    expect(mountedAt(c, '/tmp')).toBe('/tmp');
  });

  it('accepts only loopback listen addresses for pprof, as the service does', () => {
    expect(isLoopbackAddr('localhost:6060')).toBe(true);
    expect(isLoopbackAddr('127.0.0.1:8000')).toBe(true);
    expect(isLoopbackAddr('[::1]:8000')).toBe(true);
    expect(isLoopbackAddr(':8000')).toBe(false);
    expect(isLoopbackAddr('0.0.0.0:8000')).toBe(false);
    expect(isLoopbackAddr('127.0.0.1')).toBe(false);
  });

  it('reads API_ADDR as Go net.SplitHostPort and net.ParseIP do: any port text, any spelling of a loopback IP', () => {
    // net.ParseIP rejects an IPv4 octet with a leading zero: Validate refuses pprof there (config.go:541-542).
    expect(isLoopbackAddr('127.000.0.1:6060')).toBe(false);
    expect(isLoopbackAddr('0127.0.0.1:6060')).toBe(false);
    expect(isLoopbackAddr('127.0.0.256:6060')).toBe(false);
    expect(isLoopbackAddr('127.1:6060')).toBe(false);
    // IsLoopback is true for 127.0.0.0/8, every spelling of ::1 and IPv4-mapped 127.x.
    expect(isLoopbackAddr('127.8.9.10:6060')).toBe(true);
    expect(isLoopbackAddr('[0::0:1]:6060')).toBe(true);
    expect(isLoopbackAddr('[0:0:0:0:0:0:0:1]:6060')).toBe(true);
    expect(isLoopbackAddr('[::ffff:127.0.0.1]:6060')).toBe(true);
    expect(isLoopbackAddr('[::ffff:7f00:1]:6060')).toBe(true);
    expect(isLoopbackAddr('[::127.0.0.1]:6060')).toBe(false);
    expect(isLoopbackAddr('[::1%lo]:6060')).toBe(false);
    // SplitHostPort does not read the port, and wants brackets around an IPv6 host.
    expect(isLoopbackAddr('LocalHost:pprof')).toBe(true);
    expect(isLoopbackAddr('[::1]:')).toBe(true);
    expect(isLoopbackAddr('::1:6060')).toBe(false);
    expect(isLoopbackAddr('[::1]6060')).toBe(false);
    expect(isLoopbackAddr('[localhost]:6060')).toBe(true);
  });
});

describe('splitShellScript', () => {
  it('reads a Job script whole: lines, continuations, comments, operators, quotes', () => {
    const script = [
      'set -euo pipefail',
      '# a comment: migrate up',
      'until pg_isready -h "$DB_HOST"; do sleep 1; done',
      'cd /app && \\',
      "  exec alembic -c 'conf/alembic.ini' upgrade head 2>&1 | tee /tmp/log || exit 1",
    ].join('\n');
    expect(splitShellScript(script)).toEqual([
      ['set', '-euo', 'pipefail'],
      ['until', 'pg_isready', '-h', '$DB_HOST'],
      ['do', 'sleep', '1'],
      ['done'],
      ['cd', '/app'],
      ['exec', 'alembic', '-c', 'conf/alembic.ini', 'upgrade', 'head'],
      ['tee', '/tmp/log'],
      ['exit', '1'],
    ]);
  });

  it('skips here-document bodies and keeps command substitutions in their word', () => {
    expect(splitShellScript('psql "$URL" <<EOF\nCREATE TABLE t (a int);\nEOF\necho "$(date; id)" done')).toEqual([['psql', '$URL'], ['echo', '$(date; id)', 'done']]);
  });
});
