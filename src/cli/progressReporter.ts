/** Where progress goes: a writable with an optional `isTTY` (process.stderr is one). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Progress of a long command, on stderr. */
export interface ProgressReporter {
  /** `done` of the total so far. */
  update(done: number): void;
  /** Finishes the bar (a newline on a terminal). */
  done(): void;
}

const BAR_WIDTH = 30;

/**
 * A progress bar redrawn in place when the stream is a terminal (at most ~10 redraws a
 * second), and otherwise one plain line per 10% so logs stay readable.
 */
export function createProgressReporter(label: string, total: number, stream: ProgressStream): ProgressReporter {
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  let lastDecile = -1;
  let current = 0;
  const fraction = (n: number): number => (total > 0 ? Math.min(1, n / total) : 1);
  const draw = (): void => {
    const f = fraction(current);
    const filled = Math.round(f * BAR_WIDTH);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(f * 100)).padStart(3)}% ${current}/${total} events`);
  };
  return {
    update(n) {
      current = n;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw >= 100) {
          lastDraw = now;
          draw();
        }
        return;
      }
      const decile = Math.floor(fraction(n) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${decile * 10}% (${n}/${total} events)\n`);
      }
    },
    done() {
      if (tty) {
        draw();
        stream.write('\n');
      } else if (lastDecile < 10) stream.write(`${label}: 100% (${current}/${total} events)\n`);
    },
  };
}
