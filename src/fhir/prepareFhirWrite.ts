import type { ChartView } from '../chart/chartView.js';
import { prepareWrite } from '../chart/prepareWrite.js';
import type { ResourceState, StreamState } from '../chart/streamState.js';
import { ChartlogError, type ValidationIssue } from '../error/chartlogError.js';
import type { Author } from '../event/chartEvent.js';
import { copyCanonicalJson } from '../event/copyJson.js';
import type { EventDraft } from '../event/eventWriter.js';
import type { StreamId } from '../event/ids.js';
import { FHIR_EVENTS } from './fhirSchema.js';
import { isFhirId } from './isFhirId.js';
import { fhirStreamOf } from './fhirStreamOf.js';
import { fhirWritesOf } from './fhirWrites.js';
import type { FhirResource } from './fhirResource.js';

/** Options for {@link prepareFhirWrite}. */
export interface PrepareFhirWriteOptions {
  /** Who records it (audited like any event). */
  readonly author: Author;
  /**
   * The stream to record it on (refused when another stream holds the resource).
   * @defaultValue the stream that holds the resource (`ChartView.locate`), or for a new one {@link fhirStreamOf} it
   */
  readonly stream?: StreamId;
  /**
   * The version of the resource the author saw, when it is not what the record holds now
   * (FHIR's `If-Match`: a version from `resourceVersions`). The writes are then what
   * differs from that version, each superseding what it held: a change someone else made
   * since is left standing, and where both changed one element the two writes are
   * concurrent, shown as a conflict under `mv` (a modifier element), never a silent overwrite.
   * @defaultValue what the record holds now
   */
  readonly seen?: ResourceState;
}

/**
 * The event that makes a chart hold a FHIR R4 resource as given: `fhir.created` for a
 * resource the record does not hold, `fhir.updated` with only the elements that differ
 * otherwise, each write's `pred` naming what the record holds now (so it supersedes
 * exactly that). Undefined when the record already holds the resource as given: writing
 * it again adds nothing. Strings are compared in Unicode NFC, the form the writer records.
 * Reads only that resource from `view`.
 *
 * A resource is recorded on the stream that already holds it, found by `view.locate`
 * without knowing the patient: an update naming another patient in its compartment
 * element stays on its record, where that element's `once` rule shows the other patient
 * as a conflict, instead of a second copy appearing on the other patient's record.
 *
 * @throws ChartlogError `INVALID_COMMAND` with an issue per problem (path starting with the
 *   resource key): no id, an element R4 does not define, a value of the wrong type, or a
 *   change to an element with an open conflict (resolve it first); or the resource is held
 *   on more than one stream, or on another stream than `options.stream` (naming them);
 *   nothing is recorded.
 * @example
 * ```ts
 * const draft = prepareFhirWrite(replica.chart, allergy, { author });
 * if (draft) await replica.record(draft);
 * ```
 */
export function prepareFhirWrite(
  view: ChartView,
  given: FhirResource,
  options: PrepareFhirWriteOptions,
): EventDraft | undefined {
  const type = given.resourceType;
  const id = given.id;
  if (!isFhirId(id))
    throw new ChartlogError(
      'INVALID_COMMAND',
      `cannot record ${String(type)}: its id ${JSON.stringify(id)} is not a FHIR id`,
      { issues: [{ path: [String(type), 'id'], message: 'must be a FHIR id ([A-Za-z0-9.-]{1,64})' }] },
    );
  const key = `${type}/${id}`;
  // Compared as the writer will record it (strings in Unicode NFC), so writing it again finds nothing to change.
  const shape: ValidationIssue[] = [];
  const resource = copyCanonicalJson(given, [key], shape) as unknown as FhirResource;
  if (shape.length > 0)
    throw new ChartlogError('INVALID_COMMAND', `cannot record ${key}: not plain JSON`, { issues: shape });
  const stream = streamFor(view, key, resource, options.stream);
  const current = view.resource(stream, key);
  const seen = options.seen ?? current;
  const { writes, issues } = fhirWritesOf(view.schema, resource, seen);
  if (issues.length > 0)
    throw new ChartlogError('INVALID_COMMAND', `cannot record ${key}`, {
      issues: issues.map((i) => ({ ...i, path: [key, ...i.path] })),
    });
  if (Object.keys(writes).length === 0) return undefined;
  // The one resource is all prepareWrite reads of the state: no need to load the whole record.
  const seenState: StreamState = {
    stream,
    resources: seen === undefined ? {} : { [key]: seen },
    conflicts: [],
    retracted: [],
  };
  return prepareWrite(view.schema, seenState, {
    stream,
    type: current === undefined ? FHIR_EVENTS.created : FHIR_EVENTS.updated,
    author: options.author,
    writes: { [key]: writes },
  });
}

/** The stream that holds `key`, else the one asked for, else the one the resource names; refused when that is ambiguous. */
function streamFor(
  view: ChartView,
  key: string,
  resource: FhirResource,
  asked: StreamId | undefined,
): StreamId {
  const held = view.locate(key);
  if (held.length > 1) {
    throw new ChartlogError(
      'INVALID_COMMAND',
      `cannot record ${key}: it is held on ${held.length} records (${held.join(', ')}); retract it from all but one first`,
      {
        issues: [{ path: [key], message: `held on ${held.join(', ')}` }],
        details: { resource: key, streams: held },
      },
    );
  }
  const holder = held[0];
  if (holder !== undefined && asked !== undefined && asked !== holder) {
    throw new ChartlogError('INVALID_COMMAND', `cannot record ${key} on ${asked}: it is held on ${holder}`, {
      issues: [{ path: [key], message: `held on ${holder}, not ${asked}` }],
      details: { resource: key, streams: held },
    });
  }
  return holder ?? asked ?? fhirStreamOf(resource);
}
