import type { StreamId } from '../event/ids.js';
import type { LocatedResource } from './chartView.js';
import type { ProjectedResource, ProjectedStream, ProjectionTables } from './projectionTables.js';

/** The resource-key index of one type: the streams of each key, and the keys sorted once asked for. */
interface TypeIndex {
  readonly streams: Map<string, Set<StreamId>>;
  sorted: string[] | undefined;
}

/** {@link ProjectionTables} in maps: for in-memory charts and the memory store. */
export function createMemoryProjectionTables(): ProjectionTables {
  const rows = new Map<StreamId, ProjectedStream>();
  const resources = new Map<StreamId, Map<string, ProjectedResource>>();
  const meta = new Map<string, string>();
  // Kept as the rows change, so listing conflicts is not a scan of every stream.
  const conflicted = new Set<StreamId>();
  // The resource-key index, by type: a key's streams change only with its rows.
  const index = new Map<string, TypeIndex>();
  const typeOf = (key: string): string => key.slice(0, key.indexOf('/'));
  const indexKey = (key: string, stream: StreamId, held: boolean): void => {
    const type = typeOf(key);
    let entry = index.get(type);
    if (entry === undefined) {
      if (!held) return;
      index.set(type, (entry = { streams: new Map(), sorted: undefined }));
    }
    const streams = entry.streams.get(key);
    if (held) {
      if (streams === undefined) {
        entry.streams.set(key, new Set([stream]));
        entry.sorted = undefined;
      } else streams.add(stream);
    } else if (streams !== undefined && streams.delete(stream) && streams.size === 0) {
      entry.streams.delete(key);
      entry.sorted = undefined;
    }
  };
  return {
    stream: (stream) => rows.get(stream),
    resources(stream, keys) {
      const held = resources.get(stream);
      if (held === undefined) return [];
      if (keys === undefined) return [...held.values()];
      const out: ProjectedResource[] = [];
      for (const key of keys) {
        const r = held.get(key);
        if (r !== undefined) out.push(r);
      }
      return out;
    },
    keys: (stream) => [...(resources.get(stream)?.keys() ?? [])].sort(),
    write(row, changes) {
      rows.set(row.stream, row);
      if (row.conflicts.length > 0) conflicted.add(row.stream);
      else conflicted.delete(row.stream);
      let held = resources.get(row.stream);
      if (held === undefined) resources.set(row.stream, (held = new Map()));
      for (const { key, resource } of changes) {
        if (resource === undefined) held.delete(key);
        else held.set(key, resource);
        indexKey(key, row.stream, resource !== undefined);
      }
    },
    streams: () => [...rows.keys()].sort(),
    conflicted: () => [...conflicted].sort(),
    locate(key) {
      const streams = index.get(typeOf(key))?.streams.get(key);
      return streams === undefined ? [] : [...streams].sort();
    },
    resourceKeys({ from, to, limit, stream: only }) {
      if (only !== undefined) {
        const keys = [...(resources.get(only)?.keys() ?? [])].filter((k) => k > from && k < to).sort();
        return keys.slice(0, limit).map((key) => ({ stream: only, key }));
      }
      const entry = index.get(to.slice(0, -1));
      if (entry === undefined) return [];
      entry.sorted ??= [...entry.streams.keys()].sort();
      const keys = entry.sorted;
      // The first key after `from`, by binary search.
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((keys[mid] as string) <= from) lo = mid + 1;
        else hi = mid;
      }
      const out: LocatedResource[] = [];
      for (let i = lo; i < keys.length && out.length < limit; i++) {
        const key = keys[i] as string;
        if (key >= to) break;
        for (const stream of [...(entry.streams.get(key) as Set<StreamId>)].sort()) out.push({ stream, key });
      }
      return out;
    },
    meta: (name) => meta.get(name),
    setMeta(name, value) {
      if (value === undefined) meta.delete(name);
      else meta.set(name, value);
    },
    clear() {
      rows.clear();
      resources.clear();
      meta.clear();
      conflicted.clear();
      index.clear();
    },
  };
}
