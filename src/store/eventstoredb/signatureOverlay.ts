import { jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';
import type { ChartEvent } from '../../event/chartEvent.js';
import type { EventHash } from '../../event/ids.js';
import { signatureCheck, signatureIntact } from '../signatureCheck.js';
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

/** An entry of `<prefix>-signatures` as stored: the signature and its {@link signatureCheck} against `hash`. */
interface StoredSignature extends AddedSignature {
  readonly sigCheck: string;
}

/**
 * Signatures that arrive after their event (a duplicate carrying a `sig` the stored copy
 * lacks, or whose stored signature is damaged): EventStoreDB events are immutable, so
 * they go to `<prefix>-signatures`, each with its checksum, and are laid over events as
 * they are read. An entry that fails its check, or has none, is never laid over an event;
 * a later intact entry for the same event is.
 */
export interface SignatureOverlay {
  /** Catches up with signatures added by any process. */
  refresh(): Promise<void>;
  /** The event with its added signature, if it has none of its own and an intact one was added. */
  apply(event: ChartEvent, hash: EventHash): ChartEvent;
  /** Whether a signature added for this event was found damaged (so none could be laid over it from there). */
  damaged(site: string, seq: number, hash: EventHash): boolean;
  /** Stores added signatures. */
  add(signatures: readonly AddedSignature[]): Promise<void>;
}

/** The {@link SignatureOverlay} of a store. */
export function createSignatureOverlay(client: EventStoreDBClient, names: StreamNames): SignatureOverlay {
  const sigs = new Map<string, string>();
  const damaged = new Set<string>();
  const key = (site: string, seq: number, hash: string): string => `${site}\u0000${seq}\u0000${hash}`;
  const remember = (s: Partial<StoredSignature> | undefined): void => {
    // Without site, seq and hash an entry names no event: there is nothing to lay it over.
    if (!s || typeof s.site !== 'string' || typeof s.seq !== 'number' || typeof s.hash !== 'string') return;
    const k = key(s.site, s.seq, s.hash);
    const intact =
      typeof s.sig === 'string' &&
      signatureIntact(s.hash, s.sig, typeof s.sigCheck === 'string' ? s.sigCheck : null);
    // The first intact signature recorded wins: a later one for the same event adds nothing.
    if (intact) {
      if (!sigs.has(k)) sigs.set(k, s.sig as string);
    } else damaged.add(k);
  };
  const tail = tailStream(client, names.signatures, 'reading added signatures', (e) =>
    remember(e.event?.data as Partial<StoredSignature> | undefined),
  );
  return {
    refresh: () => tail.refresh(),
    apply(event, hash) {
      if (event.sig !== undefined) return event;
      const sig = sigs.get(key(event.site, event.seq, hash));
      return sig === undefined ? event : { ...event, sig };
    },
    damaged: (site, seq, hash) => damaged.has(key(site, seq, hash)),
    async add(signatures) {
      if (signatures.length === 0) return;
      const stored: StoredSignature[] = signatures.map((s) => ({
        site: s.site,
        seq: s.seq,
        hash: s.hash,
        sig: s.sig,
        sigCheck: signatureCheck(s.hash, s.sig),
      }));
      const events = stored.map((s) => jsonEvent({ type: 'chartlog.signature-added', data: { ...s } }));
      try {
        await client.appendToStream(names.signatures, events);
      } catch (error) {
        throw translateEventStoreDbError(error, 'storing added signatures', names.signatures);
      }
      for (const s of stored) remember(s);
    },
  };
}
