/**
 * Sites for replication tests: each with its own keys and a deterministic clock,
 * and a keyring trusting every site of the network.
 */
import type { KeyObject } from 'node:crypto';
import {
  createHybridClock,
  createKeyring,
  createMemoryEventLog,
  createReplica,
  eventIdOf,
  fold,
  generateSiteKeys,
  streamId,
  type ChartEvent,
  type ChartlogError,
  type EventDraft,
  type EventLog,
  type Replica,
  type SiteKeys,
  type StreamId,
} from '../../src/index.js';
import { combineStateHashes } from '../../src/chart/stateHash.js';
import { type QuarantinedFork } from '../../src/replica/forkQuarantine.js';
import { testSchema, TEST_EVENT_TYPE } from '../../src/testing/index.js';
import { readAllEvents } from '../../src/store/readEventPages.js';
import { expect } from 'vitest';

export const T0 = Date.UTC(2024, 6, 19, 8, 0, 0, 0);
export const STREAMS: readonly StreamId[] = [
  streamId('patient/ann-jones'),
  streamId('patient/bob-smith'),
  streamId('schedule/hub-clinic'),
];

// Key generation is the slowest part of setting up a site: do it once per name.
const keyCache = new Map<string, SiteKeys>();
export function keysOf(site: string): SiteKeys {
  let keys = keyCache.get(site);
  if (!keys) keyCache.set(site, (keys = generateSiteKeys()));
  return keys;
}

/** Public keys of `sites`, for a keyring. */
export function publicKeys(sites: readonly string[]): Record<string, KeyObject> {
  return Object.fromEntries(sites.map((s) => [s, keysOf(s).publicKey]));
}

export interface SiteOptions {
  /** Every site of the network (trusted by the keyring). */
  readonly network: readonly string[];
  readonly store?: EventLog;
  readonly restoredFromBackup?: boolean;
  /** Peers a site in recovery must hear from (default: every other site of the network). */
  readonly recoveryPeers?: readonly string[];
  readonly signEvery?: number;
  /** Offset of this site's simulated wall clock, in ms. */
  readonly clockOffsetMs?: number;
  /**
   * Varies what this replica writes: its clock starts `seed` ms later, so two replicas of
   * one site with different seeds write different histories (a fork, a restored site).
   * Event ids cannot differ otherwise: they are derived from (site, seq). @defaultValue `0`
   */
  readonly seed?: number;
  /** `false`: a replica without signatures. */
  readonly integrity?: boolean;
  /** Called once per newly quarantined fork. */
  readonly onFork?: (fork: QuarantinedFork) => void;
  /** Damage the replica found in what it keeps in its store. */
  readonly onDamage?: (damage: ChartlogError) => void;
}

/** Opens a replica for `site` on a memory store (or the given one) with a simulated clock. */
export async function openSite(site: string, options: SiteOptions): Promise<Replica> {
  let wall = T0 + (options.clockOffsetMs ?? 0) + (options.seed ?? 0);
  return createReplica({
    site,
    keys: keysOf(site),
    store: options.store ?? createMemoryEventLog(),
    schema: testSchema,
    keyring: createKeyring(publicKeys(options.network)),
    clock: createHybridClock({ wallClock: () => (wall += 1000) }),
    wallClock: () => wall,
    ...(options.restoredFromBackup ? { restoredFromBackup: true } : {}),
    ...(options.recoveryPeers ? { recoveryPeers: options.recoveryPeers } : {}),
    ...(options.signEvery ? { signEvery: options.signEvery } : {}),
    ...(options.integrity === false ? { integrity: false } : {}),
    ...(options.onFork ? { onFork: options.onFork } : {}),
    ...(options.onDamage ? { onDamage: options.onDamage } : {}),
  });
}

/** A write to an Item of one of {@link STREAMS}: number `n` of `site`. */
export function draft(
  site: string,
  n: number,
  stream: StreamId = STREAMS[n % STREAMS.length] as StreamId,
): EventDraft {
  return {
    stream,
    type: TEST_EVENT_TYPE,
    data: { [`Item/r${n % 5}`]: { lww: `${site} #${n}`, max: n, log: `note ${n} from ${site}` } },
    author: { id: `clinician-${site}`, role: 'gp' },
  };
}

/** Records `count` events at a replica; returns them. */
export async function recordMany(replica: Replica, count: number, stream?: StreamId): Promise<ChartEvent[]> {
  const out: ChartEvent[] = [];
  for (let i = 0; i < count; i++)
    out.push(await replica.record(draft(replica.site, out.length + replica.chart.size, stream)));
  return out;
}

/** Every event a replica's store holds. */
export async function allEvents(replica: Replica): Promise<ChartEvent[]> {
  return readAllEvents(replica.store);
}

/** The state hash of a batch fold of `events` (the reference every replica must equal). */
export function foldHash(events: Iterable<ChartEvent>): string {
  return combineStateHashes(fold(events, testSchema));
}

/**
 * A copy of `event` as it would arrive from the network, with `change` applied and, unless
 * the change set the id itself, the id derived again from the new content: a careful
 * forger's copy, which gets past the id check (any alteration changes the id) to the
 * chain and signature checks these tests are about.
 */
export function tampered(event: ChartEvent, change: (e: Record<string, unknown>) => void): ChartEvent {
  const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  change(copy);
  if (copy['id'] === event.id) {
    const { id: _id, sig: _sig, ...rest } = copy;
    copy['id'] = eventIdOf(rest as never);
  }
  return copy as unknown as ChartEvent;
}

/** Asserts every replica holds the union of all their events and shows the batch fold of it. */
export async function expectConverged(replicas: readonly Replica[]): Promise<void> {
  const union = new Map(
    (await Promise.all(replicas.map(allEvents))).flat().map((e) => [`${e.site}:${e.seq}`, e]),
  );
  const reference = foldHash(union.values());
  for (const r of replicas) {
    expect(await r.store.count(), r.site).toBe(union.size);
    expect(r.chart.hash(), r.site).toBe(reference);
  }
}
