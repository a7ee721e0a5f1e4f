/**
 * Streams/Read of the in-process EventStoreDB test server: reads of a stream or of
 * `$all` (forwards/backwards, start/end/revision/position, count, link resolution,
 * filters, StreamNotFound) and, with subscription options, catch-up subscriptions
 * (confirmation, history, CaughtUp, live events, filtered checkpoints).
 */
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import type { EsdbDatabase, RecordedEvent, StreamFrom } from './esdbDatabase.js';
import {
  fromStreamIdentifier,
  streamsPb,
  toReadEventResp,
  toStreamIdentifier,
  type UuidFormat,
} from './esdbMessages.js';

type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
type ReadResp = InstanceType<typeof streamsPb.ReadResp>;

/** Open subscription calls, so the server can drop them. */
export type SubscriptionCalls = Set<grpc.ServerWritableStream<ReadReq, ReadResp>>;

interface ReadPlan {
  readonly all: boolean;
  readonly stream: string;
  readonly from: StreamFrom;
  readonly backwards: boolean;
  readonly count: bigint;
  readonly resolveLinks: boolean;
  readonly format: UuidFormat;
  readonly filter: ((e: RecordedEvent) => boolean) | undefined;
  readonly checkpointEvery: number;
  readonly subscription: boolean;
}

function planRead(req: ReadReq): ReadPlan {
  const o = req.getOptions() as InstanceType<typeof streamsPb.ReadReq.Options>;
  const format: UuidFormat = o.getUuidOption()?.hasStructured() ? 'structured' : 'string';
  let filter: ReadPlan['filter'];
  let checkpointEvery = 0;
  if (o.hasFilter()) {
    const f = o.getFilter() as InstanceType<typeof streamsPb.ReadReq.Options.FilterOptions>;
    const onStream = f.hasStreamIdentifier();
    const expr = (onStream ? f.getStreamIdentifier() : f.getEventType()) as InstanceType<
      typeof streamsPb.ReadReq.Options.FilterOptions.Expression
    >;
    const prefixes = expr.getPrefixList();
    const regex = expr.getRegex() ? new RegExp(expr.getRegex()) : undefined;
    filter = (e) => {
      const subject = onStream ? e.streamName : e.type;
      return (
        (prefixes.length === 0 || prefixes.some((p) => subject.startsWith(p))) &&
        (!regex || regex.test(subject))
      );
    };
    checkpointEvery = Math.max(1, f.getCheckpointintervalmultiplier()) * (f.hasMax() ? f.getMax() : 32);
  }
  const base = {
    backwards: o.getReadDirection() === 1,
    resolveLinks: o.getResolveLinks(),
    format,
    filter,
    checkpointEvery,
    subscription: o.hasSubscription(),
    count: o.hasCount() ? BigInt(o.getCount()) : 0n,
  };
  if (o.hasAll()) {
    const a = o.getAll() as InstanceType<typeof streamsPb.ReadReq.Options.AllOptions>;
    const from: StreamFrom = a.hasPosition()
      ? BigInt(
          (a.getPosition() as InstanceType<typeof streamsPb.ReadReq.Options.Position>).getCommitPosition(),
        )
      : a.hasEnd()
        ? 'end'
        : 'start';
    return { ...base, all: true, stream: '$all', from };
  }
  const s = o.getStream() as InstanceType<typeof streamsPb.ReadReq.Options.StreamOptions>;
  const from: StreamFrom = s.hasRevision() ? BigInt(s.getRevision()) : s.hasEnd() ? 'end' : 'start';
  return { ...base, all: false, stream: fromStreamIdentifier(s.getStreamIdentifier()), from };
}

/** Serves one Read call. */
export async function handleRead(
  db: EsdbDatabase,
  call: grpc.ServerWritableStream<ReadReq, ReadResp>,
  subscriptions: SubscriptionCalls,
): Promise<void> {
  const plan = planRead(call.request);
  const send = (e: RecordedEvent): Promise<void> => {
    const target = plan.resolveLinks && e.type === '$>' ? db.resolveLink(e) : undefined;
    const resp =
      plan.resolveLinks && e.type === '$>'
        ? toReadEventResp(target, e, plan.format)
        : toReadEventResp(e, undefined, plan.format);
    return write(call, resp);
  };
  if (plan.subscription) return subscribe(db, call, plan, send, subscriptions);

  if (!plan.all) {
    const events = db.readStream(plan.stream, plan.from, plan.backwards, plan.count);
    if (events === undefined) {
      await write(
        call,
        new streamsPb.ReadResp().setStreamNotFound(
          new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(toStreamIdentifier(plan.stream)),
        ),
      );
      return void call.end();
    }
    for (const e of events) if (!call.cancelled) await send(e);
    return void call.end();
  }
  // $all: forwards from a position is inclusive, backwards from a position is exclusive.
  let sent = 0n;
  if (plan.backwards) {
    let i =
      plan.from === 'end' ? db.all.length - 1 : plan.from === 'start' ? -1 : db.indexAtOrAfter(plan.from) - 1;
    for (; i >= 0 && sent < plan.count && !call.cancelled; i--) {
      const e = db.all[i] as RecordedEvent;
      if (plan.filter && !plan.filter(e)) continue;
      await send(e);
      sent++;
    }
  } else {
    let i = plan.from === 'start' ? 0 : plan.from === 'end' ? db.all.length : db.indexAtOrAfter(plan.from);
    for (; i < db.all.length && sent < plan.count && !call.cancelled; i++) {
      const e = db.all[i] as RecordedEvent;
      if (plan.filter && !plan.filter(e)) continue;
      await send(e);
      sent++;
    }
  }
  call.end();
}

async function subscribe(
  db: EsdbDatabase,
  call: grpc.ServerWritableStream<ReadReq, ReadResp>,
  plan: ReadPlan,
  send: (e: RecordedEvent) => Promise<void>,
  subscriptions: SubscriptionCalls,
): Promise<void> {
  subscriptions.add(call);
  let wake: (() => void) | undefined;
  const unlisten = db.onAppend(() => wake?.());
  const done = new Promise<void>((resolve) => {
    const finish = (): void => {
      subscriptions.delete(call);
      unlisten();
      wake?.();
      resolve();
    };
    call.on('cancelled', finish);
    call.on('close', finish);
    call.on('finish', finish);
  });
  let ended = false;
  void done.then(() => (ended = true));

  await write(
    call,
    new streamsPb.ReadResp().setConfirmation(
      new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID()),
    ),
  );
  // Subscriptions start after the given point: revision R / position P are exclusive.
  let next: number;
  if (plan.all)
    next =
      plan.from === 'start' ? 0 : plan.from === 'end' ? db.all.length : db.indexAtOrAfter(plan.from + 1n);
  else
    next =
      plan.from === 'start'
        ? 0
        : plan.from === 'end'
          ? (db.stream(plan.stream)?.length ?? 0)
          : Number(plan.from) + 1;
  let caughtUp = false;
  let scanned = 0;
  let lastScanned: RecordedEvent | undefined;
  let checkpointed = true;
  const checkpoint = (e: RecordedEvent): Promise<void> => {
    checkpointed = true;
    return write(
      call,
      new streamsPb.ReadResp().setCheckpoint(
        new streamsPb.ReadResp.Checkpoint()
          .setCommitPosition(e.position.toString())
          .setPreparePosition(e.position.toString()),
      ),
    );
  };
  while (!ended && !call.cancelled) {
    const source = plan.all ? db.all : (db.stream(plan.stream) ?? []);
    while (next < source.length && !ended && !call.cancelled) {
      const e = source[next++] as RecordedEvent;
      lastScanned = e;
      checkpointed = false;
      if (!plan.filter || plan.filter(e)) await send(e);
      if (plan.filter && ++scanned % plan.checkpointEvery === 0) await checkpoint(e);
    }
    if (ended || call.cancelled) break;
    if (!caughtUp) {
      caughtUp = true;
      await write(call, new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp()));
    }
    if (plan.filter && lastScanned && !checkpointed) await checkpoint(lastScanned);
    await new Promise<void>((resolve) => {
      wake = resolve;
      const source2 = plan.all ? db.all : (db.stream(plan.stream) ?? []);
      if (next < source2.length || ended) resolve();
    });
    wake = undefined;
  }
}

function write(call: grpc.ServerWritableStream<ReadReq, ReadResp>, resp: ReadResp): Promise<void> {
  if (call.cancelled || call.writableEnded) return Promise.resolve();
  if (call.write(resp)) return Promise.resolve();
  return new Promise((resolve) => {
    const go = (): void => {
      call.off('drain', go);
      call.off('close', go);
      resolve();
    };
    call.on('drain', go);
    call.on('close', go);
  });
}
