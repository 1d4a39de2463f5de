// Judging one JSON Web Key Set, key by key: private material, kid uniqueness, algorithm,
// RSA strength, and whether `jose` imports the key at all. Pure apart from jose's import.
// jose is loaded when a key set is judged: a static check, which loads this module's probe, never pays for it.
import type { JWK } from 'jose';
import type { MessageData } from '../../engine/define.js';
import { isRecord } from './http.js';

/** Asymmetric signature algorithms a JWKS-backed verifier may accept when none are configured. */
export const SAFE_ALGORITHMS = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
] as const;

/** JWK members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
export const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export interface KeyProblem {
  messageId: 'privateMaterial' | 'disallowedAlg' | 'weakRsaKey' | 'importFailed' | 'duplicateKid' | 'missingKid';
  data: MessageData;
}

export interface KeySetVerdict {
  problems: KeyProblem[];
  /** One line per key: kid, type, size or curve, alg. Never key material. */
  summaries: string[];
}

/** Bits in an RSA modulus given as base64url, leading zero bits excluded. */
export function rsaModulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i += 1;
  if (i === bytes.length) return 0;
  return (bytes.length - i) * 8 - (Math.clz32(bytes[i]!) - 24);
}

/** The alg to import with when the key does not say: the one its type and curve imply. */
function inferAlg(jwk: Record<string, unknown>): string | undefined {
  if (typeof jwk.alg === 'string' && jwk.alg !== '') return jwk.alg;
  switch (jwk.kty) {
    case 'RSA':
      return 'RS256';
    case 'EC':
      return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[String(jwk.crv)];
    case 'OKP':
      return jwk.crv === 'Ed25519' || jwk.crv === 'Ed448' ? 'EdDSA' : undefined;
    default:
      return undefined;
  }
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (typeof e.name === 'string' && e.name !== '') return e.name;
  return 'unknown error';
}

function publicPart(jwk: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...jwk };
  for (const m of PRIVATE_MEMBERS) delete copy[m];
  return copy;
}

/** Judges every key of a key set. `keys` is the set's `keys` array as received. */
export async function judgeKeySet(
  keys: unknown[],
  allowedAlgorithms: readonly string[],
  minRsaBits: number,
): Promise<KeySetVerdict> {
  const problems: KeyProblem[] = [];
  const summaries: string[] = [];
  const kidCounts = new Map<string, number>();

  for (const [index, raw] of keys.entries()) {
    if (!isRecord(raw)) {
      problems.push({ messageId: 'importFailed', data: { kid: `#${index}`, code: 'not a JSON object' } });
      continue;
    }
    const kid = typeof raw.kid === 'string' && raw.kid !== '' ? raw.kid : undefined;
    const label = kid ?? `#${index}`;
    if (kid !== undefined) kidCounts.set(kid, (kidCounts.get(kid) ?? 0) + 1);
    else if (keys.length > 1) problems.push({ messageId: 'missingKid', data: { kid: label } });

    const privateMembers = PRIVATE_MEMBERS.filter((m) => raw[m] !== undefined);
    if (privateMembers.length > 0) {
      problems.push({ messageId: 'privateMaterial', data: { kid: label, members: privateMembers.join(', ') } });
    }

    const alg = typeof raw.alg === 'string' ? raw.alg : undefined;
    // Encryption keys (Keycloak publishes one beside its signing keys) never verify a token,
    // so the signature-algorithm allowlist does not apply to them.
    const signing = raw.use !== 'enc';
    if (signing && alg !== undefined && !allowedAlgorithms.includes(alg)) {
      problems.push({ messageId: 'disallowedAlg', data: { kid: label, alg, allowed: allowedAlgorithms.join(', ') } });
    }

    let size = '';
    if (raw.kty === 'RSA' && typeof raw.n === 'string') {
      const bits = rsaModulusBits(raw.n);
      size = `${bits} bits`;
      if (bits < minRsaBits) problems.push({ messageId: 'weakRsaKey', data: { kid: label, bits, min: minRsaBits } });
    } else if (typeof raw.crv === 'string') {
      size = raw.crv;
    }

    if (raw.kty !== 'oct') {
      const importAlg = inferAlg(raw);
      if (importAlg === undefined) {
        problems.push({ messageId: 'importFailed', data: { kid: label, code: `unsupported key type ${String(raw.kty)}` } });
      } else {
        try {
          const { importJWK } = await import('jose');
          await importJWK(publicPart(raw) as JWK, importAlg);
        } catch (err) {
          problems.push({ messageId: 'importFailed', data: { kid: label, code: errorCode(err) } });
        }
      }
    }
    summaries.push(`${label} (${String(raw.kty)}${size ? ` ${size}` : ''}, ${alg ?? 'no alg'}${raw.use ? `, use ${String(raw.use)}` : ''})`);
  }

  for (const [kid, count] of kidCounts) {
    if (count > 1) problems.push({ messageId: 'duplicateKid', data: { kid, count } });
  }
  return { problems, summaries };
}
