import { createEventWriter, createHybridClock, siteId, streamId, type EventWriter } from '../../src/index.js';

/** A writer whose ids and stamps are reproducible: fixed wall clock, counter-based random bytes. */
export function fixedWriter(site: string, wallMs: number, opts: { signing?: Parameters<typeof createEventWriter>[0]['signing'] } = {}): { writer: EventWriter; tick(ms: number): void } {
  let wall = wallMs;
  let n = 0;
  const writer = createEventWriter({
    site: siteId(site),
    clock: createHybridClock({ wallClock: () => wall }),
    random: () => {
      n += 1;
      const bytes = new Uint8Array(16);
      for (let i = 0; i < 16; i++) bytes[i] = (n * 31 + i * 7 + site.length) & 0xff;
      return bytes;
    },
    ...(opts.signing ? { signing: opts.signing } : {}),
  });
  return { writer, tick: (ms) => void (wall += ms) };
}

export const PATIENT = streamId('patient/0192f5b4-7a3e-7c6e-9d2a-4f1e8b3c5a77');
export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0, 0);
