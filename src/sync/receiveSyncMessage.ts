import type { ChartEvent } from '../event/chartEvent.js';
import type { VersionVector } from '../store/eventLog.js';
import type { SyncMessage } from './syncMessage.js';
import type { SyncState } from './syncState.js';
import { compareVersionVectors } from './versionVector.js';

/** What a received message asks of the receiver: events to ingest, and the peer's vector. */
export interface ReceivedSync {
  /** The message's events, unchecked: pass them to ingest, which checks each one. */
  readonly events: readonly ChartEvent[];
  /**
   * The sender's version vector: its claim, not proof. It tells what the sender still has
   * to send (lag reports; whether a peer is done giving back the receiver's own events),
   * never that the receiver lacks anything: only events signed by their origin prove that.
   */
  readonly peerVector: VersionVector;
}

/**
 * The other pure step of the sync protocol (after Automerge's `receiveSyncMessage`):
 * takes a (parsed) message into the sync state and returns what to ingest. No I/O.
 *
 * The peer's vector replaces what we believed it holds, so anything we sent that did
 * not arrive (a lost message) is sent again, and anything it has meanwhile taken from a
 * third site is not. A duplicated, reordered or replayed message is harmless: its
 * events are duplicates on ingest, and a vector older than one already heard is ignored.
 *
 * @example
 * ```ts
 * const [next, { events }] = receiveSyncMessage(state, parseSyncMessage(json));
 * const report = await replica.ingest(events);
 * ```
 */
export function receiveSyncMessage(state: SyncState, message: SyncMessage): [SyncState, ReceivedSync] {
  // A peer's holdings only grow within a connection: a message whose vector is older than
  // one already heard is a replay or came out of order. Its events are still worth
  // ingesting (they are duplicates at worst); what it says about the peer is not.
  if (state.theirVector !== null && compareVersionVectors(message.vector, state.theirVector) === 'before') {
    return [state, { events: message.events, peerVector: state.theirVector }];
  }
  const next: SyncState = {
    ...state,
    theirVector: message.vector,
    sent: message.vector,
    theirView: message.known ?? null,
    heard: true,
  };
  return [next, { events: message.events, peerVector: message.vector }];
}
