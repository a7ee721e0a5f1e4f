/**
 * An in-process gRPC server speaking the part of the EventStoreDB/KurrentDB Streams API
 * that `@eventstore/db-client` 6.x uses, so the eventstoredb adapter is tested through
 * the real client, the real wire format and real gRPC calls, with no server installed.
 *
 * Implements:
 * - `ServerFeatures/GetSupportedMethods` (how the client decides to use BatchAppend);
 * - `Streams/Append` (client stream: options, then proposed messages);
 * - `Streams/BatchAppend` (bidirectional, correlation ids, `is_final`, errors as packed
 *   `google.rpc.Status`);
 * - `Streams/Read` of a stream or of `$all`, forwards/backwards, from start/end/a
 *   revision/a position, with a count, link resolution (`$>`), `StreamNotFound`, and
 *   stream-name/event-type filters;
 * - `Streams/Read` with subscription options: confirmation, catch-up, `CaughtUp`, live
 *   delivery, filtered-subscription checkpoints.
 *
 * Known differences from a real node (it is a test double):
 * - one node, in memory; no persistence, no cluster, no gossip, no TLS, no ACLs (the
 *   client's credentials are ignored, as a real node in insecure mode does);
 * - positions are byte-like offsets with commit = prepare for every event;
 * - `any`/`stream_exists` idempotency looks the first event id up in the whole stream
 *   (a real node only remembers recent writes);
 * - Delete, Tombstone, stream metadata (`$$stream`), `$`-system projections and
 *   persistent subscriptions are not implemented (UNIMPLEMENTED);
 * - checkpoints of filtered subscriptions are sent every `multiplier × 32` scanned
 *   events and once on catching up.
 */
import * as grpc from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import { handleAppend, handleBatchAppend, type BeforeAppend, type EsdbMethod } from './esdbAppendHandlers.js';
import { EsdbDatabase, type EsdbDatabaseOptions } from './esdbDatabase.js';
import { internal } from './esdbErrors.js';
import type { streamsPb } from './esdbMessages.js';
import { handleRead, type SubscriptionCalls } from './esdbReadHandler.js';

export type { BeforeAppend, EsdbMethod };

type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
type AppendReq = InstanceType<typeof streamsPb.AppendReq>;
type AppendResp = InstanceType<typeof streamsPb.AppendResp>;
type BatchAppendReq = InstanceType<typeof streamsPb.BatchAppendReq>;
type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;

/** A failure the server answers the next matching call(s) with. */
export interface EsdbFault {
  readonly method: EsdbMethod;
  /** gRPC status code, e.g. `grpc.status.UNAVAILABLE`. */
  readonly code: grpc.status;
  readonly details?: string;
  /** Value of the `exception` trailer (how a node names its errors, e.g. `access-denied`). */
  readonly exception?: string;
  /** Only appends to this stream fail (Append/BatchAppend), when the request reaches it; BatchAppend then fails the whole call, as a dropped connection does. */
  readonly stream?: string;
  /** How many calls fail. @defaultValue 1 */
  readonly times?: number;
}

/** Options of {@link startEsdbTestServer}. */
export interface EsdbTestServerOptions extends EsdbDatabaseOptions {
  /** Advertise BatchAppend in ServerFeatures (as nodes since 21.10 do); false makes the client use Append. @defaultValue true */
  readonly batchAppend?: boolean;
  /** Version reported by ServerFeatures. @defaultValue `'23.10.0'` */
  readonly version?: string;
  /** Port to listen on. @defaultValue an ephemeral port */
  readonly port?: number;
}

/** A running test server. */
export interface EsdbTestServer {
  /** Connection string for the client: `esdb://127.0.0.1:PORT?tls=false`. */
  readonly connectionString: string;
  readonly port: number;
  /** The data, shared across restarts. */
  readonly database: EsdbDatabase;
  /** Counts of calls by method, for tests that check which RPC the client used. */
  readonly calls: Readonly<Record<string, number>>;
  /** Makes the next matching call(s) fail. */
  injectFault(fault: EsdbFault): void;
  /** Sets (or clears) a hook run before each append is applied. */
  beforeAppend(hook: BeforeAppend | undefined): void;
  /** Ends every open subscription with `UNAVAILABLE`, as a node does when it steps down. */
  dropSubscriptions(): number;
  /** Stops listening, cutting every connection; the data stays. */
  stop(): Promise<void>;
  /** Listens again on the same port with the same data. */
  start(): Promise<void>;
  /** {@link stop} then {@link start}: a node restart. */
  restart(): Promise<void>;
}

/**
 * Starts the in-process server on 127.0.0.1.
 *
 * @example
 * ```ts
 * const server = await startEsdbTestServer();
 * const client = EventStoreDBClient.connectionString(server.connectionString);
 * ```
 */
export async function startEsdbTestServer(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
  const db = new EsdbDatabase(options);
  const faults: (EsdbFault & { left: number })[] = [];
  const calls: Record<string, number> = {};
  const subscriptions: SubscriptionCalls = new Set();
  let server: grpc.Server | undefined;
  let port = options.port ?? 0;

  const hooks: { beforeAppend?: BeforeAppend | undefined } = {};
  const takeFault = (method: EsdbMethod, stream?: string): grpc.ServiceError | undefined => {
    if (stream === undefined) calls[method] = (calls[method] ?? 0) + 1;
    const i = faults.findIndex((f) => f.method === method && f.stream === stream);
    const fault = faults[i];
    if (!fault) return undefined;
    if (--fault.left <= 0) faults.splice(i, 1);
    const metadata = new grpc.Metadata();
    if (fault.exception) metadata.set('exception', fault.exception);
    return Object.assign(new Error(fault.details ?? 'injected fault'), {
      code: fault.code,
      details: fault.details ?? 'injected fault',
      metadata,
    });
  };

  const handlers = {
    read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => {
      const fault = takeFault('Read');
      if (fault) return void call.emit('error', fault);
      void handleRead(db, call, subscriptions).catch((e: unknown) => call.emit('error', internal(e)));
    },
    append: (
      call: grpc.ServerReadableStream<AppendReq, AppendResp>,
      callback: grpc.sendUnaryData<AppendResp>,
    ) => {
      const fault = takeFault('Append');
      handleAppend(db, call, fault, callback, { takeFault, hooks });
    },
    batchAppend: (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
      const fault = takeFault('BatchAppend');
      if (fault) return void call.emit('error', fault);
      handleBatchAppend(db, call, { takeFault, hooks });
    },
    delete: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'Delete is not implemented by the test server' }),
    tombstone: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
      callback({
        code: grpc.status.UNIMPLEMENTED,
        details: 'Tombstone is not implemented by the test server',
      }),
  };

  const features = {
    getSupportedMethods: (
      _call: unknown,
      callback: grpc.sendUnaryData<InstanceType<typeof serverFeaturesPb.SupportedMethods>>,
    ) => {
      const methods = new serverFeaturesPb.SupportedMethods().setEventStoreServerVersion(
        options.version ?? '23.10.0',
      );
      const add = (service: string, method: string, features: string[] = []): void => {
        methods.addMethods(
          new serverFeaturesPb.SupportedMethod()
            .setServiceName(service)
            .setMethodName(method)
            .setFeaturesList(features),
        );
      };
      add('event_store.client.streams.streams', 'read', ['position', 'events']);
      add('event_store.client.streams.streams', 'append');
      if (options.batchAppend ?? true) add('event_store.client.streams.streams', 'batchappend');
      add('event_store.client.server_features.serverfeatures', 'getsupportedmethods');
      callback(null, methods);
    },
  };

  const start = async (): Promise<void> => {
    const s = new grpc.Server();
    s.addService(streamsGrpc.StreamsService, handlers as unknown as grpc.UntypedServiceImplementation);
    s.addService(
      serverFeaturesGrpc.ServerFeaturesService,
      features as unknown as grpc.UntypedServiceImplementation,
    );
    port = await new Promise<number>((resolve, reject) =>
      s.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    server = s;
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const call of subscriptions)
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'Server is shutting down.' });
    subscriptions.clear();
    s?.forceShutdown();
  };

  await start();
  return {
    get connectionString() {
      return `esdb://127.0.0.1:${port}?tls=false`;
    },
    get port() {
      return port;
    },
    database: db,
    calls,
    injectFault: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    beforeAppend: (hook) => void (hooks.beforeAppend = hook),
    dropSubscriptions: () => {
      const n = subscriptions.size;
      for (const call of subscriptions)
        call.emit('error', {
          code: grpc.status.UNAVAILABLE,
          details: 'Subscription dropped: leader changed.',
        });
      subscriptions.clear();
      return n;
    },
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
  };
}
