/**
 * Streams/Append (client stream: options, then proposed messages) and Streams/BatchAppend
 * (bidirectional: correlation ids, `is_final`, errors as packed `google.rpc.Status`) of
 * the in-process EventStoreDB test server.
 */
import * as grpc from '@grpc/grpc-js';
// BatchAppend messages use google.protobuf.Empty, not event_store.client.Empty.
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import type { EsdbDatabase, ExpectedRevision, ProposedEvent } from './esdbDatabase.js';
import { commandError, internal } from './esdbErrors.js';
import {
  appendWrongExpectedVersion,
  batchBadRequest,
  batchMaxAppendSize,
  batchWrongExpectedVersion,
  expectedFromAppend,
  expectedFromBatch,
  fromProposed,
  fromStreamIdentifier,
  fromUuid,
  sharedPb,
  streamsPb,
  toStreamIdentifier,
  toUuid,
} from './esdbMessages.js';

type AppendReq = InstanceType<typeof streamsPb.AppendReq>;
type AppendResp = InstanceType<typeof streamsPb.AppendResp>;
type BatchAppendReq = InstanceType<typeof streamsPb.BatchAppendReq>;
type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;

/** The RPCs a fault can be injected into. */
export type EsdbMethod = 'Append' | 'BatchAppend' | 'Read';

/** Runs before the server applies an append to `stream`; the append waits for it (to stage races). */
export type BeforeAppend = (stream: string) => void | Promise<void>;

/** What the append handlers need from the server. */
export interface AppendContext {
  takeFault(method: EsdbMethod, stream: string): grpc.ServiceError | undefined;
  readonly hooks: { beforeAppend?: BeforeAppend | undefined };
}

/** Serves one Append call: reads the options and messages, applies them when the client ends its stream. */
export function handleAppend(
  db: EsdbDatabase,
  call: grpc.ServerReadableStream<AppendReq, AppendResp>,
  fault: grpc.ServiceError | undefined,
  callback: grpc.sendUnaryData<AppendResp>,
  context: AppendContext,
): void {
  let stream: string | undefined;
  let expected: ExpectedRevision = { kind: 'any' };
  const events: ProposedEvent[] = [];
  let failure: grpc.ServiceError | undefined = fault;
  call.on('data', (req: AppendReq) => {
    if (req.hasOptions()) {
      const o = req.getOptions() as InstanceType<typeof streamsPb.AppendReq.Options>;
      stream = fromStreamIdentifier(o.getStreamIdentifier());
      expected = expectedFromAppend(o);
    } else if (req.hasProposedMessage()) {
      const e = fromProposed(
        req.getProposedMessage() as InstanceType<typeof streamsPb.AppendReq.ProposedMessage>,
      );
      if ('missing' in e)
        failure ??= commandError(
          grpc.status.INVALID_ARGUMENT,
          `Required metadata property ${e.missing} is missing`,
          {
            exception: 'missing-required-metadata-property',
            'required-metadata-properties': 'type,content-type',
          },
        );
      else events.push(e);
    }
  });
  call.on('end', async () => {
    if (failure) return callback(failure);
    if (stream === undefined)
      return callback(commandError(grpc.status.INVALID_ARGUMENT, 'Append without options', {}));
    const streamFault = context.takeFault('Append', stream);
    if (streamFault) return callback(streamFault);
    await context.hooks.beforeAppend?.(stream);
    const out = db.append(stream, expected, events);
    if (out.ok) {
      const success = new streamsPb.AppendResp.Success();
      if (out.currentRevision === undefined) success.setNoStream(new sharedPb.Empty());
      else success.setCurrentRevision(out.currentRevision.toString());
      if (out.position === undefined) success.setNoPosition(new sharedPb.Empty());
      else
        success.setPosition(
          new streamsPb.AppendResp.Position()
            .setCommitPosition(out.position.toString())
            .setPreparePosition(out.position.toString()),
        );
      return callback(null, new streamsPb.AppendResp().setSuccess(success));
    }
    if (out.reason === 'max_append_size') {
      return callback(
        commandError(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${out.maxAppendSize} Exceeded.`, {
          exception: 'maximum-append-size-exceeded',
          'maximum-append-size': String(out.maxAppendSize),
        }),
      );
    }
    callback(null, appendWrongExpectedVersion(out.currentRevision, out.expected));
  });
}

/** Serves one BatchAppend call: many appends, each answered by correlation id when its final message arrives. */
export function handleBatchAppend(
  db: EsdbDatabase,
  call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>,
  context: AppendContext,
): void {
  // Requests are applied one after another even when a hook makes one wait.
  let chain: Promise<void> = Promise.resolve();
  const pending = new Map<
    string,
    {
      stream: string;
      expected: ExpectedRevision;
      options: InstanceType<typeof streamsPb.BatchAppendReq.Options>;
      events: ProposedEvent[];
      missing?: string;
    }
  >();
  call.on('data', (req: BatchAppendReq) => {
    chain = chain.then(() => onRequest(req)).catch((e: unknown) => void call.emit('error', internal(e)));
  });
  const onRequest = async (req: BatchAppendReq): Promise<void> => {
    const correlation = fromUuid(req.getCorrelationId()) ?? '';
    let batch = pending.get(correlation);
    if (!batch) {
      const o = req.getOptions();
      if (!o)
        return void call.emit(
          'error',
          commandError(
            grpc.status.INVALID_ARGUMENT,
            'first BatchAppend message of a correlation id must carry options',
            {},
          ),
        );
      batch = {
        stream: fromStreamIdentifier(o.getStreamIdentifier()),
        expected: expectedFromBatch(o),
        options: o,
        events: [],
      };
      pending.set(correlation, batch);
    }
    for (const m of req.getProposedMessagesList()) {
      const e = fromProposed(m);
      if ('missing' in e) batch.missing ??= e.missing;
      else batch.events.push(e);
    }
    if (!req.getIsFinal()) return;
    pending.delete(correlation);
    const resp = new streamsPb.BatchAppendResp()
      .setCorrelationId(toUuid(correlation))
      .setStreamIdentifier(toStreamIdentifier(batch.stream));
    const o = batch.options;
    if (o.hasStreamPosition()) resp.setStreamPosition(o.getStreamPosition());
    else if (o.hasNoStream()) resp.setNoStream(o.getNoStream());
    else if (o.hasStreamExists()) resp.setStreamExists(o.getStreamExists());
    else resp.setAny(o.getAny());
    if (batch.missing) {
      return void call.write(
        resp.setError(batchBadRequest(`Required metadata property ${batch.missing} is missing`)),
      );
    }
    const streamFault = context.takeFault('BatchAppend', batch.stream);
    if (streamFault) return void call.emit('error', streamFault);
    await context.hooks.beforeAppend?.(batch.stream);
    const out = db.append(batch.stream, batch.expected, batch.events);
    if (out.ok) {
      const success = new streamsPb.BatchAppendResp.Success();
      if (out.currentRevision === undefined) success.setNoStream(new emptyPb.Empty());
      else success.setCurrentRevision(out.currentRevision.toString());
      if (out.position === undefined) success.setNoPosition(new emptyPb.Empty());
      else
        success.setPosition(
          new sharedPb.AllStreamPosition()
            .setCommitPosition(out.position.toString())
            .setPreparePosition(out.position.toString()),
        );
      call.write(resp.setSuccess(success));
    } else if (out.reason === 'max_append_size')
      call.write(resp.setError(batchMaxAppendSize(out.maxAppendSize)));
    else call.write(resp.setError(batchWrongExpectedVersion(out.currentRevision, out.expected)));
  };
  call.on('end', () => void chain.then(() => call.end()));
}
