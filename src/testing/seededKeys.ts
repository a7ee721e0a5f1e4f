import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { SiteKeys } from '../event/signature.js';
import { mulberry32 } from './mulberry32.js';

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Ed25519 test keys from a seed, one pair per site index: the same run signs the same
 * bytes. Replayable, therefore never secret: never for real sites.
 *
 * @example
 * ```ts
 * const keys = seededKeys(schedule.seed, 0);
 * ```
 */
export function seededKeys(seed: number, index: number): SiteKeys {
  const next = mulberry32(seed ^ ((index + 1) * 0x85ebca6b));
  const raw = Buffer.alloc(32);
  for (let k = 0; k < 32; k += 4) raw.writeUInt32LE(next(), k);
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, raw]),
    format: 'der',
    type: 'pkcs8',
  });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
