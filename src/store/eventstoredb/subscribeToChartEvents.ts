import {
  START,
  streamNameFilter,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type Position,
} from '@eventstore/db-client';
import { ChartlogError, isChartlogError } from '../../error/chartlogError.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import { formatAllCursor, isAfter, parseAllCursor } from './allPositionCursor.js';
import type { SignatureOverlay } from './signatureOverlay.js';
import type { StreamNames } from './streamNames.js';
import { translateEventStoreDbError } from './translateEventStoreDbError.js';

/**
 * Receives a delivery: events in `$all` order and the cursor just after the last of
 * them. The next delivery waits until the returned promise settles; if it rejects, the
 * subscription stops (and reports it through `onError`).
 */
export type ChartEventsHandler = (events: readonly ChartEvent[], cursor: string) => void | Promise<void>;

/** Options for {@link EventStoreDbEventLog.subscribe}. */
export interface ChartEventSubscriptionOptions {
  /**
   * Told about each drop (`willRetry` true: it resubscribes from its cursor after a
   * delay) and about the error that stopped it (`willRetry` false: a corrupt event, or
   * `onEvents` threw). @defaultValue ignore
   */
  readonly onError?: (error: ChartlogError, willRetry: boolean) => void;
  /** Delay before the first resubscription after a drop, in ms; doubles per failed attempt. @defaultValue 100 */
  readonly retryDelayMs?: number;
  /** Longest delay between resubscriptions, in ms. @defaultValue 5000 */
  readonly maxRetryDelayMs?: number;
  /** Most events in one delivery. @defaultValue 500 */
  readonly maxBatch?: number;
}

/** A running catch-up subscription. */
export interface ChartEventSubscription {
  /** Cursor after the last event delivered (or filtered past): save it to resume later, with `subscribe` or `readAll`. */
  readonly cursor: string;
  /** Stops it; waits for a delivery in progress. Idempotent. */
  close(): Promise<void>;
}

/** What {@link subscribeToChartEvents} needs from the store. */
export interface SubscriptionContext {
  readonly client: EventStoreDBClient;
  readonly names: StreamNames;
  /** Catches up with signatures added later, before a delivery is checked. */
  readonly overlay: Pick<SignatureOverlay, 'refresh'>;
  /** The checked event a site-stream record holds, as reads return it (see `signedSiteEvent`). */
  signed(record: AllStreamRecordedEvent): ChartEvent;
}

type Item = { readonly position: Position; readonly record?: AllStreamRecordedEvent };

/**
 * A catch-up subscription to the store's site streams in `$all` (server-side filter on
 * the `<prefix>-site-` prefix): first every event after `from`, then each event as any
 * process appends it. After a drop (node restart, leader change, network) it
 * resubscribes from the last event it received, so nothing is skipped or repeated;
 * checkpoints of the filtered subscription move the cursor past other streams' events.
 */
export function subscribeToChartEvents(
  context: SubscriptionContext,
  from: string | undefined,
  onEvents: ChartEventsHandler,
  options: ChartEventSubscriptionOptions = {},
): ChartEventSubscription {
  const { client, names, overlay, signed } = context;
  const baseDelay = options.retryDelayMs ?? 100;
  const maxDelay = options.maxRetryDelayMs ?? 5000;
  const maxBatch = options.maxBatch ?? 500;
  let delivered = parseAllCursor(from);
  // Where the next subscription starts: past everything queued, delivered or not.
  let received = delivered;
  const queue: Item[] = [];
  let current: ReturnType<EventStoreDBClient['subscribeToAll']> | undefined;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let flushScheduled = false;

  const enqueue = (item: Item): void => {
    if (!isAfter(item.position, received)) return;
    received = item.position;
    queue.push(item);
    if (queue.length >= 2 * maxBatch) current?.pause();
    if (!flushScheduled && !flushing) {
      flushScheduled = true;
      // Let a burst of events arrive, so one delivery carries many.
      setImmediate(() => {
        flushScheduled = false;
        flushing = flush().finally(() => (flushing = undefined));
      });
    }
  };

  const flush = async (): Promise<void> => {
    try {
      while (queue.length > 0 && !closed) {
        const items = queue.splice(0, maxBatch);
        const last = (items[items.length - 1] as Item).position;
        if (items.some((i) => i.record)) {
          // Best effort: a signature added later is shown if the overlay can be read now.
          await overlay.refresh().catch(() => undefined);
          const events = items.flatMap((i) => (i.record ? [signed(i.record)] : []));
          await onEvents(events, formatAllCursor(last));
        }
        delivered = last;
        if (queue.length < maxBatch) current?.resume();
      }
    } catch (error) {
      void stop(
        isChartlogError(error)
          ? error
          : new ChartlogError(
              'STORE_FAILED',
              `the subscriber's onEvents threw: ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            ),
      );
    }
  };

  const connect = (): void => {
    if (closed) return;
    const sub = client.subscribeToAll({
      fromPosition: received ?? START,
      filter: streamNameFilter({
        prefixes: [names.sitePrefix],
        checkpointReached: (_s, position) => enqueue({ position }),
      }),
    });
    current = sub;
    sub.on('confirmation', () => (attempt = 0));
    sub.on('data', (resolved: AllStreamResolvedEvent) => {
      const record = resolved.event;
      if (!record?.position) return;
      attempt = 0;
      enqueue(
        record.streamId.startsWith(names.sitePrefix)
          ? { position: record.position, record }
          : { position: record.position },
      );
    });
    sub.on('error', (error: unknown) => dropped(sub, error));
    sub.on('end', () =>
      dropped(sub, new ChartlogError('STORE_UNAVAILABLE', 'the server ended the subscription')),
    );
  };

  const dropped = (sub: NonNullable<typeof current>, error: unknown): void => {
    if (current !== sub) return;
    current = undefined;
    void sub.unsubscribe().catch(() => undefined);
    if (closed) return;
    options.onError?.(translateEventStoreDbError(error, 'subscribing to $all'), true);
    timer = setTimeout(connect, Math.min(maxDelay, baseDelay * 2 ** attempt++));
  };

  const stop = async (fatal?: ChartlogError): Promise<void> => {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    const sub = current;
    current = undefined;
    await sub?.unsubscribe().catch(() => undefined);
    if (fatal) options.onError?.(fatal, false);
  };

  connect();
  return {
    get cursor() {
      return formatAllCursor(delivered);
    },
    async close() {
      await stop();
      await flushing;
    },
  };
}
