/** Where progress goes: a writable with an optional `isTTY` (process.stderr is one). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Progress of a long command, on stderr. */
export interface ProgressReporter {
  /** `done` of the total so far. */
  update(done: number): void;
  /**
   * Finishes: the last line (at `done` events, when given, of `total`, when given: a total
   * only estimated until the end), with the time taken (and a newline on a terminal).
   */
  done(done?: number, total?: number): void;
}

/** Options for {@link createProgressReporter}. */
export interface ProgressReporterOptions {
  /** Clock, in ms. @defaultValue `Date.now` */
  readonly now?: () => number;
  /** When the job started, for its rate (ms on `now`'s clock). @defaultValue `now()` at creation */
  readonly startedAt?: number;
  /** Off a terminal: at most one plain line per this many ms. @defaultValue `5000` */
  readonly everyMs?: number;
  /** What is counted, e.g. `bytes`. @defaultValue `events` */
  readonly unit?: string;
}

const BAR_WIDTH = 30;
/** On a terminal: at most one redraw per this many ms. */
const REDRAW_MS = 100;

/**
 * Progress of a job counted in events, with done/total, percent, rate and ETA: on a
 * terminal one line redrawn in place (at most ~10 times a second); otherwise one plain
 * line every few seconds (`everyMs`), so logs stay readable. `done()` prints the last
 * line with the time taken.
 *
 * @example
 * ```ts
 * const progress = createProgressReporter('replay', total, process.stderr);
 * for (…) progress.update(done);
 * progress.done(); // "replay: 100% (1000/1000 events, 83 events/s, 12.0 s)"
 * ```
 */
export function createProgressReporter(
  label: string,
  estimatedTotal: number,
  stream: ProgressStream,
  options: ProgressReporterOptions = {},
): ProgressReporter {
  let total = estimatedTotal;
  const now = options.now ?? Date.now;
  const startedAt = options.startedAt ?? now();
  const everyMs = options.everyMs ?? 5000;
  const unit = options.unit ?? 'events';
  const tty = stream.isTTY === true;
  let lastDraw = tty ? -Infinity : startedAt;
  let current = 0;
  const line = (at: number, finished: boolean): { percent: string; counts: string } => {
    const fraction = total > 0 ? Math.min(1, current / total) : 1;
    const seconds = (at - startedAt) / 1000;
    const rate = seconds > 0 ? current / seconds : 0;
    const tail = finished
      ? `${seconds.toFixed(1)} s`
      : `ETA ${rate > 0 ? formatSeconds(Math.max(0, total - current) / rate) : '?'}`;
    return {
      percent: String(Math.floor(fraction * 100)),
      counts: `${current}/${total} ${unit}, ${Math.round(rate)} ${unit}/s, ${tail}`,
    };
  };
  const draw = (at: number, finished: boolean): void => {
    const { percent, counts } = line(at, finished);
    if (tty) {
      const filled = Math.round((total > 0 ? Math.min(1, current / total) : 1) * BAR_WIDTH);
      const bar = '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled);
      // \x1b[K clears what a longer earlier line left on the right.
      stream.write(`\r\x1b[K${label} [${bar}] ${percent.padStart(3)}% ${counts}${finished ? '\n' : ''}`);
    } else stream.write(`${label}: ${percent}% (${counts})\n`);
  };
  return {
    update(n) {
      current = n;
      const at = now();
      if (at - lastDraw < (tty ? REDRAW_MS : everyMs)) return;
      lastDraw = at;
      draw(at, false);
    },
    done(n, finalTotal) {
      if (n !== undefined) current = n;
      if (finalTotal !== undefined) total = finalTotal;
      draw(now(), true);
    },
  };
}

/** `12 s`, `3 min 05 s`, `2 h 07 min`. */
function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
