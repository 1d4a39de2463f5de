// Database failures that pg reports only in words still reach a coded finding.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import probe from '../../../src/probes/migrations-applied.js';
import { failureIds, runWith } from '../../helpers/probe-context.js';
import { cancelCause, describeSqlState } from '../../../src/probes/lib/pg.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function tcpServer(onConnection: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  const closeAll = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    sockets.forEach((s) => s.destroy());
    return closeAll(cb);
  }) as typeof server.close;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('database connection failures without a pg code', () => {
  it('a server that accepts and never answers: connect timeout, coded', async () => {
    const port = await tcpServer(() => {});
    const c = await runWith(probe, { target: { databaseUrl: `postgres://u:pw-silent@127.0.0.1:${port}/db?sslmode=disable` } }, { statementTimeoutMs: 200 });
    expect(failureIds(c)).toEqual(['connectTimeout']);
    expect(c.failures[0]!.data).toMatchObject({ code: 'PRODREADY_DB_CONNECT_TIMEOUT', target: `postgres://u:****@127.0.0.1:${port}/db?sslmode=disable` });
  });

  it('a server that hangs up after the first bytes: connection reset, coded', async () => {
    const port = await tcpServer((socket) => socket.once('data', () => socket.end()));
    const c = await runWith(probe, { target: { databaseUrl: `postgres://u:pw@127.0.0.1:${port}/db?sslmode=disable` } });
    expect(failureIds(c)).toEqual(['connectionReset']);
    expect(['PRODREADY_DB_CONNECTION_LOST', 'ECONNRESET']).toContain(c.failures[0]!.data!.code);
  });
});

describe('why a statement was canceled (SQLSTATE 57014)', () => {
  it('is told from the server message, and an unknown wording is never taken for a timeout', () => {
    expect(cancelCause(new Error('canceling statement due to statement timeout'))).toBe('statement-timeout');
    expect(cancelCause(new Error('canceling statement due to conflict with recovery'))).toBe('recovery-conflict');
    expect(cancelCause(new Error('canceling statement due to user request'))).toBe('canceled');
    expect(cancelCause(new Error('Abbruch der Anweisung wegen Zeitüberschreitung'))).toBe('canceled');
    expect(cancelCause('not an error')).toBe('canceled');
  });

  it('is described as what happened', () => {
    expect(describeSqlState('57014', 'statement-timeout')).toBe('statement_timeout reached (57014)');
    expect(describeSqlState('57014')).toBe('statement_timeout reached (57014)');
    expect(describeSqlState('57014', 'recovery-conflict')).toMatch(/^canceled by a conflict with recovery: the server is a standby/);
    expect(describeSqlState('57014', 'canceled')).toBe('the statement was canceled by a cancel request, not by its timeout (57014)');
  });
});
