// Real keys for JWKS tests. jose makes the good ones; jose refuses to generate RSA under 2048
// bits, so the weak one comes from node:crypto (the point is that a server might still publish it).
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export async function rsaJwk(kid: string, alg = 'RS256'): Promise<JWK> {
  const { publicKey } = await generateKeyPair(alg, { modulusLength: 2048, extractable: true });
  return { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
}

export async function ecJwk(kid: string): Promise<JWK> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
}

/** A full private EC key (with `d`), as a misconfigured issuer might publish it. */
export async function privateEcJwk(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
}

export function weakRsaJwk(kid: string, bits = 1024): JWK {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' };
}

export function keySet(...keys: JWK[]): { keys: JWK[] } {
  return { keys };
}
