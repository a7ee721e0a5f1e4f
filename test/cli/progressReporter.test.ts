import { describe, expect, it } from 'vitest';
import { createProgressReporter, type ProgressStream } from '../../src/cli/progressReporter.js';
import { createProjectionProgressPrinter } from '../../src/cli/projectionProgressPrinter.js';

function capture(isTTY: boolean): ProgressStream & { readonly text: () => string } {
  let text = '';
  return {
    isTTY,
    write(s: string) {
      text += s;
      return true;
    },
    text: () => text,
  };
}

describe('progress of a long command on stderr', () => {
  it('off a terminal prints a plain line every few seconds with done/total, percent, rate and ETA, and a last line with the time taken', () => {
    let now = 0;
    const stream = capture(false);
    const progress = createProgressReporter('replay', 1000, stream, { now: () => now, everyMs: 5000 });
    now = 1000;
    progress.update(100);
    expect(stream.text()).toBe(''); // not yet a few seconds
    now = 5000;
    progress.update(500);
    now = 6000;
    progress.update(600);
    now = 10_000;
    progress.update(800);
    now = 12_000;
    progress.update(1000);
    progress.done();
    expect(stream.text().split('\n')).toEqual([
      'replay: 50% (500/1000 events, 100 events/s, ETA 5 s)',
      'replay: 80% (800/1000 events, 80 events/s, ETA 3 s)',
      'replay: 100% (1000/1000 events, 83 events/s, 12.0 s)',
      '',
    ]);
  });

  it('on a terminal redraws one line in place, with rate and ETA, and ends it with a newline', () => {
    let now = 0;
    const stream = capture(true);
    const progress = createProgressReporter('verify', 200, stream, { now: () => now });
    now = 2000;
    progress.update(50);
    now = 2050;
    progress.update(60); // too soon to redraw
    now = 4000;
    progress.update(100);
    progress.done();
    const draws = stream
      .text()
      .split('\r')
      .filter((s) => s !== '');
    expect(draws).toHaveLength(3);
    // The bar redraws its line with ESC [K (erase to end of line): that escape is what is checked.
    /* eslint-disable no-control-regex */
    expect(draws[0]).toMatch(/^\u001b\[Kverify \[#+\.+\] {2}25% 50\/200 events, 25 events\/s, ETA 6 s$/);
    expect(draws[2]).toMatch(
      /^\u001b\[Kverify \[#{15}\.{15}\] {2}50% 100\/200 events, 25 events\/s, 4\.0 s\n$/,
    );
    /* eslint-enable no-control-regex */
    expect(stream.text()).not.toContain('\n\r');
  });

  it('a job whose total was an estimate ends at 100% of the total it really had', () => {
    let now = 0;
    const stream = capture(false);
    // chartlog compact: the new file's size is estimated by the old one's pages in use.
    const progress = createProgressReporter('compact', 2000, stream, {
      now: () => now,
      everyMs: 1000,
      unit: 'bytes',
    });
    now = 1000;
    progress.update(1000);
    now = 2000;
    progress.done(1500, 1500);
    expect(stream.text().split('\n')).toEqual([
      'compact: 50% (1000/2000 bytes, 1000 bytes/s, ETA 1 s)',
      'compact: 100% (1500/1500 bytes, 750 bytes/s, 2.0 s)',
      '',
    ]);
  });

  it('an empty job is 100% at once', () => {
    const stream = capture(false);
    const progress = createProgressReporter('replay', 0, stream, { now: () => 0 });
    progress.done();
    expect(stream.text()).toBe('replay: 100% (0/0 events, 0 events/s, 0.0 s)\n');
  });

  it("a projection's rebuild and catch-up each get their own line, labelled by phase, finished when done reaches total", () => {
    let now = 0;
    const stream = capture(false);
    const onProgress = createProjectionProgressPrinter('serve: projection', stream, {
      now: () => now,
      everyMs: 1000,
    });
    now = 2000;
    onProgress({ phase: 'catch-up', done: 10, total: 10, eventsPerSecond: 5, etaSeconds: 0 });
    now = 3000;
    onProgress({ phase: 'rebuild', done: 50, total: 100, eventsPerSecond: 50, etaSeconds: 1 });
    now = 4000;
    onProgress({ phase: 'rebuild', done: 100, total: 100, eventsPerSecond: 50, etaSeconds: 0 });
    expect(stream.text().split('\n')).toEqual([
      'serve: projection catch-up: 100% (10/10 events, 5 events/s, 2.0 s)',
      'serve: projection rebuild: 50% (50/100 events, 50 events/s, ETA 1 s)',
      'serve: projection rebuild: 100% (100/100 events, 50 events/s, 2.0 s)',
      '',
    ]);
  });
});
