import * as A from '@automerge/automerge';
import type { FieldWrite, Save } from '../workload/primaryCareSaves.js';
import { canonicalJson } from './canonicalJson.js';
import { setAdds, type FieldKind } from './fieldKind.js';
import type { FieldVisitor, MergeResult, SystemFactory, VsCrdtSystem } from './vsCrdtSystem.js';

const FIELD = '#';
const ELEMENT = '\n';

/** One patient's record in the shared document. */
interface PatientRecord {
  /** Register fields, key `<resource>#<field>`. */
  f: Record<string, unknown>;
  /** Set fields, key `<resource>#<field>\n<canonical element>` → element. */
  s: Record<string, unknown>;
  /** Log fields: `{ k: '<resource>#<field>', v: entry }`. */
  l: { k: string; v: unknown }[];
}

/** A document: patient id → record (every patient, or one with `docs: 'patient'`). */
type SiteDocument = Record<string, PatientRecord>;

/** Options for {@link automergeSystem}. */
export interface AutomergeSystemOptions {
  /**
   * How a field's JSON value is stored. `json`: its JSON text in one `ImmutableString`
   * (an atomic value, one op, as Yjs and chartlog hold it; parsed back in materialize,
   * timed). `nested`: as Automerge maps and lists with `ImmutableString` leaves (one op
   * per member, and per-member merging the other systems do not offer).
   * @defaultValue `'json'`
   */
  readonly values?: 'json' | 'nested';
  /**
   * How sites exchange. `since`: each sends `A.saveSince(doc, forkHeads)` (everything it
   * recorded since the common fork, in the compressed format), applied with
   * `A.loadIncremental`: knowledge of the fork point stands in for a protocol round.
   * `sync`: Automerge's sync protocol, every pair until quiet (as chartlog syncs).
   * @defaultValue `'since'` (the faster)
   */
  readonly merge?: 'since' | 'sync';
  /**
   * `site`: one document per site holding every record. `patient`: one document per
   * patient per site (a document per record, as automerge-repo apps have); the merge
   * then exchanges every patient's document separately.
   * @defaultValue `'site'`
   */
  readonly docs?: 'site' | 'patient';
}

/**
 * Automerge 3: each site its own documents, every one forked (`A.clone`, the site's own
 * actor) from a common initial document holding an empty record per patient, each save
 * one `A.change`. The patient containers exist before the fork because a map or list
 * created at two sites while cut off is two objects, and after the merge one of them
 * (with everything written into it) is hidden behind the other (a conflict on its key);
 * creating a schema's containers in a shared initial document is the usual way round
 * it. (One flat map for every record instead measured 5× slower to record.) A change
 * costs more the more patients its document holds (`A.change` updates the JS view by
 * copying each map on the path, the root's thousands of keys included); `docs: 'patient'`
 * avoids that, but measured no faster overall (more GC, a merge per document). Per
 * patient `{ f, s, l }`: register fields as map entries, set elements as map entries
 * keyed by canonical JSON, log entries pushed on a list. Strings are never plain JS
 * strings, which Automerge 3 turns into collaborative text (an op per character).
 * Materialize is `A.toJS` of every document (plus parsing the JSON values, in `json` mode).
 */
export function automergeSystem(options: AutomergeSystemOptions = {}): SystemFactory {
  const values = options.values ?? 'json';
  const mergeMode = options.merge ?? 'since';
  const perPatient = (options.docs ?? 'site') === 'patient';
  const toAutomerge =
    values === 'json' ? (v: unknown): unknown => new A.ImmutableString(JSON.stringify(v)) : toNested;
  return async (setup) => {
    // Document key ('' for a site's one document, else the patient) → its patients, fork heads, and each site's fork.
    const groups = perPatient
      ? setup.patients.map((p) => [p, [p]] as const)
      : ([['', setup.patients]] as const);
    const forkHeads = new Map<string, A.Heads>();
    const docs = setup.sites.map(() => new Map<string, A.Doc<SiteDocument>>());
    for (const [key, patients] of groups) {
      const initial = A.from<SiteDocument>(
        Object.fromEntries(patients.map((p) => [p, { f: {}, s: {}, l: [] }])),
        { actor: 'ff' },
      );
      forkHeads.set(key, A.getHeads(initial));
      docs.forEach((held, i) =>
        held.set(key, A.clone(initial, { actor: (i + 1).toString(16).padStart(2, '0').repeat(8) })),
      );
      A.free(initial);
    }
    const siteIndex = new Map(setup.sites.map((s, i) => [s, i]));

    const writeSave = (d: SiteDocument, save: Save, kinds: readonly FieldKind[]): void => {
      const record = d[save.patient];
      if (record === undefined) throw new Error(`no container for patient ${save.patient}`);
      for (let i = 0; i < save.writes.length; i++) {
        const w = save.writes[i] as FieldWrite;
        const key = w.resource + FIELD + w.field;
        switch (kinds[i]) {
          case 'register':
            record.f[key] = toAutomerge(w.value);
            break;
          case 'set':
            for (const e of setAdds(w.value, key))
              record.s[key + ELEMENT + canonicalJson(e)] = toAutomerge(e);
            break;
          case 'log':
            record.l.push({ k: key, v: toAutomerge(w.value) });
            break;
        }
      }
    };

    const system: VsCrdtSystem = {
      async record(saves, kinds) {
        saves.forEach((save, i) => {
          const held = docs[siteIndex.get(save.site) as number] as Map<string, A.Doc<SiteDocument>>;
          const key = perPatient ? save.patient : '';
          held.set(
            key,
            A.change(held.get(key) as A.Doc<SiteDocument>, (d) =>
              writeSave(d, save, kinds[i] as readonly FieldKind[]),
            ),
          );
        });
      },
      async merge(): Promise<MergeResult> {
        let wireBytes = 0;
        let messages = 0;
        for (const [key, heads] of forkHeads) {
          const site = docs.map((held) => held.get(key) as A.Doc<SiteDocument>);
          if (mergeMode === 'sync') {
            for (const [i, j] of [
              [0, 1],
              [0, 2],
              [1, 2],
            ] as const) {
              const r = syncPair(site[i] as A.Doc<SiteDocument>, site[j] as A.Doc<SiteDocument>);
              site[i] = r.a;
              site[j] = r.b;
              wireBytes += r.bytes;
              messages += r.messages;
            }
          } else {
            // The request: the receiver's heads at the fork (32 bytes a hash); a sender with nothing new answers nothing.
            const requestBytes = heads.length * 32;
            const sent = site.map((d) =>
              A.getHeads(d).join() === heads.join() ? undefined : A.saveSince(d, heads),
            );
            site.forEach((doc, i) => {
              let d = doc;
              sent.forEach((chunk, j) => {
                if (i === j) return;
                wireBytes += requestBytes;
                messages++;
                if (chunk === undefined) return;
                wireBytes += chunk.byteLength;
                messages++;
                d = A.loadIncremental(d, chunk);
              });
              site[i] = d;
            });
          }
          site.forEach((d, i) => (docs[i] as Map<string, A.Doc<SiteDocument>>).set(key, d));
        }
        return { wireBytes, messages };
      },
      materialize(site) {
        return [...(docs[site] as Map<string, A.Doc<SiteDocument>>).values()].map((doc) => {
          const state = A.toJS(doc);
          if (values === 'json') {
            for (const record of Object.values(state)) {
              for (const key of Object.keys(record.f)) record.f[key] = parseJson(record.f[key]);
              for (const key of Object.keys(record.s)) record.s[key] = parseJson(record.s[key]);
              for (const entry of record.l) entry.v = parseJson(entry.v);
            }
          }
          return state;
        });
      },
      visitFields(materialized, visit: FieldVisitor) {
        const sets = new Map<string, unknown[]>();
        const logs = new Map<string, unknown[]>();
        for (const record of (materialized as SiteDocument[]).flatMap((state) => Object.values(state))) {
          for (const [key, value] of Object.entries(record.f)) visitKey(key, fromNested(value), visit);
          for (const [k, element] of Object.entries(record.s)) {
            const key = k.slice(0, k.indexOf(ELEMENT));
            let elements = sets.get(key);
            if (elements === undefined) sets.set(key, (elements = []));
            elements.push(fromNested(element));
          }
          for (const { k, v } of record.l) {
            let entries = logs.get(k);
            if (entries === undefined) logs.set(k, (entries = []));
            entries.push(fromNested(v));
          }
        }
        for (const [key, elements] of sets) visitKey(key, elements, visit);
        for (const [key, entries] of logs) visitKey(key, entries, visit);
      },
      async notes() {
        return { docs: perPatient ? 'patient' : 'site', values, merge: mergeMode };
      },
      dispose() {
        for (const held of docs) for (const d of held.values()) A.free(d);
      },
    };
    return system;
  };
}

function parseJson(value: unknown): unknown {
  return JSON.parse((value as A.ImmutableString).val) as unknown;
}

/** Syncs two documents with Automerge's sync protocol until both are quiet. */
function syncPair<T>(
  a0: A.Doc<T>,
  b0: A.Doc<T>,
): { a: A.Doc<T>; b: A.Doc<T>; bytes: number; messages: number } {
  let a = a0;
  let b = b0;
  let sa = A.initSyncState();
  let sb = A.initSyncState();
  let bytes = 0;
  let messages = 0;
  for (let round = 0; round < 100; round++) {
    let m: Uint8Array | null;
    [sa, m] = A.generateSyncMessage(a, sa);
    const fromA = m;
    if (fromA) {
      bytes += fromA.byteLength;
      messages++;
      [b, sb] = A.receiveSyncMessage(b, sb, fromA);
    }
    [sb, m] = A.generateSyncMessage(b, sb);
    const fromB = m;
    if (fromB) {
      bytes += fromB.byteLength;
      messages++;
      [a, sa] = A.receiveSyncMessage(a, sa, fromB);
    }
    if (!fromA && !fromB) return { a, b, bytes, messages };
  }
  throw new Error('automerge sync did not go quiet in 100 rounds');
}

/** A JSON value as Automerge maps and lists, strings immutable (not text). */
function toNested(value: unknown): unknown {
  if (typeof value === 'string') return new A.ImmutableString(value);
  if (Array.isArray(value)) return value.map(toNested);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toNested(v);
    return out;
  }
  return value;
}

/** Back from {@link toNested} to plain JSON (the harness's normalization, untimed). */
function fromNested(value: unknown): unknown {
  if (value instanceof A.ImmutableString) return value.val;
  if (Array.isArray(value)) return value.map(fromNested);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromNested(v);
    return out;
  }
  return value;
}

function visitKey(key: string, value: unknown, visit: FieldVisitor): void {
  const at = key.lastIndexOf(FIELD);
  visit(key.slice(0, at), key.slice(at + 1), value);
}
