/**
 * The instants a FHIR date, dateTime or instant stands for, as epoch milliseconds
 * `[start, end)`: its precision sets the width (`2024` is the whole year, `2024-03-05` the
 * day, `…T10:00:00Z` the second). A missing end or start (an open Period) is ±Infinity.
 */
export interface FhirDateRange {
  readonly start: number;
  readonly end: number;
}

const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

/**
 * The range a FHIR date/dateTime/instant string stands for, or `undefined` when it is not
 * one. A time without a zone (allowed in search values, not in resources) is read as UTC,
 * and so is a date: chartlog compares dates as UTC days.
 *
 * @example fhirDateRange('2024') // { start: Date.UTC(2024, 0, 1), end: Date.UTC(2025, 0, 1) }
 */
export function fhirDateRange(text: string): FhirDateRange | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 0 : Number(mo) - 1;
  const day = d === undefined ? 1 : Number(d);
  if (month > 11 || day < 1 || day > 31) return undefined;
  if (mo === undefined) return { start: utc(year, 0, 1), end: utc(year + 1, 0, 1) };
  if (d === undefined) return { start: utc(year, month, 1), end: utc(year, month + 1, 1) };
  if (utc(year, month, day) >= utc(year, month + 1, 1)) return undefined; // 2023-02-30
  if (h === undefined) return { start: utc(year, month, day), end: utc(year, month, day + 1) };
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const offset =
    zone === undefined || zone === 'Z'
      ? 0
      : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  const start = utc(year, month, day, hour, minute, second, ms) - offset;
  const width =
    s === undefined
      ? 60_000
      : frac === undefined
        ? 1000
        : frac.length === 1
          ? 100
          : frac.length === 2
            ? 10
            : 1;
  return { start, end: start + width };
}
