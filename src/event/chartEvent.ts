import type { Hlc } from './hlc.js';
import type { EventHash, EventId, SiteId, StreamId } from './ids.js';
import type { Json, JsonObject } from './json.js';

/** Who recorded an event (audit: HIPAA 164.312(b), NHS DSPT). */
export interface Author {
  /** The person's or system's id, e.g. a GMC/NMC number or a service account. */
  readonly id: string;
  /** Their role at the time, e.g. `gp`, `nurse`, `pharmacist`. */
  readonly role?: string;
  /** Their organisation, e.g. an ODS code. */
  readonly org?: string;
}

/**
 * What a write event changes: `{ "<ResourceType>/<id>": { "<field>": <op> } }`. The op is
 * a plain value for `lww`/`mv`/`once`/`max`/`min`/`log` fields and `{ add?, remove? }`
 * for `set` fields (see `src/merge`). Event types with another payload (a retraction)
 * document theirs.
 */
export type EventData = JsonObject;

/**
 * Per written field, the ids of the writes of that field its author saw as current:
 * `{ "<ResourceType>/<id>": { "<field>": [eventId, …] } }`. A field that is not listed
 * saw nothing.
 */
export type EventPred = { readonly [resource: string]: { readonly [field: string]: readonly EventId[] } };

/**
 * One immutable clinical event: the unit of replication, storage and audit
 * (docs/architecture.md, "The event"). Field names are the wire contract.
 */
export interface ChartEvent {
  /** `eventIdOf(event)`, derived from everything else the event says: the idempotency key, which belongs to this event alone. */
  readonly id: EventId;
  /** The site that recorded it. */
  readonly site: SiteId;
  /** 1, 2, 3 … dense per site: `(site, seq)` names exactly this event, forever. */
  readonly seq: number;
  /** Hybrid logical clock stamp at recording. */
  readonly hlc: Hlc;
  /** Hash of the same site's event `seq - 1`; `null` for seq 1. */
  readonly prev: EventHash | null;
  /** The record it belongs to. */
  readonly stream: StreamId;
  /** Clinical event type, e.g. `allergy.recorded`. */
  readonly type: string;
  /** Schema version of this type's `data`. */
  readonly v: number;
  /** The payload. */
  readonly data: EventData;
  /** Per written field, the writes its author saw as current. */
  readonly pred: EventPred;
  /** Who recorded it. */
  readonly author: Author;
  /** Optional Ed25519 signature (base64) of this event's hash by its origin site: a signed head. */
  readonly sig?: string;
}

/**
 * The total order of events: `(hlc, site, seq)`, then `id` so that even malformed
 * duplicates sort the same everywhere. Every replica holding the same set sorts it
 * identically.
 */
export function compareEvents(a: ChartEvent, b: ChartEvent): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.site !== b.site) return a.site < b.site ? -1 : 1;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The fields of an event that are hashed: everything but `sig`. */
export type UnsignedEvent = Omit<ChartEvent, 'sig'>;

/** Reads a JSON-ish value from `data` without widening the event's type. */
export type EventDataValue = Json;

/**
 * `event` with signature `sig` (replacing any), frozen, its members in canonical order
 * (`sig` sorts between `seq` and `site`): chartlog builds every event in that order so
 * that `JSON.stringify` of it, minus `sig`, is its canonical encoding.
 */
export function withSignature(event: ChartEvent, sig: string): ChartEvent {
  return Object.freeze({
    author: event.author,
    data: event.data,
    hlc: event.hlc,
    id: event.id,
    pred: event.pred,
    prev: event.prev,
    seq: event.seq,
    sig,
    site: event.site,
    stream: event.stream,
    type: event.type,
    v: event.v,
  });
}

/**
 * `event` without its signature, frozen (the event itself when unsigned). The remaining
 * members keep their order, which is canonical for every event chartlog builds.
 */
export function withoutSignature(event: ChartEvent): ChartEvent {
  if (event.sig === undefined) return event;
  const { sig: _sig, ...unsigned } = event;
  return Object.freeze(unsigned);
}
