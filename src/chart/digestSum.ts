import { createHash } from 'node:crypto';

/** Bits of a digest sum. */
const SUM_BITS = 4096;
const SUM_HEX = SUM_BITS / 4;
const MASK = (1n << BigInt(SUM_BITS)) - 1n;

/** The sum of no items, as stored (hex). */
export const EMPTY_DIGEST_SUM = '0'.repeat(SUM_HEX);

/**
 * One item's term in an order-independent digest sum: SHAKE256 of the item, 4096 bits.
 *
 * The sum (mod 2^4096) of a set's terms does not depend on the order items were added,
 * and one item is replaced in O(1) by subtracting its old term and adding its new one:
 * how a projection keeps a stream's hash over its resources, and the replica's hash over
 * its streams, without re-reading either. This is an additive multiset hash
 * (Bellare–Micciancio's AdHash). Wagner's generalized birthday attack finds two sets with
 * one sum in about 2^(2·√bits) work, so the sum is 4096 bits (about 2^128 work) rather
 * than 256: a hostile site must not be able to make two different records read as the
 * same replica hash.
 */
export function digestTerm(item: string): bigint {
  return BigInt(
    `0x${createHash('shake256', { outputLength: SUM_BITS / 8 })
      .update(item, 'utf8')
      .digest('hex')}`,
  );
}

/** `sum + sign × term`, mod 2^4096. */
export function addTerm(sum: bigint, term: bigint, sign: 1 | -1): bigint {
  return (sign === 1 ? sum + term : sum - term) & MASK;
}

/** A stored (hex) sum as a number. */
export function parseDigestSum(hex: string): bigint {
  return BigInt(`0x${hex}`);
}

/** A sum as stored: 1024 hex digits. */
export function formatDigestSum(sum: bigint): string {
  return sum.toString(16).padStart(SUM_HEX, '0');
}

/** Adds (`sign` 1) or removes (`sign` -1) an item's term to a stored (hex) sum: the three steps above in one. */
export function addToDigestSum(sum: string, item: string, sign: 1 | -1): string {
  return formatDigestSum(addTerm(parseDigestSum(sum), digestTerm(item), sign));
}
