import { expect } from 'vitest';
import {
  fold,
  stateHash,
  streamId,
  type ChartEvent,
  type ChartView,
  type Json,
  type LocatedResource,
  type Schema,
  type StreamId,
  type StreamState,
} from '../../src/index.js';
import { combineStateHashes } from '../../src/chart/stateHash.js';
import { emptyStreamState } from '../../src/chart/streamState.js';
import { isFoldable } from '../../src/chart/applyEvent.js';
import { eventKeyOf, type EventKey } from '../../src/chart/eventKey.js';
import { RETRACTION_EVENT } from '../../src/merge/schema.js';
import { diffJson } from '../../src/testing/index.js';

/** A stream no scenario writes: its state must read as empty. */
const UNWRITTEN = streamId('patient/never-written');
/** A resource type no scenario writes: no stream holds a key of it. */
const UNHELD_TYPE = 'NeverWritten';

/**
 * Checks that a projection shows exactly the pure fold of `events` under `schema`: every
 * stream's state and state hash, the stream list, the conflict index, the replica hash
 * the resource-key index (`locate`, `resourceKeys`) and the event count. Fails with a
 * per-path diff naming `what`.
 */
export function expectViewIsFold(
  view: ChartView,
  events: readonly ChartEvent[],
  schema: Schema,
  what: string,
): void {
  const expected = fold(events, schema);
  for (const [stream, state] of expected) {
    const differences = diffJson(state as unknown as Json, view.state(stream) as unknown as Json, { max: 6 });
    if (differences.length > 0)
      throw new Error(
        `${what}: the state of ${stream} differs from the fold (expected → actual):\n${differences.map((d) => `  ${d}`).join('\n')}`,
      );
    expect(view.stateHash(stream), `${what}: stateHash(${stream})`).toBe(stateHash(state));
    // A resource's version: the latest event that wrote it and was not retracted.
    const retracted = new Set<string>(state.retracted);
    const latest = new Map<string, EventKey>();
    for (const e of events) {
      if (e.stream !== stream || e.type === RETRACTION_EVENT || retracted.has(e.id) || !isFoldable(e, schema))
        continue;
      for (const key of Object.keys(e.data))
        if ((latest.get(key) ?? '') < eventKeyOf(e)) latest.set(key, eventKeyOf(e));
    }
    for (const key of Object.keys(state.resources))
      expect(view.lastWrite(stream, key), `${what}: lastWrite(${stream}, ${key})`).toBe(latest.get(key));
  }
  expectIndexIsScan(view, expected, what);
  expect(view.streams(), `${what}: streams()`).toEqual([...expected.keys()]);
  expect(view.conflictStreams(), `${what}: conflictStreams()`).toEqual(
    [...expected].filter(([, s]) => s.conflicts.length > 0).map(([stream]) => stream),
  );
  expect(view.hash(), `${what}: hash()`).toBe(combineStateHashes(expected));
  expect(view.size, `${what}: size`).toBe(new Set(events.map((e) => e.id)).size);
  expect(view.state(UNWRITTEN), `${what}: an unwritten stream`).toBeUndefined();
  expect(view.stateHash(UNWRITTEN)).toBe(stateHash(emptyStreamState(UNWRITTEN)));
}

/**
 * The resource-key index equals a scan of every stream's state: `locate` of every key held
 * (and of a key no stream holds), and `resourceKeys` of every type, whole, paged and per stream.
 */
export function expectIndexIsScan(
  view: ChartView,
  expected: ReadonlyMap<StreamId, StreamState>,
  what: string,
): void {
  const holders = new Map<string, StreamId[]>();
  for (const [stream, state] of expected)
    for (const key of Object.keys(state.resources)) holders.set(key, [...(holders.get(key) ?? []), stream]);
  for (const [key, streams] of holders)
    expect(view.locate(key), `${what}: locate(${key})`).toEqual([...streams].sort());
  expect(view.locate(`${UNHELD_TYPE}/x`), `${what}: locate of a key no stream holds`).toEqual([]);
  const types = new Set([...holders.keys()].map((key) => key.slice(0, key.indexOf('/'))));
  for (const type of [...types, UNHELD_TYPE]) {
    const entries = [...holders]
      .filter(([key]) => key.startsWith(`${type}/`))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([key, streams]) => [...streams].sort().map((stream) => ({ stream, key })));
    expect(view.resourceKeys(type), `${what}: resourceKeys(${type})`).toEqual(entries);
    // Paged two at a time: the pages, joined, are the whole list.
    const paged: LocatedResource[] = [];
    for (let page = view.resourceKeys(type, { limit: 2 }); page.length > 0;) {
      paged.push(...page);
      if (page.length < 2) break;
      page = view.resourceKeys(type, { after: (page[page.length - 1] as LocatedResource).key, limit: 2 });
    }
    expect(paged, `${what}: resourceKeys(${type}) in pages of 2`).toEqual(entries);
    // One stream's keys of the type: that stream's share of the list, in the same order.
    for (const stream of expected.keys())
      expect(
        view.resourceKeys(type, { stream }),
        `${what}: resourceKeys(${type}, { stream: ${stream} })`,
      ).toEqual(entries.filter((e) => e.stream === stream));
  }
}
