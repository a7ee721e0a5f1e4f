import { BACKWARDS, END, EventStoreDBClient, jsonEvent, type RecordedEvent } from '@eventstore/db-client';
import { ChartlogError } from '../../error/chartlogError.js';
import { compareEvents, type ChartEvent } from '../../event/chartEvent.js';
import { eventHash } from '../../event/eventHash.js';
import type { SiteHead } from '../../event/eventWriter.js';
import { isSiteId, type SiteId, type StreamId } from '../../event/ids.js';
import type { Json } from '../../event/json.js';
import { planAppend, takenPositions, type StoredRef } from '../checkAppend.js';
import { createDamageReporter } from '../damageReporter.js';
import type { AppendOptions, AppendResult, EventLog, EventPage, VersionVector } from '../eventLog.js';
import { checkMarkerName } from '../markerName.js';
import { checkFromSeq, checkLimit, storeClosed } from '../positionCursor.js';
import type { StoreProjection, StoreProjectionOptions } from '../storeProjection.js';
import { appendSiteRun } from './appendSiteRun.js';
import { decodeSiteEvent, encodeIndexLink } from './eventCodec.js';
import { readAllPage } from './readAllPage.js';
import { readEvents } from './readEvents.js';
import { createSignatureOverlay } from './signatureOverlay.js';
import { signedSiteEvent, type DamagedSignatureReporter } from './signedSiteEvent.js';
import { createSiteRegistry } from './siteRegistry.js';
import { streamNames, type StreamNames } from './streamNames.js';
import { openEventStoreDbProjection, type EventStoreDbProjection } from './openEventStoreDbProjection.js';
import {
  subscribeToChartEvents,
  type ChartEventsHandler,
  type ChartEventSubscription,
  type ChartEventSubscriptionOptions,
} from './subscribeToChartEvents.js';
import { translateEventStoreDbError } from './translateEventStoreDbError.js';
import { schemaFingerprint } from '../../merge/schemaFingerprint.js';

/** Where the store's EventStoreDB is: your client, or a connection string for one the store creates and disposes. */
export type EventStoreDbConnection =
  | {
      /** A client you created; the store never disposes it. */ readonly client: EventStoreDBClient;
      readonly connectionString?: never;
    }
  | {
      /** e.g. `esdb://node1:2113,node2:2113,node3:2113?tls=true`; the store disposes its client on close. */
      readonly connectionString: string;
      readonly client?: never;
    };

/** Options for {@link createEventStoreDbEventLog}. */
export type EventStoreDbEventLogOptions = EventStoreDbConnection & {
  /** First part of every stream name, so several stores share one database. @defaultValue `'chartlog'` */
  readonly prefix?: string;
  /** Largest canonical event accepted, in bytes. @defaultValue 1 MiB */
  readonly maxEventBytes?: number;
  /** Largest single append request, in bytes of event data; keep it under the node's `MaxAppendSize`. @defaultValue 900 KiB */
  readonly maxAppendBytes?: number;
  /**
   * Most `$all` records one `readAll` call scans (other streams' records count too) before it returns a
   * partial page.
   * @defaultValue 10 000
   */
  readonly readAllScanLimit?: number;
  /**
   * The local SQLite file that {@link EventStoreDbEventLog.openProjection} keeps the
   * projection in (created if missing; one process at a time, it takes `<file>.lock`).
   * Without it the projection is kept in memory and rebuilt from every event at each
   * open. @defaultValue none: in memory
   */
  readonly projectionFile?: string;
  /**
   * Told when a fold the subscription started (to take in another process's events)
   * fails; the next append or subscription delivery tries again from the checkpoint.
   * @defaultValue a Node process warning (code `CHARTLOG_PROJECTION`)
   */
  readonly onProjectionError?: (error: ChartlogError) => void;
};

/** An {@link EventLog} on EventStoreDB/KurrentDB, with a catch-up subscription. */
export interface EventStoreDbEventLog extends EventLog {
  /** The client in use. */
  readonly client: EventStoreDBClient;
  /** The names of the streams this store writes. */
  readonly streams: StreamNames;
  /**
   * Delivers every event after `from` (a `readAll` or subscription cursor; the start when
   * undefined), then each new event appended by any process to the same database, until
   * closed; resumes from its cursor after a dropped connection.
   * @throws ChartlogError `INVALID_OPTION` for a cursor this store never issued, `STORE_CLOSED`.
   */
  subscribe(
    from: string | undefined,
    onEvents: ChartEventsHandler,
    options?: ChartEventSubscriptionOptions,
  ): ChartEventSubscription;
  /**
   * Subscribes to damaged signatures found by reads, the subscription's deliveries
   * included (see {@link EventLog.onDamage}; `details` are `{ stream, site, seq, part: 'sig' }`,
   * `stream` being the site stream or `<prefix>-signatures`, whichever held it); returns the
   * unsubscribe. While no one listens, each damaged signature is reported once as a Node
   * process warning (code `CHARTLOG_STORE_CORRUPT`).
   */
  onDamage(listener: (damage: ChartlogError) => void): () => void;
  /**
   * See {@link EventLog.openProjection}: a read model in a local SQLite file
   * (`projectionFile`; in memory without it, rebuilt at each open), fed from `$all` with
   * its checkpoint (the `readAll` cursor after the last event folded) kept in the same
   * file and written in the same local transaction as the rows it folds.
   *
   * Opening rebuilds it (from `$all`, with progress) when it was folded with another
   * schema, never finished a rebuild, or its last folded event is no longer in the
   * database (another database, a restore); else it catches up from the checkpoint.
   * Once open: every `append` of this store resolves only after the projection shows
   * its events (read-your-writes); events other processes append are folded as the
   * store's catch-up subscription sees them (reads are synchronous, so they cannot
   * catch up first). The checkpoint alone decides what is folded: nothing twice.
   *
   * A projection file that fails its hash checks on a read gives `STORE_CORRUPT` with
   * its path and the hint to `rebuild()` or delete it: it is not rebuilt silently, so
   * damage to a disk is seen, and a long rebuild never starts in the middle of a read.
   * A file that is not a projection file, or is another prefix's, is refused
   * (`STORE_INCOMPATIBLE`) and left untouched.
   *
   * @throws ChartlogError `INVALID_OPTION` (a projection with another schema is already
   *   open), `STORE_INCOMPATIBLE`, `STORE_CORRUPT`, `STORE_LOCKED` (another process holds
   *   the file), `STORE_UNAVAILABLE`, with `details.path`.
   * @example
   * ```ts
   * const log = await createEventStoreDbEventLog({ connectionString, projectionFile: './practice-a.projection' });
   * const chart = await log.openProjection({ schema: clinicalSchema });
   * await log.append(events);
   * chart.state(stream); // shows them
   * ```
   */
  openProjection(options: StoreProjectionOptions): Promise<StoreProjection>;
}

const EMPTY_HEAD: SiteHead = Object.freeze({ seq: 0, hash: null });

/**
 * Opens an {@link EventLog} on EventStoreDB/KurrentDB (docs/architecture.md, "Stores: the EventLog port") through
 * `@eventstore/db-client`: for sites whose replica runs on a 3-node cluster.
 *
 * Layout (see {@link StreamNames}): each site's events go to `<prefix>-site-<site>` at
 * revision seq − 1, appended with that exact expected revision, so the server itself
 * refuses a gap or a second writer, and a retried append is recognised (same event ids
 * at the same revisions) instead of stored twice. Event data is the event's JSON (its
 * canonical encoding re-hashes to the stored hash on every read); metadata holds the
 * hash and any signature. `planAppend` applies the same duplicate/fork/gap/chain rules
 * as every store before anything is written.
 *
 * Signatures: the event hash does not cover `sig`, so each stored signature carries a
 * checksum tied to the event hash (`sigCheck`, see `signatureCheck`), in the event's
 * metadata or in its `<prefix>-signatures` entry (a signature that arrived after its
 * event). Every read checks it: a signature that fails it is left out of the event
 * returned and reported through `onDamage`; the event is kept (its hash vouches for it),
 * and the next copy that carries the signature adds an intact one. A signature stored
 * without a checksum (as this adapter wrote before checksums; no release did) is treated
 * the same way: a check that may be missing would let damage that loses it pass, and any
 * peer's signed copy restores the signature.
 *
 * Reading one record: `<prefix>-stream-<stream>` holds links (`$>`) to its site events,
 * written *before* the site events. So the index always covers what is stored, and
 * there is nothing to repair after a crash: a link whose target was never written (a
 * crash, or a refused append, between the two writes) resolves to nothing, or to an
 * event of another record written there later, and readers drop both; a retried
 * append's links are deduplicated on read. The site registry (`<prefix>-sites`) is
 * written before a site's first event on the same principle.
 *
 * `readAll` pages through `$all` in commit order, keeping this store's site streams;
 * `subscribe` follows the same order live.
 *
 * Atomicity: a batch is checked whole before anything is written, so it is refused
 * whole for any rule. It is then written as one append per run of consecutive events
 * of one site, in batch order (so `$all`, the insertion order, is the batch's order);
 * each append is atomic on the server. EventStoreDB has no multi-stream transaction: if
 * another writer races the batch, or the node fails, between two of those appends, the
 * runs already written stay written — each valid and contiguous — and retrying the
 * batch stores the rest (the written part counts as duplicates).
 *
 * @example
 * ```ts
 * import { createEventStoreDbEventLog } from 'chartlog/eventstoredb';
 * const log = await createEventStoreDbEventLog({ connectionString: 'esdb://localhost:2113?tls=false' });
 * await log.append(events);
 * const sub = log.subscribe(savedCursor, async (events, cursor) => { await apply(events); await save(cursor); });
 * ```
 * @throws ChartlogError `INVALID_OPTION` (bad prefix, connection string), `STORE_UNAVAILABLE` when the database cannot be reached.
 */
export async function createEventStoreDbEventLog(
  options: EventStoreDbEventLogOptions,
): Promise<EventStoreDbEventLog> {
  const names = streamNames(options.prefix ?? 'chartlog');
  const maxAppendBytes = options.maxAppendBytes ?? 900 * 1024;
  const scanLimit = options.readAllScanLimit ?? 10_000;
  const planOptions = options.maxEventBytes === undefined ? {} : { maxEventBytes: options.maxEventBytes };
  const owned = typeof options.connectionString === 'string';
  let client: EventStoreDBClient;
  try {
    client = owned
      ? EventStoreDBClient.connectionString(options.connectionString as string)
      : (options.client as EventStoreDBClient);
  } catch (error) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `not a usable EventStoreDB connection string: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (!client || typeof client.readStream !== 'function')
    throw new ChartlogError(
      'INVALID_OPTION',
      'pass either `client` (an EventStoreDBClient) or `connectionString`',
    );

  const registry = createSiteRegistry(client, names);
  const overlay = createSignatureOverlay(client, names);
  try {
    // Also proves the database answers before the store is handed out.
    await Promise.all([registry.refresh(), overlay.refresh()]);
  } catch (error) {
    if (owned) await client.dispose().catch(() => undefined);
    throw error;
  }

  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  const subscriptions = new Set<ChartEventSubscription>();
  // The read model once openProjection started it; appends fold into it before they resolve.
  let projection: Promise<EventStoreDbProjection> | undefined;
  const ensureOpen = (): void => {
    if (closed) throw storeClosed('eventstoredb event log');
  };
  const guard = async <T>(body: () => Promise<T>): Promise<T> => {
    ensureOpen();
    return body();
  };

  // Damage reads worked around: listeners hear every find; with none, a process warning per event.
  const damage = createDamageReporter();
  const damagedSignature: DamagedSignatureReporter = (stream, site, seq) => {
    const found = new ChartlogError(
      'STORE_CORRUPT',
      `${stream}: the stored signature of ${site} seq ${seq} is damaged (it fails its checksum, or has ` +
        'none); the event is returned without it',
      {
        details: { stream, site, seq, part: 'sig' },
      },
    );
    damage.report(found, `${site}\u0000${seq}`);
  };
  // What reads return: checked, signed only with an intact signature, damage reported.
  const signed = (record: RecordedEvent): ChartEvent =>
    signedSiteEvent(record, names, overlay, damagedSignature);

  // Appends read with `report` false: planning against what is stored is not a read of it.
  const readSiteEvents = async (
    site: SiteId,
    fromSeq: number,
    limit: number,
    report = false,
  ): Promise<ChartEvent[]> => {
    const records = await readEvents(
      client,
      names.site(site),
      { fromRevision: BigInt(fromSeq - 1), maxCount: limit },
      `reading ${site}`,
    );
    return (records ?? []).flatMap((r) =>
      r.event ? [report ? signed(r.event) : signedSiteEvent(r.event, names, overlay)] : [],
    );
  };

  const readHead = async (site: SiteId): Promise<SiteHead> => {
    const last = await readEvents(
      client,
      names.site(site),
      { direction: BACKWARDS, fromRevision: END, maxCount: 1 },
      `reading the head of ${site}`,
    );
    const record = last?.[0]?.event;
    if (!record) return EMPTY_HEAD;
    const event = decodeSiteEvent(record, names);
    return { seq: event.seq, hash: eventHash(event) };
  };

  const appendNow = async (
    events: readonly ChartEvent[],
    appendOptions: AppendOptions,
  ): Promise<AppendResult> => {
    const named = Array.isArray(events)
      ? [...new Set(events.map((e) => (e as { site?: unknown } | null)?.site).filter(isSiteId))]
      : [];
    const heads = new Map(await Promise.all(named.map(async (s) => [s, await readHead(s)] as const)));
    const headOf = (s: SiteId): SiteHead => heads.get(s) ?? EMPTY_HEAD;
    const stored = await storedRefs(takenPositions(events, headOf));
    const plan = planAppend(
      events,
      { head: headOf, stored: (site, seq) => stored.get(`${site}\u0000${seq}`) },
      { ...planOptions, ...appendOptions },
    );

    const fresh = plan.fresh.map((p) => p.event);
    if (fresh.length > 0) {
      const newSites = [...new Set(fresh.filter((e) => headOf(e.site).seq === 0).map((e) => e.site))];
      if (newSites.length > 0) {
        await registry.refresh();
        await registry.register(newSites);
      }
      // Links before events: the index never misses a stored event (see the doc comment).
      await writeIndexLinks(fresh);
      // One append per run of consecutive same-site events, in batch order, so `$all`
      // (the insertion order readAll reports) is the batch's order.
      for (const run of consecutiveRuns(fresh))
        await appendSiteRun(
          { client, names, maxAppendBytes, readHead, readSiteEvents },
          (run[0] as ChartEvent).site,
          run,
        );
    }
    if (plan.signatures.length > 0) {
      await overlay.add(
        plan.signatures.map((s) => ({
          ...s,
          hash: (stored.get(`${s.site}\u0000${s.seq}`) as StoredRef).hash,
        })),
      );
    }
    return { appended: fresh.length, duplicates: plan.duplicates };
  };

  // What the store holds at the batch's taken positions: one range read per site.
  const storedRefs = async (taken: { site: SiteId; seq: number }[]): Promise<Map<string, StoredRef>> => {
    const out = new Map<string, StoredRef>();
    if (taken.length === 0) return out;
    await overlay.refresh();
    const ranges = new Map<SiteId, { min: number; max: number }>();
    for (const { site, seq } of taken) {
      const r = ranges.get(site);
      ranges.set(site, r ? { min: Math.min(r.min, seq), max: Math.max(r.max, seq) } : { min: seq, max: seq });
    }
    await Promise.all(
      [...ranges].map(async ([site, { min, max }]) => {
        for (const e of await readSiteEvents(site, min, max - min + 1)) {
          const hash = eventHash(e);
          // A damaged signature counts as none, so the next signed copy adds an intact one.
          out.set(`${site}\u0000${e.seq}`, { hash, signed: e.sig !== undefined });
        }
      }),
    );
    return out;
  };

  const writeIndexLinks = async (events: readonly ChartEvent[]): Promise<void> => {
    const byStream = new Map<StreamId, ChartEvent[]>();
    for (const e of events) (byStream.get(e.stream) ?? byStream.set(e.stream, []).get(e.stream))?.push(e);
    await Promise.all(
      [...byStream].map(async ([stream, run]) => {
        try {
          await client.appendToStream(
            names.index(stream),
            run.map((e) => encodeIndexLink(e, names)),
          );
        } catch (error) {
          throw translateEventStoreDbError(error, `indexing ${stream}`, names.index(stream));
        }
      }),
    );
  };

  const readStreamNow = async (stream: StreamId): Promise<ChartEvent[]> => {
    const records =
      (await readEvents(client, names.index(stream), { resolveLinkTos: true }, `reading ${stream}`)) ?? [];
    await overlay.refresh();
    const seen = new Set<string>();
    const out: ChartEvent[] = [];
    for (const r of records) {
      const target = r.event;
      // No target: the link's event was never written. Another record's event: a refused append's link.
      if (!target || !target.streamId.startsWith(names.sitePrefix)) continue;
      const key = `${target.streamId}@${target.revision}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const event = signed(target);
      if (event.stream === stream) out.push(event);
    }
    return out.sort(compareEvents);
  };

  const readAllNow = async (cursor: string | undefined, limit: number | undefined): Promise<EventPage> => {
    await overlay.refresh();
    return readAllPage({ client, names, scanLimit, signed }, cursor, limit);
  };

  const versionVector = async (): Promise<VersionVector> => {
    await registry.refresh();
    const heads = await Promise.all(registry.list().map(async (s) => [s, (await readHead(s)).seq] as const));
    return Object.fromEntries(heads.filter(([, seq]) => seq > 0));
  };

  const log: EventStoreDbEventLog = {
    client,
    streams: names,
    append(events, appendOptions = {}) {
      try {
        ensureOpen();
      } catch (error) {
        return Promise.reject(error);
      }
      // One append at a time, in call order: each plans against the heads the previous left.
      // With a projection open, it resolves once the projection shows the batch (read-your-writes);
      // if folding fails, the append rejects though the events are stored: a retry is all duplicates.
      const run = queue.then(async () => {
        const result = await appendNow(events, appendOptions);
        const folding = result.appended > 0 ? await projection?.catch(() => undefined) : undefined;
        await folding?.catchUp();
        return result;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    readSite: (site, fromSeq, limit) =>
      guard(async () => {
        const from = checkFromSeq(fromSeq);
        const n = checkLimit(limit, Number.MAX_SAFE_INTEGER);
        await overlay.refresh();
        return readSiteEvents(site, from, n, true);
      }),
    readStream: (stream) => guard(() => readStreamNow(stream)),
    readAll: (cursor, limit) => guard(() => readAllNow(cursor, limit)),
    get: (site, seq) =>
      guard(async () => {
        if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
        await overlay.refresh();
        const [event] = await readSiteEvents(site, seq, 1, true);
        return event;
      }),
    versionVector: () => guard(versionVector),
    head: (site) => guard(() => readHead(site)),
    count: () => guard(async () => Object.values(await versionVector()).reduce((a, b) => a + b, 0)),
    onDamage: damage.onDamage,
    putMarker: (name, value) =>
      guard(async () => {
        const stream = names.marker(checkMarkerName(name));
        // A removal is an event too: the stream's last event is the marker's state.
        const data = value === undefined ? { name, removed: true } : { name, value };
        try {
          await client.appendToStream(stream, [jsonEvent({ type: 'chartlog.marker', data: data as never })]);
        } catch (error) {
          throw translateEventStoreDbError(error, `saving the marker ${name}`, stream);
        }
      }),
    getMarker: (name) =>
      guard(async () => {
        const stream = names.marker(checkMarkerName(name));
        const last = await readEvents(
          client,
          stream,
          { direction: BACKWARDS, fromRevision: END, maxCount: 1 },
          `reading the marker ${name}`,
        );
        const data = last?.[0]?.event?.data as { removed?: unknown; value?: unknown } | undefined;
        if (!data || data.removed === true) return undefined;
        if (!('value' in data))
          throw new ChartlogError('STORE_CORRUPT', `the last event of ${stream} is not a marker`, {
            details: { stream },
          });
        return data.value as Json;
      }),
    async openProjection(projectionOptions) {
      ensureOpen();
      const fingerprint = schemaFingerprint(projectionOptions.schema);
      if (projection === undefined) {
        const opening = openEventStoreDbProjection(
          {
            prefix: names.prefix,
            projectionFile: options.projectionFile,
            readAll: readAllNow,
            readStream: readStreamNow,
            get: async (site, seq) => (await readSiteEvents(site, seq, 1))[0],
            count: async () => Object.values(await versionVector()).reduce((a, b) => a + b, 0),
            subscribe: (from, onEvents, subscribeOptions) =>
              subscribeToChartEvents({ client, names, overlay, signed }, from, onEvents, subscribeOptions),
            onError:
              options.onProjectionError ??
              ((error) => process.emitWarning(error.message, { code: 'CHARTLOG_PROJECTION' })),
          },
          projectionOptions,
        );
        projection = opening;
        // A failed opening leaves the store without one, so a later call may try again.
        opening.catch(() => {
          if (projection === opening) projection = undefined;
        });
      }
      const open = await projection;
      if (open.fingerprint !== fingerprint)
        throw new ChartlogError(
          'INVALID_OPTION',
          `a projection with another schema is already open on the eventstoredb store ${names.prefix}`,
          { details: { prefix: names.prefix } },
        );
      return open.handle;
    },
    subscribe(from, onEvents, subscribeOptions) {
      ensureOpen();
      const sub = subscribeToChartEvents(
        { client, names, overlay, signed },
        from,
        onEvents,
        subscribeOptions,
      );
      subscriptions.add(sub);
      return {
        get cursor() {
          return sub.cursor;
        },
        close: async () => {
          subscriptions.delete(sub);
          await sub.close();
        },
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
      subscriptions.clear();
      // An append in flight finishes (or fails) before the client goes.
      await queue;
      // After the appends (whose catch-ups use it), before the client goes.
      await (await projection?.catch(() => undefined))?.close();
      if (owned) await client.dispose().catch(() => undefined);
    },
  };
  return log;
}

/** Splits events into maximal runs of consecutive events of one site. */
function consecutiveRuns(events: readonly ChartEvent[]): ChartEvent[][] {
  const runs: ChartEvent[][] = [];
  for (const e of events) {
    const last = runs[runs.length - 1];
    if (last && (last[0] as ChartEvent).site === e.site) last.push(e);
    else runs.push([e]);
  }
  return runs;
}
