import { canonicalJson } from '../event/canonicalJson.js';
import { formatPath } from '../error/chartlogError.js';
import type { Json } from '../event/json.js';

/** Options for {@link diffJson}. */
export interface DiffJsonOptions {
  /** Stop after this many differences. @defaultValue `10` */
  readonly max?: number;
  /** Longest value shown per side before it is cut short. @defaultValue `200` */
  readonly width?: number;
}

/**
 * Where two JSON values differ, one line per difference: `path: expected X, got Y`.
 * Empty when they are canonically equal. Used to explain a divergence readably.
 *
 * @example
 * ```ts
 * diffJson({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] }); // ['b[1]: expected 2, got 3']
 * ```
 */
export function diffJson(
  expected: Json | undefined,
  actual: Json | undefined,
  options: DiffJsonOptions = {},
): string[] {
  const max = options.max ?? 10;
  const width = options.width ?? 200;
  const show = (v: Json | undefined): string => {
    const text = v === undefined ? '(absent)' : canonicalJson(v);
    return text.length > width ? `${text.slice(0, width)}…` : text;
  };
  const out: string[] = [];
  const visit = (a: Json | undefined, b: Json | undefined, path: (string | number)[]): void => {
    if (out.length >= max) return;
    if (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b)) return;
    const bothArrays = Array.isArray(a) && Array.isArray(b);
    const bothObjects = isObject(a) && isObject(b);
    if (bothArrays) {
      const x = a as readonly Json[];
      const y = b as readonly Json[];
      for (let i = 0; i < Math.max(x.length, y.length); i++) visit(x[i], y[i], [...path, i]);
    } else if (bothObjects) {
      const x = a as { readonly [k: string]: Json };
      const y = b as { readonly [k: string]: Json };
      for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort())
        visit(x[key], y[key], [...path, key]);
    } else out.push(`${formatPath(path)}: expected ${show(a)}, got ${show(b)}`);
  };
  visit(expected, actual, []);
  return out;
}

function isObject(v: Json | undefined): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
