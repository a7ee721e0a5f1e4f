/**
 * A duration in seconds as the CLI's JSON prints it: rounded to the millisecond
 * (`0.0023523720000000027` → `0.002`), the one rule for every `seconds` field.
 */
export function jsonSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
