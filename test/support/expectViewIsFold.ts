import { expect } from 'vitest';
import { combineStateHashes, emptyStreamState, fold, stateHash, streamId, type ChartEvent, type ChartView, type Json, type Schema } from '../../src/index.js';
import { diffJson } from '../../src/testing/index.js';

/** A stream no scenario writes: its state must read as empty. */
const UNWRITTEN = streamId('patient/never-written');

/**
 * Checks that a projection shows exactly the pure fold of `events` under `schema`: every
 * stream's state and state hash, the stream list, the conflict index, the replica hash
 * and the event count. Fails with a per-path diff naming `what`.
 */
export function expectViewIsFold(view: ChartView, events: readonly ChartEvent[], schema: Schema, what: string): void {
  const expected = fold(events, schema);
  for (const [stream, state] of expected) {
    const differences = diffJson(state as unknown as Json, view.state(stream) as unknown as Json, { max: 6 });
    if (differences.length > 0) throw new Error(`${what}: the state of ${stream} differs from the fold (expected → actual):\n${differences.map((d) => `  ${d}`).join('\n')}`);
    expect(view.stateHash(stream), `${what}: stateHash(${stream})`).toBe(stateHash(state));
  }
  expect(view.streams(), `${what}: streams()`).toEqual([...expected.keys()]);
  expect(view.conflictStreams(), `${what}: conflictStreams()`).toEqual([...expected].filter(([, s]) => s.conflicts.length > 0).map(([stream]) => stream));
  expect(view.hash(), `${what}: hash()`).toBe(combineStateHashes(expected));
  expect(view.size, `${what}: size`).toBe(new Set(events.map((e) => e.id)).size);
  expect(view.state(UNWRITTEN), `${what}: an unwritten stream`).toBeUndefined();
  expect(view.stateHash(UNWRITTEN)).toBe(stateHash(emptyStreamState(UNWRITTEN)));
}
