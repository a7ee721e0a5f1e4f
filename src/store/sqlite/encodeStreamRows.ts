import type { StreamOutcome } from '../../chart/finishStream.js';
import type { ProjectedStream } from '../../chart/projectionTables.js';
import type { EncodedStream, StreamRowValues } from './rebuildWorkerProtocol.js';

/** A stream's row as the SQLite projection stores it: its lists as JSON, `conflicted` as 0 or 1. */
export function streamRowValues(row: ProjectedStream): StreamRowValues {
  return [
    row.stream,
    row.events,
    row.digest,
    row.hash,
    JSON.stringify(row.conflicts),
    JSON.stringify(row.retracted),
    row.conflicts.length > 0 ? 1 : 0,
  ];
}

/**
 * A folded new stream's rows as the SQLite projection stores them (the row's lists and
 * each resource's `last` as JSON), flat strings: cheap to post from a rebuild worker and
 * written by `SqliteProjectionTables.writeEncoded` as they come.
 */
export function encodeStreamRows({ row, changes }: StreamOutcome): EncodedStream {
  const resources: string[] = [];
  for (const { key, resource, body } of changes)
    if (resource !== undefined)
      resources.push(key, body as string, resource.hash, JSON.stringify(resource.last));
  return [...streamRowValues(row), resources];
}
