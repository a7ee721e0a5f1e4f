/**
 * The text form of a hybrid logical clock stamp: an ISO-8601 UTC instant with
 * millisecond precision, a dash, and a six-digit logical counter, e.g.
 * `2026-11-23T19:49:34.123Z-000002`. Fixed width, so comparing the strings compares
 * the clocks, and an auditor can read the time without a decoder.
 */

/** A hybrid logical clock stamp in its sortable text form. */
export type Hlc = string & { readonly __brand: 'Hlc' };

/** A stamp taken apart. */
export interface HlcParts {
  /** Physical part: milliseconds since the Unix epoch. */
  readonly wallMs: number;
  /** Logical part: orders events that share a millisecond. */
  readonly counter: number;
}

/** The largest logical counter; past it the clock moves its physical part on by 1 ms. */
export const HLC_MAX_COUNTER = 999_999;
const HLC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z-\d{6}$/;
/** Latest instant whose ISO form still has a four-digit year, so the text stays fixed-width. */
const MAX_WALL_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// Stamps come in runs within one millisecond; remembering the last instant's text
// saves a Date round trip per event on the write and validate paths.
let lastWall = -1;
let lastIso = '';

/** Builds a stamp from its parts. @throws RangeError outside years 1970–9999 or counter 0–999999. */
export function formatHlc(wallMs: number, counter: number): Hlc {
  if (!Number.isInteger(wallMs) || wallMs < 0 || wallMs > MAX_WALL_MS) throw new RangeError(`HLC wall time out of range: ${wallMs}`);
  if (!Number.isInteger(counter) || counter < 0 || counter > HLC_MAX_COUNTER) throw new RangeError(`HLC counter out of range: ${counter}`);
  if (wallMs !== lastWall) {
    lastIso = new Date(wallMs).toISOString();
    lastWall = wallMs;
  }
  return `${lastIso}-${String(counter).padStart(6, '0')}` as Hlc;
}

/** Takes a stamp apart. @throws RangeError when `hlc` is not a valid stamp. */
export function parseHlc(hlc: string): HlcParts {
  if (!isHlc(hlc)) throw new RangeError(`not an HLC stamp: ${JSON.stringify(hlc)}`);
  return { wallMs: lastWall >= 0 && hlc.startsWith(lastIso) ? lastWall : Date.parse(hlc.slice(0, 24)), counter: Number(hlc.slice(25)) };
}

/** True when `value` is a well-formed stamp naming a real instant. */
export function isHlc(value: unknown): value is Hlc {
  if (typeof value !== 'string' || !HLC_PATTERN.test(value)) return false;
  if (lastWall >= 0 && value.startsWith(lastIso)) return true;
  const ms = Date.parse(value.slice(0, 24));
  // Date.parse accepts 2026-02-31; the round trip refuses it.
  return Number.isFinite(ms) && new Date(ms).toISOString() === value.slice(0, 24);
}

/** Orders two stamps: negative, zero or positive. */
export function compareHlc(a: Hlc, b: Hlc): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
