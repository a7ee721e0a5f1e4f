import { ChartlogError } from '../error/chartlogError.js';

/** Links between sites of a simulated network, by index. */
export type NetworkTopology = readonly (readonly [number, number])[];

/**
 * Every pair of `n` sites, in order: `[0, 1], [0, 2], …, [n - 2, n - 1]`.
 *
 * @example
 * ```ts
 * allPairs(3); // [[0, 1], [0, 2], [1, 2]]
 * ```
 */
export function allPairs(n: number): NetworkTopology {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n - i - 1 }, (__, k) => [i, i + 1 + k] as const),
  ).flat();
}

/**
 * Checks that `topology` links sites of a network of `n` and reaches every one of them.
 *
 * @throws ChartlogError `INVALID_OPTION` for a link to no site or to itself, or a site left out.
 * @example
 * ```ts
 * checkConnected(3, [[0, 1], [0, 2]]);
 * ```
 */
export function checkConnected(n: number, topology: NetworkTopology): void {
  const reached = new Set([0]);
  for (let changed = true; changed;) {
    changed = false;
    for (const [i, j] of topology) {
      if (i < 0 || j < 0 || i >= n || j >= n || i === j)
        throw new ChartlogError('INVALID_OPTION', `no such link [${i}, ${j}] in a network of ${n} sites`);
      if (reached.has(i) !== reached.has(j)) {
        reached.add(i).add(j);
        changed = true;
      }
    }
  }
  if (reached.size < n)
    throw new ChartlogError(
      'INVALID_OPTION',
      `the topology does not connect every site (${reached.size} of ${n} reachable from site-0)`,
    );
}
