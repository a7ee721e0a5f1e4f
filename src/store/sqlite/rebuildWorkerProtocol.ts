import type { MessagePort } from 'node:worker_threads';

/** What a rebuild worker is started with (its `workerData`). */
export interface RebuildWorkerData {
  /** The store file, opened read-only. */
  readonly path: string;
  /** Fold only events at or below this position (the rebuild's checkpoint). */
  readonly upTo: number;
  /** The fingerprint of the schema the main thread folds with. */
  readonly fingerprint: string;
  /** The schema's module, as a `file:` URL, when given. */
  readonly schemaUrl: string | undefined;
  /** The schema's export in that module. */
  readonly exportName: string;
  /** This worker's slot in `signal` for its heartbeat (slot 0 counts messages). */
  readonly slot: number;
  /** Shared counters: [messages posted by any worker, heartbeat of worker 1, …]. */
  readonly signal: SharedArrayBuffer;
  /** The port the worker talks on (the main thread reads its end synchronously). */
  readonly port: MessagePort;
}

/** The `projection_streams` columns of a stream's row, in the order its UPSERT takes them. */
export type StreamRowValues = [
  stream: string,
  events: number,
  digest: string,
  hash: string,
  conflicts: string,
  retracted: string,
  conflicted: 0 | 1,
];

/** A stream folded by a worker, as rows: the stream row's columns and its resources' `[key, body, hash, last]`, flat. */
export type EncodedStream = [...StreamRowValues, resources: string[]];

/** Main thread → worker. */
export type ToRebuildWorker =
  | { readonly type: 'fold'; readonly task: number; readonly streams: readonly string[] }
  | { readonly type: 'stop' };

/** Worker → main thread. */
export type FromRebuildWorker =
  /** Started: the fingerprint of the schema it resolved, or undefined when it has none for the one asked. */
  | {
      readonly type: 'ready';
      readonly fingerprint: string | undefined;
      readonly source: 'module' | 'built-in' | 'none';
    }
  | {
      readonly type: 'rows';
      readonly task: number;
      readonly streams: EncodedStream[];
      readonly events: number;
      readonly latest: string | undefined;
    }
  | { readonly type: 'damage'; readonly site: string; readonly seq: number }
  | {
      readonly type: 'failed';
      readonly code: string | undefined;
      readonly message: string;
      readonly details: Record<string, unknown> | undefined;
    };
