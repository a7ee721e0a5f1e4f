import { createHash } from 'node:crypto';

/** Bits of a {@link addToDigestSum} sum. */
const SUM_BITS = 4096;
const SUM_HEX = SUM_BITS / 4;
const MODULUS = 1n << BigInt(SUM_BITS);

/** The sum of no items (a {@link addToDigestSum} sum), as hex. */
export const EMPTY_DIGEST_SUM = '0'.repeat(SUM_HEX);

/**
 * Adds (`sign` 1) or removes (`sign` -1) an item's digest to an order-independent sum
 * (hex). The sum of a set does not depend on the order items were added, and one item
 * is replaced in O(1) by removing its old term and adding its new one: how a projection
 * keeps a stream's hash over its resources, and the replica's hash over its streams,
 * without re-reading either.
 *
 * This is an additive multiset hash (Bellare–Micciancio's AdHash). Wagner's generalized
 * birthday attack finds two sets with one sum in about 2^(2·√bits) work, so the sum is
 * 4096 bits (about 2^128 work) of SHAKE256 output rather than 256: a hostile site must
 * not be able to make two different records read as the same replica hash.
 */
export function addToDigestSum(sum: string, item: string, sign: 1 | -1): string {
  const term = BigInt(`0x${createHash('shake256', { outputLength: SUM_BITS / 8 }).update(item, 'utf8').digest('hex')}`);
  const next = (BigInt(`0x${sum}`) + (sign === 1 ? term : MODULUS - term)) % MODULUS;
  return next.toString(16).padStart(SUM_HEX, '0');
}
