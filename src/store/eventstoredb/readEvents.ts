import type { EventStoreDBClient, ReadStreamOptions, ResolvedEvent } from '@eventstore/db-client';
import { translateEventStoreDbError } from './translateEventStoreDbError.js';

/**
 * Every event `client.readStream` yields, or `undefined` when the stream does not exist
 * (the driver's StreamNotFound). Driver errors become ChartlogErrors.
 */
export async function readEvents(
  client: EventStoreDBClient,
  stream: string,
  options: ReadStreamOptions,
  action: string,
): Promise<ResolvedEvent[] | undefined> {
  const out: ResolvedEvent[] = [];
  try {
    for await (const e of client.readStream(stream, options)) out.push(e);
  } catch (error) {
    if ((error as { type?: unknown })?.type === 'stream-not-found') return undefined;
    throw translateEventStoreDbError(error, action, stream);
  }
  return out;
}

/** Follows one append-only stream, handing each event written since the last refresh to `apply`, once. */
export interface StreamTail {
  /** Reads what was written since the previous refresh; refreshes run one after another. */
  refresh(): Promise<void>;
}

/** A {@link StreamTail} of `stream`, starting at its first event. */
export function tailStream(
  client: EventStoreDBClient,
  stream: string,
  action: string,
  apply: (event: ResolvedEvent) => void,
): StreamTail {
  let next = 0n;
  let queue: Promise<void> = Promise.resolve();
  const read = async (): Promise<void> => {
    const events = (await readEvents(client, stream, { fromRevision: next }, action)) ?? [];
    for (const e of events) {
      if (!e.event) continue;
      apply(e);
      next = e.event.revision + 1n;
    }
  };
  return {
    refresh() {
      const run = queue.then(read);
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
