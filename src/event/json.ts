import type { IssueCode, ValidationIssue } from '../error/chartlogError.js';

/** A plain JSON value: what event payloads and chart states are made of. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
/** A plain JSON object. */
export type JsonObject = { readonly [key: string]: Json };

/**
 * The deepest nesting of arrays and objects a JSON value may have (the value itself is
 * level 0): deeper than any clinical payload needs, and shallow enough for every
 * recursive walk of a value to be safe. See {@link nestingIssue}.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The one key a JSON object may hold that a JavaScript object cannot hold as data:
 * assigning it sets the object's prototype instead, so a copy would silently lose it (or
 * change what the object is). Refused wherever it appears, by writers and by ingest.
 */
export const PROTO_KEY = '__proto__';

/** The issue message for a {@link PROTO_KEY} key. */
export const PROTO_KEY_MESSAGE =
  '`__proto__` cannot be a key: JavaScript objects take it as their prototype (rename the key)';

/** The issue message for a key that is the same as another key of its object after NFC. */
export const NFC_COLLISION_MESSAGE =
  'is the same key as another key of this object after Unicode NFC normalisation (keep one)';

/**
 * Of `renamed` (keys of one object that Unicode NFC changes), those whose NFC form is
 * also the NFC form of another of the object's `keys`: keys a normalising copy would
 * merge into one.
 */
export function nfcCollisions(keys: readonly string[], renamed: readonly string[]): string[] {
  const count = new Map<string, number>();
  for (const key of keys) {
    const name = isCanonicalString(key) ? key : key.normalize('NFC');
    count.set(name, (count.get(name) ?? 0) + 1);
  }
  return renamed.filter((key) => (count.get(key.normalize('NFC')) ?? 0) > 1);
}

/** Options for {@link checkJson}. */
export interface CheckJsonOptions {
  /** Deepest nesting allowed. @defaultValue {@link MAX_JSON_DEPTH} */
  readonly maxDepth?: number;
  /** Stop after this many issues. @defaultValue `20` */
  readonly maxIssues?: number;
  /** Refuse strings not in Unicode NFC (ingest); a writer that normalises passes false. @defaultValue `true` */
  readonly requireNfc?: boolean;
}

/**
 * The own string keys of a JSON-shaped object, in property order. Unlike `Object.keys`
 * and `for…in`, it leaves no enum cache on the object's hidden class: event payloads are
 * keyed by unique resource ids, so each has a hidden class of its own, and a cache on
 * each costs ~90 bytes per event held (measured on 60k decoded events). Symbol keys,
 * which JSON cannot hold, are left out.
 */
export function jsonKeys(o: object): string[] {
  const keys = Reflect.ownKeys(o);
  for (let i = 0; i < keys.length; i++)
    if (typeof keys[i] !== 'string') return keys.filter((k): k is string => typeof k === 'string');
  return keys as string[];
}

/** True for `{}`-style objects (not arrays, dates, maps, class instances or null-prototype oddities with tags). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Lists every way `value` fails to be canonical-encodable JSON: a value that is not
 * null/boolean/finite number/string/array/plain object, `undefined`, a cycle, a string
 * that is not well-formed Unicode or not NFC, a `__proto__` key ({@link PROTO_KEY}),
 * two keys of one object that are one key after NFC (when NFC is not required), or
 * nesting deeper than `maxDepth`.
 * Returns `[]` when the value is fine. Never throws.
 */
export function checkJson(
  value: unknown,
  path: readonly (string | number)[] = [],
  options: CheckJsonOptions = {},
): ValidationIssue[] {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const maxIssues = options.maxIssues ?? 20;
  const requireNfc = options.requireNfc ?? true;
  const fine = (s: string): boolean => (requireNfc ? isCanonicalString(s) : isWellFormed(s));
  const issues: ValidationIssue[] = [];
  // Objects from the root to the value: a cycle shows up as runaway depth, and only then
  // is it worth searching them to name it (no per-object set on the common path).
  const ancestors: object[] = [];
  // One path stack, copied only when an issue is reported: validation runs on every
  // ingested event, and a fresh path array per visited value was most of its cost.
  const at: (string | number)[] = [...path];
  const report = (message: string, code: IssueCode = 'structure'): void =>
    void issues.push({ severity: 'error', code, path: [...at], message });
  const visit = (v: unknown, depth: number): void => {
    if (issues.length >= maxIssues) return;
    switch (typeof v) {
      case 'string':
        if (!fine(v))
          if (isWellFormed(v)) report('string is not Unicode NFC', 'value');
          else report('string has a lone surrogate');
        return;
      case 'number':
        if (!Number.isFinite(v)) report(`number must be finite, got ${v}`, 'value');
        return;
      case 'boolean':
        return;
      case 'object': {
        if (v === null) return;
        if (depth >= maxDepth) {
          const closes = cycleClosesAt([...ancestors, v]);
          if (closes < 0) report(`nested deeper than ${maxDepth} levels`);
          else
            issues.push({
              severity: 'error',
              code: 'structure',
              path: at.slice(0, path.length + closes),
              message: 'cycle: the value contains itself',
            });
          return;
        }
        ancestors.push(v);
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            at.push(i);
            // Holes in sparse arrays are undefined to JSON.
            if (!(i in v)) report('array hole (undefined) is not JSON');
            else visit(v[i], depth + 1);
            at.pop();
          }
        } else if (isPlainObject(v)) {
          // The root is an event payload (unique keys: no enum cache); deeper objects share shapes.
          const keys = depth === 0 ? jsonKeys(v) : Object.keys(v);
          let renamed: string[] | undefined;
          for (let k = 0; k < keys.length; k++) {
            const key = keys[k] as string;
            at.push(key);
            if (!fine(key)) report('key is not well-formed Unicode NFC');
            else if (!requireNfc && !isCanonicalString(key)) (renamed ??= []).push(key);
            const child = v[key];
            if (key === PROTO_KEY) report(PROTO_KEY_MESSAGE);
            else if (child === undefined) report('undefined is not JSON (omit the key instead)');
            else visit(child, depth + 1);
            at.pop();
          }
          // A writer normalises keys: two that NFC makes one would be merged silently.
          if (renamed !== undefined)
            for (const key of nfcCollisions(keys, renamed)) {
              at.push(key);
              report(NFC_COLLISION_MESSAGE);
              at.pop();
            }
        } else {
          report(`${describe(v)} is not plain JSON`);
        }
        ancestors.pop();
        return;
      }
      default:
        report(`${typeof v} is not JSON`);
    }
  };
  visit(value, 0);
  return issues;
}

/** Depth of the first object in `chain` (root first) that already appeared above it, or -1. */
function cycleClosesAt(chain: readonly object[]): number {
  for (let j = 1; j < chain.length; j++) if (chain.indexOf(chain[j] as object) < j) return j;
  return -1;
}

/** True when `s` is well-formed and already in Unicode NFC, so it encodes one way only. */
export function isCanonicalString(s: string): boolean {
  // ASCII is always NFC; skipping normalize() for it keeps validation fast.
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return isWellFormed(s) && s.normalize('NFC') === s;
  }
  return true;
}

function describe(v: object): string {
  const name = (v as { constructor?: { name?: string } }).constructor?.name;
  return name ? `a ${name}` : 'this object';
}

// String.prototype.isWellFormed is in Node 20 but in TypeScript's ES2024 lib, whose
// other members Node 20 lacks; this keeps the lib honest.
function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}
