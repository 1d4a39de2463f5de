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
