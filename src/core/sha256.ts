// SHA-256 in hex, with node:crypto loaded through require() on first use. An ES import of node:crypto makes Node
// build the module's whole namespace, which loads every part of crypto (ciphers, keys, X.509, WebCrypto): about
// 5 ms of each start, for one hash function. require() returns the CommonJS object, whose parts load when read.
import { createRequire } from 'node:module';

type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

export function sha256Hex(data: string | Uint8Array): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return crypto.createHash('sha256').update(data).digest('hex');
}
