import { createChart } from '../../chart/chart.js';
import { eventKeyOf, type EventKey } from '../../chart/eventKey.js';
import type { ResourceState } from '../../chart/streamState.js';
import { canonicalOrder } from '../../chart/foldStream.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import type { StreamId } from '../../event/ids.js';
import type { Schema } from '../../merge/schema.js';
import { versionIdOf } from '../toFhirResource.js';

/** One version of a resource: the record as it stood just after an event that wrote it. */
export interface ResourceVersion {
  /** The version's FHIR `versionId`: `<site>.<seq>` of {@link ResourceVersion.event}. */
  readonly versionId: string;
  /** The event that made this version. */
  readonly event: ChartEvent;
  /** The resource as the record held it then (events after it in total order not applied). */
  readonly state: ResourceState;
  /** The key of that event (the version's `meta.versionId` and `lastUpdated` come from it). */
  readonly key: EventKey;
}

/**
 * Every version of resource `key` (`<Type>/<id>`), oldest first, from its stream's events:
 * one per event that writes it, holding the resource as the fold of every event up to and
 * including that one (in total order) shows it. The events are folded once, in order.
 *
 * A version is what the record showed at that point of the total order, so a version of a
 * replica that has not yet heard from a peer can gain a predecessor once it does: a late
 * event slots in where its stamp puts it. A retraction is not a version of its own: it
 * changes the current resource, whose `versionId` then names the latest write still standing.
 *
 * @param events - the stream's events, in any order (`EventLog.readStream`).
 */
export function resourceVersions(
  schema: Schema,
  stream: StreamId,
  key: string,
  events: readonly ChartEvent[],
): ResourceVersion[] {
  const chart = createChart({ schema });
  const versions: ResourceVersion[] = [];
  for (const event of canonicalOrder(events)) {
    if (event.stream !== stream) continue;
    chart.apply([event]);
    if (!Object.hasOwn(event.data, key)) continue;
    const state = chart.resource(stream, key);
    if (state === undefined) continue;
    const at = eventKeyOf(event);
    versions.push({ versionId: versionIdOf(at), event, state, key: at });
  }
  return versions;
}
