/** One benchmark figure: printed as one JSON line (STYLE §9). */
export interface BenchLine {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly [extra: string]: string | number | boolean;
}

/** Prints one figure as a JSON line on stdout. Progress and commentary go to stderr. */
export function emit(line: BenchLine): void {
  process.stdout.write(JSON.stringify(line) + '\n');
}

/** Options every benchmark receives from `npm run bench -- <name> [--quick]`. */
export interface BenchOptions {
  /** Small sizes, for a smoke run. */
  readonly quick: boolean;
  /** Remaining command-line arguments. */
  readonly args: readonly string[];
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Peak resident set size of this process so far, in MiB (from the kernel's high-water mark). */
export function peakRssMb(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** Writes a progress line to stderr (kept off stdout so the JSON lines stay parseable). */
export function progress(message: string): void {
  process.stderr.write(message + '\n');
}
