import * as Y from 'yjs';
import type { FieldWrite, Save } from '../workload/primaryCareSaves.js';
import { canonicalJson } from './canonicalJson.js';
import { setAdds, type FieldKind } from './fieldKind.js';
import type { FieldVisitor, MergeResult, SystemFactory } from './vsCrdtSystem.js';

// Separators inside Yjs keys: resource keys and field names never hold them, and JSON text never holds a raw newline.
const FIELD = '#';
const ELEMENT = '\n';

/** One log entry in the `log` array. */
interface LogEntry {
  readonly key: string;
  readonly value: unknown;
}

/** One Yjs document read out: its three top-level types as JSON. */
interface YjsJson {
  readonly fields: Record<string, unknown>;
  readonly sets: Record<string, unknown>;
  readonly log: readonly LogEntry[];
}

/** Options for {@link yjsSystem}. */
export interface YjsSystemOptions {
  /**
   * `site`: one `Y.Doc` per site holding every record. `patient`: one `Y.Doc` per patient
   * per site (a document per record, as an app with a provider per record would have);
   * the merge then exchanges every patient's document separately. Measured slower here.
   * @defaultValue `'site'`
   */
  readonly docs?: 'site' | 'patient';
}

/**
 * Yjs 13: each site its own documents (sites cut off = separate docs), each save one
 * `doc.transact`. A document's records live in three top-level types:
 * - `Y.Map` `fields`: register fields, key `<resource>#<field>`, the JSON value as is
 *   (Yjs keeps it atomic; a concurrent set of one key keeps one value, by client id);
 * - `Y.Map` `sets`: set fields, key `<resource>#<field>\n<canonical element>` → element;
 * - `Y.Array` `log`: log fields (consultation notes), pushed `{ key, value }` entries.
 *
 * Why not a `Y.Map` per patient or per resource: a nested type created at two sites
 * while cut off is two different types, and after the merge one of them, with every
 * field written into it, is lost (sites here write to records created elsewhere); a
 * top-level type per record avoids that, but Yjs encodes an item of a top-level type by
 * searching the document's top-level types for its name, linearly (`findRootTypeKey`),
 * which made the merge 5× slower at 2,000 patients. Nested per-patient types created in
 * a shared initial update work too, and measured slightly slower than this layout.
 *
 * Merge is the y-protocols sync exchange, per document: each site sends its state
 * vector to each other site, which answers `encodeStateAsUpdate(doc, vector)`; every
 * update is computed before any is applied, so each carries only its sender's own
 * writes (no relaying). Materialize is `toJSON()` of the three types of every document.
 */
export function yjsSystem(options: YjsSystemOptions = {}): SystemFactory {
  const perPatient = (options.docs ?? 'site') === 'patient';
  return async (setup) => {
    // Per site: document key ('' for the site's one document, else the patient) → document.
    const docs = setup.sites.map(() => new Map<string, Y.Doc>());
    const siteIndex = new Map(setup.sites.map((s, i) => [s, i]));
    const docOf = (site: number, key: string): Y.Doc => {
      const held = docs[site] as Map<string, Y.Doc>;
      let doc = held.get(key);
      if (doc === undefined) held.set(key, (doc = new Y.Doc()));
      return doc;
    };

    const writeSave = (doc: Y.Doc, save: Save, kinds: readonly FieldKind[]): void => {
      for (let i = 0; i < save.writes.length; i++) {
        const w = save.writes[i] as FieldWrite;
        const key = w.resource + FIELD + w.field;
        switch (kinds[i]) {
          case 'register':
            doc.getMap('fields').set(key, w.value);
            break;
          case 'set': {
            const sets = doc.getMap('sets');
            for (const e of setAdds(w.value, key)) sets.set(key + ELEMENT + canonicalJson(e), e);
            break;
          }
          case 'log':
            doc.getArray<LogEntry>('log').push([{ key, value: w.value }]);
            break;
        }
      }
    };

    return {
      async record(saves, kinds) {
        saves.forEach((save, i) => {
          const doc = docOf(siteIndex.get(save.site) as number, perPatient ? save.patient : '');
          doc.transact(() => writeSave(doc, save, kinds[i] as readonly FieldKind[]));
        });
      },
      async merge(): Promise<MergeResult> {
        let wireBytes = 0;
        let messages = 0;
        const keys = new Set(docs.flatMap((held) => [...held.keys()]));
        for (const key of keys) {
          const updates = docs.map((_, i) => {
            const vector = Y.encodeStateVector(docOf(i, key));
            return docs.flatMap((held, j) => {
              const sender = held.get(key);
              if (i === j || sender === undefined) return [];
              const update = Y.encodeStateAsUpdate(sender, vector);
              wireBytes += vector.byteLength + update.byteLength;
              messages += 2;
              return [update];
            });
          });
          updates.forEach((received, i) => {
            const doc = docOf(i, key);
            for (const update of received) Y.applyUpdate(doc, update);
          });
        }
        return { wireBytes, messages };
      },
      materialize(site): YjsJson[] {
        return [...(docs[site] as Map<string, Y.Doc>).values()].map((doc) => ({
          fields: doc.getMap('fields').toJSON(),
          sets: doc.getMap('sets').toJSON(),
          log: doc.getArray<LogEntry>('log').toJSON(),
        }));
      },
      visitFields(materialized, visit: FieldVisitor) {
        const sets = new Map<string, unknown[]>();
        const logs = new Map<string, unknown[]>();
        for (const state of materialized as YjsJson[]) {
          for (const [key, value] of Object.entries(state.fields)) visitKey(key, value, visit);
          for (const [k, element] of Object.entries(state.sets)) {
            const key = k.slice(0, k.indexOf(ELEMENT));
            let elements = sets.get(key);
            if (elements === undefined) sets.set(key, (elements = []));
            elements.push(element);
          }
          for (const { key, value } of state.log) {
            let entries = logs.get(key);
            if (entries === undefined) logs.set(key, (entries = []));
            entries.push(value);
          }
        }
        for (const [key, elements] of sets) visitKey(key, elements, visit);
        for (const [key, entries] of logs) visitKey(key, entries, visit);
      },
      async notes() {
        return { docs: perPatient ? 'patient' : 'site' };
      },
      dispose() {
        for (const held of docs) for (const doc of held.values()) doc.destroy();
      },
    };
  };
}

function visitKey(key: string, value: unknown, visit: FieldVisitor): void {
  const at = key.lastIndexOf(FIELD);
  visit(key.slice(0, at), key.slice(at + 1), value);
}
