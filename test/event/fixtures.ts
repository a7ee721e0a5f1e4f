import { createEventWriter, createHybridClock, siteId, streamId, type EventWriter } from '../../src/index.js';

/** A writer whose events are reproducible: a fixed, settable wall clock (ids come from (site, seq)). */
export function fixedWriter(
  site: string,
  wallMs: number,
  opts: { signing?: Parameters<typeof createEventWriter>[0]['signing'] } = {},
): { writer: EventWriter; tick(ms: number): void } {
  let wall = wallMs;
  const writer = createEventWriter({
    site: siteId(site),
    clock: createHybridClock({ wallClock: () => wall }),
    ...(opts.signing ? { signing: opts.signing } : {}),
  });
  return { writer, tick: (ms) => void (wall += ms) };
}

export const PATIENT = streamId('patient/0192f5b4-7a3e-7c6e-9d2a-4f1e8b3c5a77');
export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0, 0);
