/**
 * The text form of a hybrid logical clock stamp: an ISO-8601 UTC instant with
 * millisecond precision, a dash, and a six-digit logical counter, e.g.
 * `2026-11-23T19:49:34.123Z-000002`. Fixed width, so comparing the strings compares
 * the clocks, and an auditor can read the time without a decoder.
 */

import { ChartlogError } from '../error/chartlogError.js';
import { invalidId } from './ids.js';

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
/** Latest instant whose ISO form still has a four-digit year, so the text stays fixed-width: 9999-12-31T23:59:59.999Z. */
export const HLC_MAX_WALL_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// Stamps come in runs within one millisecond; remembering the last instant's text
// saves a Date round trip per event on the write and validate paths. A one-entry memo
// of a pure function (the ISO text of an instant): shared by every caller, it can only
// ever hand back the text that caller would have computed.
let lastWall = -1;
let lastIso = '';

/** Builds a stamp from its parts. @throws ChartlogError `CLOCK_OUT_OF_RANGE` outside years 1970–9999 or counter 0–999999. */
export function formatHlc(wallMs: number, counter: number): Hlc {
  if (!Number.isInteger(wallMs) || wallMs < 0 || wallMs > HLC_MAX_WALL_MS)
    throw new ChartlogError('CLOCK_OUT_OF_RANGE', `HLC wall time out of range: ${wallMs}`, {
      details: { wallMs, counter },
    });
  if (!Number.isInteger(counter) || counter < 0 || counter > HLC_MAX_COUNTER)
    throw new ChartlogError('CLOCK_OUT_OF_RANGE', `HLC counter out of range: ${counter}`, {
      details: { wallMs, counter },
    });
  if (wallMs !== lastWall) {
    lastIso = new Date(wallMs).toISOString();
    lastWall = wallMs;
  }
  return `${lastIso}-${String(counter).padStart(6, '0')}` as Hlc;
}

/** Takes a stamp apart. @throws ChartlogError `INVALID_ID` (`details.kind` `'hlc'`) when `hlc` is not a valid stamp. */
export function parseHlc(hlc: string): HlcParts {
  if (!isHlc(hlc)) throw invalidId('hlc', hlc, HLC_PATTERN);
  return {
    wallMs: lastWall >= 0 && hlc.startsWith(lastIso) ? lastWall : Date.parse(hlc.slice(0, 24)),
    counter: Number(hlc.slice(25)),
  };
}

/** True when `value` is a well-formed stamp naming a real instant. */
export function isHlc(value: unknown): value is Hlc {
  if (typeof value !== 'string' || !HLC_PATTERN.test(value)) return false;
  if (lastWall >= 0 && value.startsWith(lastIso)) return true;
  return isRealInstant(value);
}

// Days per month in a common year; February is checked against the leap rule.
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True when the digits of a stamp the pattern accepted name a real calendar instant: what
 * `new Date(Date.parse(s)).toISOString() === s` decides (Date.parse accepts 2026-02-31),
 * by arithmetic instead of two Date round trips on every ingested event.
 */
function isRealInstant(s: string): boolean {
  const num = (from: number, to: number): number => {
    let n = 0;
    for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48);
    return n;
  };
  const year = num(0, 4);
  const month = num(5, 7);
  const day = num(8, 10);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] as number);
  return day <= days && num(11, 13) < 24 && num(14, 16) < 60 && num(17, 19) < 60;
}

/** Orders two stamps: negative, zero or positive. */
export function compareHlc(a: Hlc, b: Hlc): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
