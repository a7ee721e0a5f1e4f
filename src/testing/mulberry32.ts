/**
 * mulberry32: a tiny, fast 32-bit PRNG. Plenty for reproducible test ids, fixtures and
 * benchmark workloads; never for anything secret.
 *
 * @returns a function giving the next unsigned 32-bit integer each call.
 * @example const next = mulberry32(42); const coin = next() / 2 ** 32 < 0.5;
 */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A seeded source of floats in [0, 1) built on {@link mulberry32}. */
export function seededFloats(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}
