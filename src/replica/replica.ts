import { createPublicKey } from 'node:crypto';
import type { ChartView } from '../chart/chartView.js';
import { readConflicts, type Conflict, type ListConflictsOptions } from '../chart/conflicts.js';
import { historyOf, type HistoryEntry } from '../chart/history.js';
import { ChartlogError } from '../error/chartlogError.js';
import type { ChartEvent } from '../event/chartEvent.js';
import { createEncodingHandover } from '../event/encodingHandover.js';
import { createEventWriter, type EventDraft, type EventWriter } from '../event/eventWriter.js';
import { createHybridClock, type HybridClock } from '../event/hybridClock.js';
import { isSiteId, type SiteId, type StreamId } from '../event/ids.js';
import { signEvent, type SiteKeys } from '../event/signature.js';
import { DEFAULT_MAX_EVENT_BYTES } from '../event/validateEvent.js';
import type { Schema } from '../merge/schema.js';
import type { EventLog, VersionVector } from '../store/eventLog.js';
import type { ProjectionProgress } from '../store/storeProjection.js';
import {
  generateSyncMessage as generateStep,
  syncRanges,
  type SyncOptions,
} from '../sync/generateSyncMessage.js';
import { receiveSyncMessage as receiveStep } from '../sync/receiveSyncMessage.js';
import { parseSyncMessage, type SyncMessage } from '../sync/syncMessage.js';
import { stopAskingForRefused, type SyncState } from '../sync/syncState.js';
import { seqOf } from '../sync/versionVector.js';
import { readForkMarker, writeForkMarker } from './forkMarker.js';
import { checkOwnKey } from './checkOwnKey.js';
import { createForkQuarantine, type QuarantinedFork } from './forkQuarantine.js';
import { ingestEvents } from './ingestEvents.js';
import type { IngestReport } from '../sync/ingestReport.js';
import { createKeyring, type Keyring } from './keyring.js';
import { createRecoveryGuard, describeRecovery, type ReplicaRecovery } from './recoveryGuard.js';
import { readRecoveryMarker, storedRecoveryOf, writeRecoveryMarker } from './recoveryMarker.js';
import { openReplicaProjection } from './replicaProjection.js';
import { createSerialQueue } from './serialQueue.js';

/** Options for {@link createReplica}. */
export interface ReplicaOptions {
  /** This site's id. */
  readonly site: string;
  /** This site's Ed25519 key pair: the private key signs its heads. */
  readonly keys: SiteKeys;
  /** Where the site's events live; the replica is its only writer. The caller owns (and closes) it. */
  readonly store: EventLog;
  /** The schema the chart folds with. */
  readonly schema: Schema;
  /** Trusted sites' public keys; the site's own key is added. @defaultValue a keyring with only this site */
  readonly keyring?: Keyring;
  /**
   * The site's clock; it observes everything stored (so no further ahead than its skew bound).
   * @defaultValue a new hybrid clock on `Date.now`
   */
  readonly clock?: HybridClock;
  /** Sign a head at least every this many own events (and before answering a sync). @defaultValue `256` */
  readonly signEvery?: number;
  /** Largest canonical event recorded or accepted, in bytes. @defaultValue 1 MiB */
  readonly maxEventBytes?: number;
  /**
   * The store was restored from a backup: start in recovery and refuse to record until
   * every peer of {@link ReplicaOptions.recoveryPeers} has been heard from with nothing
   * more of this site's events to give, and the store holds every own event a peer has
   * shown (docs/architecture.md, "Replication"), or {@link Replica.markRecovered}.
   *
   * Recovery, whatever started it, is kept in the store (the `chartlog.recovery` marker,
   * see `EventLog.putMarker`) until it ends: a replica opened again on a store whose
   * marker is set starts recovering even without this option, and must hear from every
   * peer again. A store without markers keeps recovery in memory only. @defaultValue `false`
   */
  readonly restoredFromBackup?: boolean;
  /**
   * The peers (site ids, or a hub's name) a replica in recovery must hear from before it
   * records again: each must send a message, on a connection that names it (see
   * `SyncState.peer`; `syncPair`, `syncWithHub`, the HTTP handler and `syncOverHttp` name
   * it), showing it holds no more of this site's events than the store now does. List
   * the peers this site syncs with directly; a peer that never talks to it would keep it
   * recovering until {@link Replica.markRecovered}. With an empty list, any one peer heard
   * from is enough. @defaultValue every other site of the keyring, read when checked
   */
  readonly recoveryPeers?: readonly string[];
  /**
   * Called once per newly quarantined fork (page an operator): not again when the same
   * other history is offered again, even at a later seq or after a restart. @defaultValue none
   */
  readonly onFork?: (fork: QuarantinedFork) => void;
  /**
   * Called when something the replica keeps in its store could not be read and was worked
   * around, with a `STORE_CORRUPT` error: a `chartlog.forks` marker that is not JSON, or
   * entries of it this version does not understand, are left out of {@link Replica.forks}
   * and the replica opens all the same. @defaultValue none (the damage is not reported)
   */
  readonly onDamage?: (damage: ChartlogError) => void;
  /** Wall clock for quarantine timestamps. @defaultValue `Date.now` */
  readonly wallClock?: () => number;
  /**
   * `false` runs without signatures: heads are not signed, sync runs are not cut at
   * signed heads, and ingest accepts runs without checking a signature. Hash chains are
   * still kept and checked (they are the log's structure). Only for replicas that trust
   * each other's links end to end (one process, one operator), and every replica of the
   * network must agree: a signing replica refuses unsigned runs. @defaultValue `true`
   */
  readonly integrity?: boolean;
  /** Refusals an {@link IngestReport} lists as examples (all are counted, per code). @defaultValue `20` */
  readonly maxRefusalExamples?: number;
  /**
   * Bound of the projection's cache of loaded streams, in estimated heap bytes (about three
   * per byte of a resource's canonical JSON, parsed or not): what keeps a practice-sized
   * replica's memory flat however many records it reads. @defaultValue 32 MiB
   */
  readonly cacheBytes?: number;
  /**
   * Progress of the projection's rebuild or catch-up when the replica opens (a new schema, events stored
   * without it).
   * @defaultValue none
   */
  readonly onProgress?: (progress: ProjectionProgress) => void;
}

/**
 * `ready`: records freely. `recovering`: the store may hold fewer of this site's own
 * events than its peers (restored from a backup, or a peer proved it with the site's own
 * signature), or a second history of the site was found; recording is refused until
 * {@link Replica.recovery} is resolved.
 */
export type ReplicaStatus = 'ready' | 'recovering';

/**
 * One site's full replica (docs/architecture.md, "Replication"): identity and keys, clock, store, chart, and the
 * ingest pipeline. Records with no peer reachable; syncs with any number of peers
 * through the pure steps of `src/sync`, one {@link SyncState} per peer connection.
 */
export interface Replica {
  /** This site. */
  readonly site: SiteId;
  /**
   * The projection of everything held: the store's persisted projection (docs/architecture.md, "The persisted projection"),
   * streams loaded on first read into a bounded cache. Synchronous reads.
   */
  readonly chart: ChartView;
  /** The store. */
  readonly store: EventLog;
  /** Trusted sites' keys. */
  readonly keyring: Keyring;
  /** The site's clock. */
  readonly clock: HybridClock;
  /** Whether recording is allowed. */
  readonly status: ReplicaStatus;
  /** Why the replica is recovering, and what it waits for; undefined when `ready`. */
  readonly recovery: ReplicaRecovery | undefined;
  /**
   * Records one event: signs a head every `signEvery` events, stores it, applies it.
   * @throws ChartlogError `REPLICA_RECOVERING`, `MALFORMED_EVENT` / `OVERSIZE`, or a store error.
   */
  record(draft: EventDraft): Promise<ChartEvent>;
  /** Records several events atomically. */
  recordAll(drafts: readonly EventDraft[]): Promise<ChartEvent[]>;
  /**
   * Every open conflict (the clinician review queue), or a page of it (`limit`, `after`),
   * from the projection's conflict index, each competing write with its full author read
   * from the store.
   * @throws ChartlogError `INVALID_OPTION` when `limit` is not a positive whole number.
   */
  conflicts(options?: ListConflictsOptions): Promise<Conflict[]>;
  /** The audit trail of one field (see `historyOf`), from the stream's events read by its stream index. */
  history(stream: StreamId, resource: string, field: string): Promise<HistoryEntry[]>;
  /** Checks and takes in events from a peer; never throws on bad input (see {@link IngestReport}). */
  ingest(events: unknown): Promise<IngestReport>;
  /** Signs this site's chain head if it is not signed yet and returns it; undefined before its first event. */
  signHead(): Promise<ChartEvent | undefined>;
  /** The store's version vector. */
  versionVector(): Promise<VersionVector>;
  /** The next message for a peer (signs the head first, reads the events to send); `null` when there is nothing to say. */
  generateSyncMessage(state: SyncState, options?: SyncOptions): Promise<[SyncState, SyncMessage | null]>;
  /**
   * Takes in a peer's message (untrusted JSON is checked) and ingests its events.
   * @throws ChartlogError `MALFORMED_MESSAGE` when the message itself is malformed.
   */
  receiveSyncMessage(state: SyncState, message: unknown): Promise<[SyncState, IngestReport]>;
  /**
   * Forks quarantined so far, oldest first, for an operator: at most `MAX_FORKS_PER_SITE`
   * per site. Kept in the store (the `chartlog.forks` marker, see `EventLog.putMarker`:
   * hashes, seqs and times, not the offered events) so a reopened replica still lists them;
   * those read back have an empty `offered`. A store without markers keeps them in memory only.
   */
  forks(): readonly QuarantinedFork[];
  /**
   * Operator override: allow recording now, although recovery has not been confirmed by
   * every peer (or an own-site fork was found). Recording may then reuse seqs a peer
   * holds (`recovery.shownOwnSeq` tells how far): that is reported as a fork. Clears the
   * store's recovery marker; resolves once that is done.
   */
  markRecovered(): Promise<void>;
}

/**
 * Opens a replica on a store: opens the store's persisted projection (reading no events
 * when it is current; see {@link ReplicaOptions.onProgress} for a rebuild), advances the
 * clock past every stored stamp, and picks up the site's chain head.
 *
 * @example
 * ```ts
 * const replica = await createReplica({ site: 'practice-a', keys, store: createMemoryEventLog(), schema: clinicalSchema, keyring });
 * await replica.record(registerPatient(replica.chart.state(patientStream(id)), input));
 * const [state, message] = await replica.generateSyncMessage(initSyncState());
 * ```
 */
export async function createReplica(options: ReplicaOptions): Promise<Replica> {
  if (!isSiteId(options.site))
    throw new ChartlogError('INVALID_OPTION', `not a site id: ${JSON.stringify(options.site)}`);
  const site = options.site;
  const { store, keys } = options;
  if (!createPublicKey(keys.privateKey).equals(keys.publicKey))
    throw new ChartlogError('INVALID_OPTION', 'keys.privateKey does not belong to keys.publicKey');
  const keyring = options.keyring ?? createKeyring();
  keyring.set(site, keys.publicKey);
  const signEvery = options.signEvery ?? 256;
  const integrity = options.integrity ?? true;
  // A wrong key pair would sign events no peer accepts: refuse it before anything is recorded.
  if (integrity) await checkOwnKey(store, site, keys.publicKey);
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const wallClock = options.wallClock ?? Date.now;
  const keptForks = await readForkMarker(store);
  if (keptForks.damage !== undefined) options.onDamage?.(keptForks.damage);
  let forksChanged = false;
  const quarantine = createForkQuarantine(
    (fork) => {
      forksChanged = true;
      // A second history signed with our own key: our store and a peer's disagree about us.
      if (fork.site === site) guard.ownFork();
      options.onFork?.(fork);
    },
    { known: keptForks.forks },
  );
  const serial = createSerialQueue();

  const projection = await openReplicaProjection(store, options.schema, {
    cacheBytes: options.cacheBytes,
    onProgress: options.onProgress,
  });
  const chart = projection.chart;
  const maxHlc = projection.latestStamp;
  const clock = options.clock ?? createHybridClock();
  // Every stored stamp, our own included, through the bounded observe: one a peer sent
  // from year 9999 must not become our clock at the next start.
  if (maxHlc !== undefined) clock.observe(maxHlc);

  // What the writer encoded, handed to the append that follows, so an event is encoded once.
  const encodings = createEncodingHandover();
  let writer: EventWriter;
  let ownHead: ChartEvent | undefined;
  const reopenWriter = async (): Promise<void> => {
    const head = await store.head(site);
    ownHead = head.seq > 0 ? await store.get(site, head.seq) : undefined;
    writer = createEventWriter({
      site,
      clock,
      head,
      maxBytes: maxEventBytes,
      encodings,
      ...(integrity ? { signing: { privateKey: keys.privateKey, every: signEvery } } : {}),
    });
  };
  await reopenWriter();
  const ownSeq = (): number => ownHead?.seq ?? 0;
  // A recovery an earlier run kept in the store goes on: a restart must not clear it.
  const resume = await readRecoveryMarker(store);
  const guard = createRecoveryGuard({
    site,
    held: ownSeq(),
    restoredFromBackup: options.restoredFromBackup === true,
    ...(resume !== undefined ? { resume } : {}),
    peers: () => options.recoveryPeers ?? keyring.sites(),
  });
  let kept = JSON.stringify(resume ?? null);
  // Called (inside the serial queue) after anything that may move the guard in or out of recovery.
  const keepRecovery = async (): Promise<void> => {
    const now = storedRecoveryOf(guard.recovery);
    const text = JSON.stringify(now ?? null);
    if (text === kept) return;
    await writeRecoveryMarker(store, now);
    kept = text;
  };
  await keepRecovery();

  const ctx = {
    store,
    stored: projection.stored,
    keyring,
    clock,
    quarantine,
    maxEventBytes,
    wallClock,
    requireSignatures: integrity,
    ...(options.maxRefusalExamples !== undefined ? { maxRefusalExamples: options.maxRefusalExamples } : {}),
  };
  const ingestNow = async (events: unknown): Promise<IngestReport> => {
    const heldBefore = ownSeq();
    const { advanced, verified, ...report } = await ingestEvents(ctx, events);
    if (forksChanged) {
      // Kept before anything else: an operator must find the fork after a crash.
      await writeForkMarker(store, quarantine.list());
      forksChanged = false;
    }
    // Our own events taken back from a peer (recovery): the chain continues after them.
    if (advanced.has(site)) await reopenWriter();
    // Only a run of our own events that our key vouches for says anything about our seq.
    const shown = verified.get(site);
    if (shown !== undefined) guard.shown(shown, heldBefore);
    guard.held(ownSeq());
    await keepRecovery();
    return report;
  };

  const replica: Replica = {
    site,
    chart,
    store,
    keyring,
    clock,
    get status() {
      return guard.recovery === undefined ? 'ready' : 'recovering';
    },
    get recovery() {
      return guard.recovery;
    },
    async record(draft) {
      return (await replica.recordAll([draft]))[0] as ChartEvent;
    },
    recordAll: (drafts) =>
      serial(async () => {
        const recovery = guard.recovery;
        if (recovery !== undefined)
          throw new ChartlogError('REPLICA_RECOVERING', describeRecovery(site, recovery), {
            details: { site, ...recovery },
          });
        const events = writer.appendAll(drafts);
        try {
          await store.append(events, { encodings });
        } catch (error) {
          await reopenWriter(); // the writer ran ahead of the store: put it back
          throw error;
        }
        projection.stored(events);
        ownHead = events[events.length - 1] ?? ownHead;
        guard.held(ownSeq());
        return events;
      }),
    conflicts: (conflictOptions) =>
      readConflicts(chart, async (w) => (await store.get(w.site, w.seq))?.author, conflictOptions),
    history: async (stream, resource, field) =>
      historyOf(chart.state(stream), await store.readStream(stream), chart.schema, resource, field),
    ingest: (events) => serial(() => ingestNow(events)),
    signHead: () =>
      serial(async () => {
        if (ownHead === undefined || ownHead.sig !== undefined || !integrity) return ownHead;
        const signed = signEvent(ownHead, keys.privateKey);
        await store.append([signed]); // a duplicate that brings a signature: the store keeps it
        ownHead = signed;
        return signed;
      }),
    versionVector: () => store.versionVector(),
    async generateSyncMessage(state, syncOptions = {}) {
      await replica.signHead();
      const vector = await store.versionVector();
      const runs = new Map<string, ChartEvent[]>();
      for (const r of syncRanges(state, vector, syncOptions, site))
        runs.set(r.site, await store.readSite(r.site, r.from, r.to - r.from + 1));
      return generateStep(
        { vector, site, events: (r) => runs.get(r.site) ?? [] },
        state,
        integrity ? syncOptions : { ...syncOptions, signedHeads: false },
      );
    },
    async receiveSyncMessage(state, message) {
      const [afterReceive, received] = receiveStep(state, parseSyncMessage(message));
      return serial(async () => {
        const report = await ingestNow(received.events);
        const next = await stopAskingForRefused(afterReceive, report, () => store.versionVector());
        // The peer's claim about our seq is not proof: it only tells whether it is done showing.
        guard.heard(state.peer, seqOf(received.peerVector, site), ownSeq());
        await keepRecovery();
        return [next, report];
      });
    },
    forks: () => quarantine.list(),
    markRecovered: () =>
      serial(async () => {
        guard.markRecovered();
        await keepRecovery();
      }),
  };
  return replica;
}
