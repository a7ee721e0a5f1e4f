import type Database from 'better-sqlite3';
import { ChartlogError } from '../../error/chartlogError.js';
import type { LocatedResource } from '../../chart/chartView.js';
import type { ProjectedResource, ProjectedStream, ProjectionTables } from '../../chart/projectionTables.js';
import { streamHashOf } from '../../chart/stateHash.js';
import { hashCanonical } from '../../event/eventHash.js';
import type { EventId, StreamId } from '../../event/ids.js';
import { streamRowValues } from './encodeStreamRows.js';
import type { EncodedStream, StreamRowValues } from './rebuildWorkerProtocol.js';
import { StoredResource } from './storedResource.js';

type StreamRow = [string, number, string, string, string, string];
type ResourceRow = [string, string, string, string];

/** The SQLite {@link ProjectionTables}, and a write of rows already encoded (a rebuild worker's). */
export interface SqliteProjectionTables extends ProjectionTables {
  /** Writes a new stream's row and resources as `encodeStreamRows` encoded them (nothing to delete: the stream had no row). */
  writeEncoded(rows: EncodedStream): void;
}

/**
 * {@link ProjectionTables} in a store's SQLite file (schema version 4): `projection_streams`,
 * `projection_resources` (with its resource-key index) and `projection_meta`. Synchronous, on the store's own connection,
 * so the store folds inside the transaction that appends the events. Every row read is
 * checked against its hash (a resource's body, a stream's parts); a mismatch is
 * `STORE_CORRUPT`, and `chartlog replay` rebuilds the projection from the events.
 */
export function createSqliteProjectionTables(db: Database.Database, path: string): SqliteProjectionTables {
  const getStream = db
    .prepare<[string], StreamRow>(
      'SELECT stream, events, digest, hash, conflicts, retracted FROM projection_streams WHERE stream = ?',
    )
    .raw();
  const putStream = db.prepare<StreamRowValues>(
    'INSERT INTO projection_streams (stream, events, digest, hash, conflicts, retracted, conflicted) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (stream) DO UPDATE SET ' +
      'events = excluded.events, digest = excluded.digest, hash = excluded.hash, ' +
      'conflicts = excluded.conflicts, retracted = excluded.retracted, conflicted = excluded.conflicted',
  );
  const allResources = db
    .prepare<[string], ResourceRow>(
      'SELECT resource, body, hash, last FROM projection_resources WHERE stream = ?',
    )
    .raw();
  const oneResource = db
    .prepare<[string, string], ResourceRow>(
      'SELECT resource, body, hash, last FROM projection_resources WHERE stream = ? AND resource = ?',
    )
    .raw();
  const putResource = db.prepare<[string, string, string, string, string]>(
    'INSERT INTO projection_resources (stream, resource, body, hash, last) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT (stream, resource) DO UPDATE SET body = excluded.body, hash = excluded.hash, last = excluded.last',
  );
  const deleteResource = db.prepare<[string, string]>(
    'DELETE FROM projection_resources WHERE stream = ? AND resource = ?',
  );
  const listStreams = db.prepare<[], string>('SELECT stream FROM projection_streams ORDER BY stream').pluck();
  const listConflicted = db
    .prepare<[], string>('SELECT stream FROM projection_streams WHERE conflicted = 1 ORDER BY stream')
    .pluck();
  // Both read only the resource-key index (resource, stream), covering: no row, no body. A file of
  // schema version 3 opened read-only has no such index: the same queries, answered by a scan.
  const locateKey = db
    .prepare<[string], string>('SELECT stream FROM projection_resources WHERE resource = ? ORDER BY stream')
    .pluck();
  const keyRange = db
    .prepare<[string, string, number], [string, string]>(
      'SELECT stream, resource FROM projection_resources WHERE resource > ? AND resource < ? ORDER BY resource, stream LIMIT ?',
    )
    .raw();
  // One stream's keys of a type: a range of the (stream, resource) key index, no row read.
  const streamKeyRange = db
    .prepare<[string, string, string, number], string>(
      'SELECT resource FROM projection_resources WHERE stream = ? AND resource > ? AND resource < ? ORDER BY resource LIMIT ?',
    )
    .pluck();
  const streamKeys = db
    .prepare<[string], string>('SELECT resource FROM projection_resources WHERE stream = ?')
    .pluck();
  const laterStreams = db
    .prepare<[string, string], string>(
      'SELECT stream FROM projection_resources WHERE resource = ? AND stream > ? ORDER BY stream',
    )
    .pluck();
  const getMeta = db.prepare<[string], string>('SELECT value FROM projection_meta WHERE key = ?').pluck();
  const putMeta = db.prepare<[string, string]>(
    'INSERT INTO projection_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const deleteMeta = db.prepare<[string]>('DELETE FROM projection_meta WHERE key = ?');

  const corrupt = (stream: string, what: string): ChartlogError =>
    new ChartlogError(
      'STORE_CORRUPT',
      `${path}: the projection of ${stream} is damaged (${what}); run chartlog replay --store ${path} to rebuild it from the events`,
      { details: { path, stream, part: 'projection' } },
    );
  // A row is checked against its hash when read, so damage is reported by the read that met it.
  const decodeResource = (stream: string, [key, body, hash, last]: ResourceRow): ProjectedResource => {
    if (hashCanonical(body) !== hash) throw corrupt(stream, `resource ${key} does not match its hash`);
    return new StoredResource(key, body, hash, last);
  };

  return {
    stream(stream) {
      const row = getStream.get(stream);
      if (row === undefined) return undefined;
      const [, events, digest, hash, conflicts, retracted] = row;
      const decoded: ProjectedStream = {
        stream,
        events,
        digest,
        hash,
        conflicts: Object.freeze(JSON.parse(conflicts) as string[]),
        retracted: Object.freeze(JSON.parse(retracted) as EventId[]),
      };
      if (streamHashOf(stream, digest, decoded.conflicts, decoded.retracted) !== hash)
        throw corrupt(stream, 'its row does not match its hash');
      return decoded;
    },
    resources(stream, keys) {
      if (keys === undefined) return allResources.all(stream).map((r) => decodeResource(stream, r));
      const out: ProjectedResource[] = [];
      for (const key of keys) {
        const row = oneResource.get(stream, key);
        if (row !== undefined) out.push(decodeResource(stream, row));
      }
      return out;
    },
    // The (stream, resource) key index, no row read; sorted here, in JavaScript's order, not SQLite's bytes.
    keys: (stream) => streamKeys.all(stream).sort(),
    write(row, changes) {
      putStream.run(...streamRowValues(row));
      for (const { key, resource, body } of changes) {
        if (resource === undefined) deleteResource.run(row.stream, key);
        else putResource.run(row.stream, key, body as string, resource.hash, JSON.stringify(resource.last));
      }
    },
    writeEncoded([stream, events, digest, hash, conflicts, retracted, conflicted, resources]) {
      putStream.run(stream, events, digest, hash, conflicts, retracted, conflicted);
      for (let i = 0; i < resources.length; i += 4)
        putResource.run(
          stream,
          resources[i] as string,
          resources[i + 1] as string,
          resources[i + 2] as string,
          resources[i + 3] as string,
        );
    },
    streams: () => listStreams.all() as StreamId[],
    conflicted: () => listConflicted.all() as StreamId[],
    locate: (key) => locateKey.all(key) as StreamId[],
    resourceKeys({ from, to, limit, stream: only }) {
      if (only !== undefined)
        return streamKeyRange.all(only, from, to, limit).map((key) => ({ stream: only, key }));
      const out: LocatedResource[] = keyRange
        .all(from, to, limit)
        .map(([stream, key]) => ({ stream: stream as StreamId, key }));
      const last = out[out.length - 1];
      // A page ends on a whole key: the other streams of its last key (normally none) come with it.
      if (out.length === limit && last !== undefined)
        for (const stream of laterStreams.all(last.key, last.stream))
          out.push({ stream: stream as StreamId, key: last.key });
      return out;
    },
    meta: (name) => getMeta.get(name),
    setMeta(name, value) {
      if (value === undefined) deleteMeta.run(name);
      else putMeta.run(name, value);
    },
    clear() {
      db.exec(
        'DELETE FROM projection_streams; DELETE FROM projection_resources; DELETE FROM projection_meta;',
      );
    },
  };
}
