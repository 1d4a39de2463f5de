import { describe, expect, it } from 'vitest';
import { classifyError, IO_MESSAGES, ProbeDeadlineError } from '../../src/io/errors.js';

const withCode = (code: string, message = 'whatever the text says') => Object.assign(new Error(message), { code });

describe('classifyError', () => {
  it('classifies network failures by code, also when wrapped in a cause or an AggregateError', () => {
    expect(classifyError(withCode('ECONNREFUSED'))?.messageId).toBe('connectionRefused');
    expect(classifyError(new TypeError('fetch failed', { cause: withCode('ENOTFOUND') }))?.messageId).toBe('dnsFailure');
    expect(classifyError(new AggregateError([withCode('ECONNREFUSED')]))).toMatchObject({ code: 'ECONNREFUSED' });
    expect(classifyError(withCode('UND_ERR_CONNECT_TIMEOUT'))?.messageId).toBe('connectTimeout');
    expect(classifyError(withCode('UND_ERR_HEADERS_TIMEOUT'))?.messageId).toBe('headersTimeout');
  });

  it('classifies certificate errors by their OpenSSL code, not their text', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      expect(classifyError(withCode(code, 'unrelated words'))).toMatchObject({ code, messageId: 'certificateInvalid' });
    }
    // The same words without a code are not classified: text is never matched.
    expect(classifyError(new Error('self signed certificate'))).toBeUndefined();
  });

  it('classifies Postgres errors by SQLSTATE', () => {
    expect(classifyError(withCode('28P01'))?.messageId).toBe('dbAuthFailed');
    expect(classifyError(withCode('3D000'))?.messageId).toBe('dbNotFound');
    expect(classifyError(withCode('57014', 'canceling statement due to statement timeout'))?.messageId).toBe('dbStatementTimeout');
    expect(classifyError(withCode('08006'))?.messageId).toBe('dbUnavailable');
    expect(classifyError(withCode('42501'))?.messageId).toBe('dbError');
  });

  // SQLSTATE 57014 covers every cancel; the server's own words (as PostgreSQL writes them, see
  // test/probes/lib/pg.test.ts for the query path) say which. A wording it does not know is never a timeout.
  it('tells a statement_timeout from other cancels at connection level, as the query path does', () => {
    expect(classifyError(withCode('57014', 'canceling statement due to statement timeout'))).toEqual({ code: '57014', messageId: 'dbStatementTimeout', data: {} });
    expect(classifyError(withCode('57014', 'canceling statement due to user request'))).toEqual({
      code: '57014',
      messageId: 'dbCanceled',
      data: { cause: 'canceled', reason: 'a cancel request (an administrator or a pooler)' },
    });
    expect(classifyError(withCode('57014', 'canceling statement due to conflict with recovery'))).toEqual({
      code: '57014',
      messageId: 'dbCanceled',
      data: { cause: 'recovery-conflict', reason: 'a conflict with recovery (the server is a standby replaying changes the query needed)' },
    });
    expect(classifyError(withCode('57014', 'canceling authentication due to timeout'))).toEqual({
      code: '57014',
      messageId: 'dbCanceled',
      data: { cause: 'authentication-timeout', reason: "the server's authentication_timeout (the connection was not authenticated in time)" },
    });
    // A server whose lc_messages is not English, and a 57014 without words: canceled, not a timeout.
    for (const message of ['Abbruch der Anweisung wegen Zeitüberschreitung', '']) {
      expect(classifyError(withCode('57014', message))).toMatchObject({ messageId: 'dbCanceled', data: { cause: 'canceled' } });
    }
    // Found under a cause, as pg's errors may be wrapped.
    const wrapped = new Error('the query failed', { cause: withCode('57014', 'canceling statement due to conflict with recovery') });
    expect(classifyError(wrapped)).toMatchObject({ messageId: 'dbCanceled', data: { cause: 'recovery-conflict' } });
  });

  it('the cancel message names the cause and does not say statement_timeout was reached', () => {
    const c = classifyError(withCode('57014', 'canceling statement due to user request'))!;
    const text = IO_MESSAGES[c.messageId].replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(({ target: 'postgres://db', code: c.code, ...c.data } as Record<string, unknown>)[k]));
    expect(text).toBe('postgres://db: the work was canceled by a cancel request (an administrator or a pooler), not by statement_timeout (SQLSTATE 57014)');
  });

  it('classifies aborts and our deadline; leaves bugs alone', () => {
    expect(classifyError(new ProbeDeadlineError(100))).toMatchObject({ code: 'PRODREADY_DEADLINE', messageId: 'deadlineExceeded' });
    expect(classifyError(new DOMException('aborted', 'AbortError'))?.messageId).toBe('deadlineExceeded');
    expect(classifyError(new TypeError('cannot read properties of undefined'))).toBeUndefined();
    expect(classifyError(withCode('SOMETHING_ELSE'))).toBeUndefined();
  });
});
