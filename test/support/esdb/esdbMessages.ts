/**
 * Protobuf conversions for the in-process EventStoreDB test double, using the very
 * message classes the client was generated with (google-protobuf), so what crosses the
 * wire is exactly what a real node would send for the same facts.
 */
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
// shared.proto's error details use google.protobuf.Empty, not event_store.client.Empty.
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { ExpectedRevision, ProposedEvent, RecordedEvent } from './esdbDatabase.js';

export { sharedPb, statusPb, streamsPb };

/** How the client asked for UUIDs (`ReadReq.Options.UUIDOption`). */
export type UuidFormat = 'string' | 'structured';

/** A UUID message in the requested format. */
export function toUuid(id: string, format: UuidFormat = 'string'): InstanceType<typeof sharedPb.UUID> {
  const uuid = new sharedPb.UUID();
  if (format === 'string') return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const s = new sharedPb.UUID.Structured();
  s.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  s.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(s);
}

/** The text form of a UUID message (either format). */
export function fromUuid(uuid: InstanceType<typeof sharedPb.UUID> | undefined): string | undefined {
  if (!uuid) return undefined;
  if (uuid.hasStructured()) {
    const s = uuid.getStructured() as InstanceType<typeof sharedPb.UUID.Structured>;
    const hex =
      BigInt.asUintN(64, BigInt(s.getMostSignificantBits())).toString(16).padStart(16, '0') +
      BigInt.asUintN(64, BigInt(s.getLeastSignificantBits())).toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return uuid.getString();
}

/** A stream identifier message. */
export function toStreamIdentifier(name: string): InstanceType<typeof sharedPb.StreamIdentifier> {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

/** The stream name of an identifier message. */
export function fromStreamIdentifier(id: InstanceType<typeof sharedPb.StreamIdentifier> | undefined): string {
  return id ? Buffer.from(id.getStreamName_asU8()).toString('utf8') : '';
}

type Proposed =
  | InstanceType<typeof streamsPb.AppendReq.ProposedMessage>
  | InstanceType<typeof streamsPb.BatchAppendReq.ProposedMessage>;

/** A proposed message as the database takes it; `undefined` names the missing required metadata key. */
export function fromProposed(message: Proposed): ProposedEvent | { missing: string } {
  const meta = message.getMetadataMap();
  const type = meta.get('type');
  const contentType = meta.get('content-type');
  if (type === undefined) return { missing: 'type' };
  if (contentType === undefined) return { missing: 'content-type' };
  return {
    id: fromUuid(message.getId()) ?? '',
    type,
    contentType,
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

/** `ReadResp.ReadEvent.RecordedEvent` for a stored event. */
export function toRecordedEvent(
  e: RecordedEvent,
  format: UuidFormat,
): InstanceType<typeof streamsPb.ReadResp.ReadEvent.RecordedEvent> {
  const r = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  r.setId(toUuid(e.id, format));
  r.setStreamIdentifier(toStreamIdentifier(e.streamName));
  r.setStreamRevision(e.revision.toString());
  r.setPreparePosition(e.position.toString());
  r.setCommitPosition(e.position.toString());
  r.getMetadataMap()
    .set('type', e.type)
    .set('content-type', e.contentType)
    .set('created', e.created.toString());
  r.setCustomMetadata(e.customMetadata);
  r.setData(e.data);
  return r;
}

/** A `ReadResp` carrying one event (and the link it was reached through, when resolved). */
export function toReadEventResp(
  event: RecordedEvent | undefined,
  link: RecordedEvent | undefined,
  format: UuidFormat,
): InstanceType<typeof streamsPb.ReadResp> {
  const re = new streamsPb.ReadResp.ReadEvent();
  if (event) re.setEvent(toRecordedEvent(event, format));
  if (link) re.setLink(toRecordedEvent(link, format));
  const positioned = link ?? event;
  if (positioned) re.setCommitPosition(positioned.position.toString());
  else re.setNoPosition(new sharedPb.Empty());
  return new streamsPb.ReadResp().setEvent(re);
}

/** Expected revision from the Append options (`revision` / `no_stream` / `any` / `stream_exists`). */
export function expectedFromAppend(o: InstanceType<typeof streamsPb.AppendReq.Options>): ExpectedRevision {
  if (o.hasRevision()) return { kind: 'revision', revision: BigInt(o.getRevision()) };
  if (o.hasNoStream()) return { kind: 'no_stream' };
  if (o.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

/** Expected revision from the BatchAppend options. */
export function expectedFromBatch(
  o: InstanceType<typeof streamsPb.BatchAppendReq.Options>,
): ExpectedRevision {
  if (o.hasStreamPosition()) return { kind: 'revision', revision: BigInt(o.getStreamPosition()) };
  if (o.hasNoStream()) return { kind: 'no_stream' };
  if (o.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

/** `AppendResp.WrongExpectedVersion`, naming the current and the expected revision. */
export function appendWrongExpectedVersion(
  current: bigint | undefined,
  expected: ExpectedRevision,
): InstanceType<typeof streamsPb.AppendResp> {
  const w = new streamsPb.AppendResp.WrongExpectedVersion();
  if (current === undefined) w.setCurrentNoStream(new sharedPb.Empty());
  else w.setCurrentRevision(current.toString());
  if (expected.kind === 'revision') w.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') w.setExpectedNoStream(new sharedPb.Empty());
  else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new sharedPb.Empty());
  else w.setExpectedAny(new sharedPb.Empty());
  return new streamsPb.AppendResp().setWrongExpectedVersion(w);
}

/** `google.rpc.Status` packing `event_store.client.WrongExpectedVersion`, as BatchAppend reports it. */
export function batchWrongExpectedVersion(
  current: bigint | undefined,
  expected: ExpectedRevision,
): InstanceType<typeof statusPb.Status> {
  const w = new sharedPb.WrongExpectedVersion();
  if (current === undefined) w.setCurrentNoStream(new emptyPb.Empty());
  else w.setCurrentStreamRevision(current.toString());
  if (expected.kind === 'revision') w.setExpectedStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') w.setExpectedNoStream(new emptyPb.Empty());
  else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new emptyPb.Empty());
  else w.setExpectedAny(new emptyPb.Empty());
  return packedStatus(
    9,
    'WrongExpectedVersion',
    w.serializeBinary(),
    'event_store.client.WrongExpectedVersion',
  );
}

/** `google.rpc.Status` packing `event_store.client.MaximumAppendSizeExceeded`. */
export function batchMaxAppendSize(max: number): InstanceType<typeof statusPb.Status> {
  const m = new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(max);
  return packedStatus(
    8,
    `Maximum Append Size of ${max} Exceeded.`,
    m.serializeBinary(),
    'event_store.client.MaximumAppendSizeExceeded',
  );
}

/** `google.rpc.Status` packing `event_store.client.BadRequest`. */
export function batchBadRequest(message: string): InstanceType<typeof statusPb.Status> {
  return packedStatus(
    3,
    message,
    new sharedPb.BadRequest().setMessage(message).serializeBinary(),
    'event_store.client.BadRequest',
  );
}

function packedStatus(
  code: number,
  message: string,
  bytes: Uint8Array,
  typeName: string,
): InstanceType<typeof statusPb.Status> {
  const any = new anyPb.Any();
  any.pack(bytes, typeName);
  return new statusPb.Status().setCode(code).setMessage(message).setDetails(any);
}
