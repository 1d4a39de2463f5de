import { describe, expect, it } from 'vitest';
import { judgeKeySet, rsaModulusBits } from '../../../src/probes/lib/jwk.js';
import { rsaJwk, weakRsaJwk } from '../../helpers/jwks.js';

describe('rsaModulusBits', () => {
  it('counts the bits of real moduli', async () => {
    expect(rsaModulusBits(String((await rsaJwk('a')).n))).toBe(2048);
    expect(rsaModulusBits(String(weakRsaJwk('b').n))).toBe(1024);
    expect(rsaModulusBits(Buffer.from([0, 0x01, 0xff]).toString('base64url'))).toBe(9);
  });
});

describe('judgeKeySet', () => {
  it('flags a symmetric key as private material and keys without kid in a multi-key set', async () => {
    const v = await judgeKeySet([{ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }, await rsaJwk('r')], ['RS256'], 2048);
    expect(v.problems.map((p) => p.messageId).sort()).toEqual(['disallowedAlg', 'missingKid', 'privateMaterial']);
    expect(v.summaries.join(' ')).not.toContain('c2VjcmV0');
  });
  it('reports an unsupported key type as not importable', async () => {
    const v = await judgeKeySet([{ kty: 'XYZ', kid: 'odd' }], ['RS256'], 2048);
    expect(v.problems).toEqual([{ messageId: 'importFailed', data: { kid: 'odd', code: 'unsupported key type XYZ' } }]);
  });
});

describe('encryption keys in the set', () => {
  it('do not fail the signature-algorithm allowlist, but are still judged for size and private material', async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { publicKey } = await generateKeyPair('RSA-OAEP', { modulusLength: 2048, extractable: true });
    const enc = { ...(await exportJWK(publicKey)), kid: 'enc-1', alg: 'RSA-OAEP', use: 'enc' };
    const ok = await judgeKeySet([await rsaJwk('sig-1'), enc], ['RS256'], 2048);
    expect(ok.problems).toEqual([]);
    expect(ok.summaries[1]).toContain('use enc');
    const leaky = await judgeKeySet([{ ...enc, d: 'xx' }], ['RS256'], 2048);
    expect(leaky.problems.map((p) => p.messageId)).toEqual(['privateMaterial']);
  });
});
