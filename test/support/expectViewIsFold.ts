import { expect } from 'vitest';
import { combineStateHashes, emptyStreamState, fold, stateHash, streamId, type ChartEvent, type ChartView, type Json, type Schema } from '../../src/index.js';
import { isFoldable } from '../../src/chart/applyEvent.js';
import { eventKeyOf, type EventKey } from '../../src/chart/eventKey.js';
import { RETRACTION_EVENT } from '../../src/merge/schema.js';
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
    // A resource's version: the latest event that wrote it and was not retracted.
    const retracted = new Set<string>(state.retracted);
    const latest = new Map<string, EventKey>();
    for (const e of events) {
      if (e.stream !== stream || e.type === RETRACTION_EVENT || retracted.has(e.id) || !isFoldable(e, schema)) continue;
      for (const key of Object.keys(e.data)) if ((latest.get(key) ?? '') < eventKeyOf(e)) latest.set(key, eventKeyOf(e));
    }
    for (const key of Object.keys(state.resources)) expect(view.lastWrite(stream, key), `${what}: lastWrite(${stream}, ${key})`).toBe(latest.get(key));
  }
  expect(view.streams(), `${what}: streams()`).toEqual([...expected.keys()]);
  expect(view.conflictStreams(), `${what}: conflictStreams()`).toEqual([...expected].filter(([, s]) => s.conflicts.length > 0).map(([stream]) => stream));
  expect(view.hash(), `${what}: hash()`).toBe(combineStateHashes(expected));
  expect(view.size, `${what}: size`).toBe(new Set(events.map((e) => e.id)).size);
  expect(view.state(UNWRITTEN), `${what}: an unwritten stream`).toBeUndefined();
  expect(view.stateHash(UNWRITTEN)).toBe(stateHash(emptyStreamState(UNWRITTEN)));
}
