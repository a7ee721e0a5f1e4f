import type { ValidationIssue } from '../error/chartlogError.js';
import {
  MAX_JSON_DEPTH,
  NFC_COLLISION_MESSAGE,
  nfcCollisions,
  PROTO_KEY,
  PROTO_KEY_MESSAGE,
  type Json,
} from './json.js';

interface Walk {
  readonly issues: ValidationIssue[];
  readonly maxDepth: number;
  /** Keys from the root to the current value; copied only when an issue needs it. */
  readonly path: (string | number)[];
  /** Objects from the root to the current value, to tell a cycle from deep nesting. */
  readonly ancestors: object[];
  /** Cleared when some copied object's own key order is not the canonical order (see {@link CanonicalCopy}). */
  ordered: boolean;
}

/** What {@link copyCanonicalJson} reports besides the copy. */
export interface CanonicalCopy {
  /**
   * True when every object of the copy holds its keys in canonical (sorted UTF-16) order,
   * so `JSON.stringify(copy)` *is* its canonical JSON. False when a key is an array index
   * (JavaScript lists those first, whatever the insertion order) or NFC changed a key.
   */
  ordered: boolean;
}

/**
 * Validates a caller's value as plain JSON and returns a frozen deep copy with every
 * string and key in Unicode NFC, in one walk: what an event writer needs, so that a
 * recorded event never aliases objects the caller may still mutate. Objects are copied
 * with their keys in sorted order, so the copy usually stringifies canonically; `order`,
 * when given, is told when it does not. Problems are pushed onto `issues` (each with its
 * path); the copy is then meaningless.
 */
export function copyCanonicalJson(
  value: unknown,
  path: readonly (string | number)[],
  issues: ValidationIssue[],
  maxDepth = MAX_JSON_DEPTH,
  order?: CanonicalCopy,
): Json {
  const walk: Walk = { issues, maxDepth, path: [...path], ancestors: [], ordered: true };
  const out = copy(value, walk);
  if (order !== undefined && !walk.ordered) order.ordered = false;
  return out;
}

function copy(v: unknown, w: Walk): Json {
  switch (typeof v) {
    case 'string':
      return nfc(v, w);
    case 'number':
      if (!Number.isFinite(v)) report(w, `number must be finite, got ${v}`);
      return v as number;
    case 'boolean':
      return v as boolean;
    case 'object':
      if (v === null) return null;
      // Depth is checked before identity: a cycle shows up as runaway depth, and only
      // then is it worth searching the ancestors to name it.
      if (w.ancestors.length >= w.maxDepth) {
        report(
          w,
          w.ancestors.includes(v)
            ? 'cycle: the value contains itself'
            : `nested deeper than ${w.maxDepth} levels`,
        );
        return null;
      }
      if (w.ancestors.includes(v)) {
        report(w, 'cycle: the value contains itself');
        return null;
      }
      w.ancestors.push(v);
      try {
        return Array.isArray(v) ? copyArray(v, w) : copyObject(v, w);
      } finally {
        w.ancestors.pop();
      }
    default:
      report(w, `${typeof v} is not JSON`);
      return null;
  }
}

function copyArray(v: readonly unknown[], w: Walk): Json {
  const out: Json[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    w.path.push(i);
    if (!(i in v)) report(w, 'array hole (undefined) is not JSON');
    out[i] = copy(v[i], w);
    w.path.pop();
  }
  return Object.freeze(out);
}

function copyObject(v: object, w: Walk): Json {
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    const name = (v as { constructor?: { name?: string } }).constructor?.name;
    report(w, `${name ? `a ${name}` : 'this object'} is not plain JSON`);
    return null;
  }
  const out: Record<string, Json> = {};
  // Inserted in sorted order: then JSON.stringify of the copy is its canonical JSON
  // (the writer's hash and the wire encoding take that native fast path).
  const keys = Object.keys(v).sort();
  let renamed: string[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const child = (v as Record<string, unknown>)[key];
    w.path.push(key);
    const name = nfc(key, w);
    if (name === PROTO_KEY) report(w, PROTO_KEY_MESSAGE);
    else if (child === undefined) report(w, 'undefined is not JSON (omit the key instead)');
    else {
      if (name !== key) (renamed ??= []).push(key);
      if (name !== key || isIndexLike(name)) w.ordered = false;
      out[name] = copy(child, w);
    }
    w.path.pop();
  }
  // Two keys that NFC makes one would be merged silently: refused instead, naming the key
  // that is not in NFC (the one to fix). Only looked for when some key was normalised.
  if (renamed !== undefined)
    for (const key of nfcCollisions(keys, renamed)) {
      w.path.push(key);
      report(w, NFC_COLLISION_MESSAGE);
      w.path.pop();
    }
  return Object.freeze(out);
}

/** Conservatively: keys JavaScript may order before others (array indices start with a digit). */
function isIndexLike(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57;
}

function nfc(s: string, w: Walk): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed())
        report(w, 'string has a lone surrogate');
      return s.normalize('NFC');
    }
  }
  return s;
}

function report(w: Walk, message: string): void {
  if (w.issues.length < 20)
    w.issues.push({ severity: 'error', code: 'structure', path: [...w.path], message });
}
