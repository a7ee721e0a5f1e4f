import type { ValidationIssue } from '../error/chartlogError.js';
import { jsonKeys, MAX_JSON_DEPTH } from './json.js';

/**
 * Checks, without recursion, that no array or object in `value` is nested `maxDepth`
 * or more levels below it (the root is level 0: the limit {@link checkJson} applies), and
 * returns the issue for the first one that is, with its path (at most `maxDepth` long),
 * or undefined. A value that contains itself is reported as the cycle it is.
 *
 * Every recursive walk of untrusted JSON (freezing, `structuredClone`, validation,
 * encoding) must come after this check: a few hundred kilobytes of `[` nest deeper than
 * the JavaScript stack goes, and would otherwise throw a `RangeError` that fails a whole
 * sync message instead of refusing one event.
 *
 * @param maxDepth - @defaultValue {@link MAX_JSON_DEPTH}
 * @param path - where `value` sits, prefixed to the issue's path. @defaultValue `[]`
 * @example
 * ```ts
 * nestingIssue(JSON.parse('[[[1]]]'), 2); // { path: [0, 0], message: 'nested deeper than 2 levels' }
 * ```
 */
export function nestingIssue(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
  path: readonly (string | number)[] = [],
): ValidationIssue | undefined {
  return nestsTo(value, maxDepth) ? describeTooDeep(value as object, maxDepth, path, maxDepth) : undefined;
}

/**
 * {@link nestingIssue} for something offered as an event: each member (`data`, `pred`,
 * `author`, and any other) is held to {@link MAX_JSON_DEPTH}, as validation holds `data`,
 * and the issue's path starts with the member's name. Ingest runs it on every input it
 * must copy or freeze, before doing either.
 */
export function eventNestingIssue(value: unknown): ValidationIssue | undefined {
  // One walk of the whole event, its members one level down: cheaper than one per member.
  return nestsTo(value, MAX_JSON_DEPTH + 1)
    ? describeTooDeep(value as object, MAX_JSON_DEPTH + 1, [], MAX_JSON_DEPTH)
    : undefined;
}

/** True when some array or object in `value` sits `level` or more levels below it. */
function nestsTo(value: unknown, level: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  // Containers still to visit and their levels: an explicit stack instead of the call stack.
  const stack: object[] = [value];
  const levels: number[] = [0];
  while (stack.length > 0) {
    const v = stack.pop() as object;
    const at = levels.pop() as number;
    if (at >= level) return true;
    // Values, not keys: no key list is built, and (unlike Object.keys and for…in) no enum
    // cache is left on the hidden classes of payloads keyed by unique resource ids.
    const children: readonly unknown[] = Array.isArray(v) ? v : Object.values(v);
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        levels.push(at + 1);
      }
    }
  }
  return false;
}

/**
 * The issue for the first container at level `maxDepth` in depth-first order, found again
 * with the path kept; `limit` is the depth the message names.
 */
function describeTooDeep(
  root: object,
  maxDepth: number,
  path: readonly (string | number)[],
  limit: number,
): ValidationIssue {
  const message = `nested deeper than ${limit} levels`;
  if (maxDepth <= 0) return { severity: 'error', code: 'structure', path: [...path], message };
  // Only on refusal: a second, slower walk that keeps each container's keys and position.
  const chain: object[] = [root];
  const keysOf: (readonly (string | number)[])[] = [childKeys(root)];
  const at: number[] = [0];
  while (chain.length > 0) {
    const top = chain.length - 1;
    const v = chain[top] as object;
    const keys = keysOf[top] as readonly (string | number)[];
    const i = at[top] as number;
    if (i >= keys.length) {
      chain.pop();
      keysOf.pop();
      at.pop();
      continue;
    }
    at[top] = i + 1;
    const child: unknown = (v as Record<string | number, unknown>)[keys[i] as string | number];
    if (typeof child !== 'object' || child === null) continue;
    chain.push(child);
    keysOf.push(childKeys(child));
    at.push(0);
    if (chain.length - 1 >= maxDepth) {
      const steps = keysOf.slice(0, -1).map((k, level) => k[(at[level] as number) - 1] as string | number);
      const closes = chain.findIndex((c, level) => chain.indexOf(c) < level);
      // A cycle shows up as runaway depth; it is named where it closes, as checkJson does.
      if (closes > 0)
        return {
          severity: 'error',
          code: 'structure',
          path: [...path, ...steps.slice(0, closes)],
          message: 'cycle: the value contains itself',
        };
      return { severity: 'error', code: 'structure', path: [...path, ...steps], message };
    }
  }
  // Unreachable: called only once nestsTo found a container that deep.
  return { severity: 'error', code: 'structure', path: [...path], message };
}

function childKeys(v: object): readonly (string | number)[] {
  return Array.isArray(v) ? Array.from({ length: v.length }, (_, i) => i) : jsonKeys(v);
}
