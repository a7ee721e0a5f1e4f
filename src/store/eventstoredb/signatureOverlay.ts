import { jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';
import type { ChartEvent } from '../../event/chartEvent.js';
import type { EventHash } from '../../event/ids.js';
import { tailStream } from './readEvents.js';
import type { StreamNames } from './streamNames.js';
import { translateEventStoreDbError } from './translateEventStoreDbError.js';

/** A signature given to an event that was stored unsigned. */
export interface AddedSignature {
  readonly site: string;
  readonly seq: number;
  /** Hash of the event signed, so the signature is never shown on another event. */
  readonly hash: EventHash;
  readonly sig: string;
}

/**
 * Signatures that arrive after their event (a duplicate carrying a `sig` the stored copy
 * lacks): EventStoreDB events are immutable, so they go to `<prefix>-signatures` and are
 * laid over events as they are read.
 */
export interface SignatureOverlay {
  /** Catches up with signatures added by any process. */
  refresh(): Promise<void>;
  /** The event with its added signature, if it has none of its own and one was added. */
  apply(event: ChartEvent, hash: EventHash): ChartEvent;
  /** Stores added signatures. */
  add(signatures: readonly AddedSignature[]): Promise<void>;
}

/** The {@link SignatureOverlay} of a store. */
export function createSignatureOverlay(client: EventStoreDBClient, names: StreamNames): SignatureOverlay {
  const sigs = new Map<string, string>();
  const key = (site: string, seq: number, hash: string): string => `${site}\u0000${seq}\u0000${hash}`;
  const remember = (s: Partial<AddedSignature> | undefined): void => {
    // The first signature recorded wins: a later one for the same event adds nothing.
    if (s && typeof s.site === 'string' && typeof s.seq === 'number' && typeof s.hash === 'string' && typeof s.sig === 'string' && !sigs.has(key(s.site, s.seq, s.hash))) sigs.set(key(s.site, s.seq, s.hash), s.sig);
  };
  const tail = tailStream(client, names.signatures, 'reading added signatures', (e) => remember(e.event?.data as Partial<AddedSignature> | undefined));
  return {
    refresh: () => tail.refresh(),
    apply(event, hash) {
      if (event.sig !== undefined) return event;
      const sig = sigs.get(key(event.site, event.seq, hash));
      return sig === undefined ? event : { ...event, sig };
    },
    async add(signatures) {
      if (signatures.length === 0) return;
      const events = signatures.map((s) => jsonEvent({ type: 'chartlog.signature-added', data: { ...s } }));
      try {
        await client.appendToStream(names.signatures, events);
      } catch (error) {
        throw translateEventStoreDbError(error, 'storing added signatures', names.signatures);
      }
      for (const s of signatures) remember(s);
    },
  };
}
