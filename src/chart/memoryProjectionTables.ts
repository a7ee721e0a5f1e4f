import type { StreamId } from '../event/ids.js';
import type { ProjectedResource, ProjectedStream, ProjectionTables } from './projectionTables.js';

/** {@link ProjectionTables} in maps: for in-memory charts and the memory store. */
export function createMemoryProjectionTables(): ProjectionTables {
  const rows = new Map<StreamId, ProjectedStream>();
  const resources = new Map<StreamId, Map<string, ProjectedResource>>();
  const meta = new Map<string, string>();
  // Kept as the rows change, so listing conflicts is not a scan of every stream.
  const conflicted = new Set<StreamId>();
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
    write(row, changes) {
      rows.set(row.stream, row);
      if (row.conflicts.length > 0) conflicted.add(row.stream);
      else conflicted.delete(row.stream);
      let held = resources.get(row.stream);
      if (held === undefined) resources.set(row.stream, (held = new Map()));
      for (const { key, resource } of changes) {
        if (resource === undefined) held.delete(key);
        else held.set(key, resource);
      }
    },
    streams: () => [...rows.keys()].sort(),
    conflicted: () => [...conflicted].sort(),
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
    },
  };
}
