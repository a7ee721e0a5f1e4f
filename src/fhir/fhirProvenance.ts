import type { ChartEvent } from '../event/chartEvent.js';
import { RETRACTION_EVENT } from '../merge/schema.js';
import type { FhirResource } from './fhirResource.js';
import { eventKeyOf } from '../chart/eventKey.js';
import { instantOfStamp, versionIdOf } from './toFhirResource.js';

/** The code system of a Provenance's activity (v3 DataOperation). */
const DATA_OPERATION = 'http://terminology.hl7.org/CodeSystem/v3-DataOperation';
/** The identifier system of a chartlog author's id in a Provenance. */
export const AUTHOR_SYSTEM = 'https://chartlog.dev/fhir/NamingSystem/author';
/** The identifier system of a chartlog site id in a Provenance. */
export const SITE_SYSTEM = 'https://chartlog.dev/fhir/NamingSystem/site';

/**
 * The FHIR `Provenance` of one event: the audit trail in FHIR terms. Its targets are the
 * resource versions the event wrote (`Type/id/_history/<site>.<seq>`, the version ids
 * chartlog gives: see `versionIdOf`), or for a retraction the versions it took back
 * (activity `NULLIFY`, with its reason); `recorded` is the event's time; the agent is its
 * author (id, role, organisation) on behalf of the site that recorded it. Its id is
 * `prov-<event id>`, so an export run twice gives the same Provenance.
 *
 * @param created Resource keys this event created (activity `CREATE`; others `UPDATE`).
 * @param retracted For a retraction: the events it takes back (their targets become this one's).
 */
export function fhirProvenanceOf(
  event: ChartEvent,
  created: ReadonlySet<string>,
  retracted: readonly ChartEvent[] = [],
): FhirResource {
  const isRetraction = event.type === RETRACTION_EVENT;
  const writes = isRetraction ? retracted : [event];
  const target = writes.flatMap((e) =>
    Object.keys(e.data).map((key) => ({ reference: `${key}/_history/${versionIdOf(eventKeyOf(e))}` })),
  );
  const code = isRetraction
    ? 'NULLIFY'
    : writes.every((e) => Object.keys(e.data).every((k) => created.has(k)))
      ? 'CREATE'
      : 'UPDATE';
  const reason =
    isRetraction && typeof event.data['reason'] === 'string' ? [{ text: event.data['reason'] }] : undefined;
  return {
    resourceType: 'Provenance',
    id: `prov-${event.id}`,
    target,
    recorded: instantOfStamp(event.hlc),
    activity: { coding: [{ system: DATA_OPERATION, code }] },
    ...(reason === undefined ? {} : { reason }),
    agent: [
      {
        ...(event.author.role === undefined ? {} : { role: [{ text: event.author.role }] }),
        who: {
          identifier: { system: AUTHOR_SYSTEM, value: event.author.id },
          display:
            event.author.org === undefined ? event.author.id : `${event.author.id} (${event.author.org})`,
        },
        onBehalfOf: { identifier: { system: SITE_SYSTEM, value: event.site }, display: event.site },
      },
    ],
  };
}
