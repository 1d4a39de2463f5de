import { describe, expect, it } from 'vitest';
import { classifyError, ProbeDeadlineError } from '../../src/io/errors.js';

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
    expect(classifyError(withCode('57014'))?.messageId).toBe('dbStatementTimeout');
    expect(classifyError(withCode('08006'))?.messageId).toBe('dbUnavailable');
    expect(classifyError(withCode('42501'))?.messageId).toBe('dbError');
  });

  it('classifies aborts and our deadline; leaves bugs alone', () => {
    expect(classifyError(new ProbeDeadlineError(100))).toMatchObject({ code: 'PRODREADY_DEADLINE', messageId: 'deadlineExceeded' });
    expect(classifyError(new DOMException('aborted', 'AbortError'))?.messageId).toBe('deadlineExceeded');
    expect(classifyError(new TypeError('cannot read properties of undefined'))).toBeUndefined();
    expect(classifyError(withCode('SOMETHING_ELSE'))).toBeUndefined();
  });
});
