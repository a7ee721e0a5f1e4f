import { createHash } from 'node:crypto';
import type { Save } from '../workload/primaryCareSaves.js';
import { canonicalJson } from './canonicalJson.js';
import { fieldKind, setAdds } from './fieldKind.js';
import type { MultiSiteFields } from './logicalDigest.js';
import type { FieldVisitor } from './vsCrdtSystem.js';

/** What every system must show after the merge, worked out from the saves alone. */
export interface ExpectedState {
  /** Register fields written at two or more sites, with each site's last value (canonical). */
  readonly multiSite: MultiSiteFields;
  /** Walks the expected fields; a multi-site register shows one of its candidates. */
  walk(visit: FieldVisitor): void;
}

/**
 * The library-neutral oracle: sites never see each other's writes before the merge, so
 * a register written at one site ends with that site's last write, a register written
 * at several is a conflict (any writing site's last value is acceptable, and left out of
 * the logical digest), a set holds every element any site added, and a log every entry.
 */
export function expectedState(saves: readonly Save[]): ExpectedState {
  const registers = new Map<string, Map<string, unknown>>();
  const sets = new Map<string, Map<string, unknown>>();
  const logs = new Map<string, unknown[]>();
  for (const save of saves) {
    for (const w of save.writes) {
      const key = `${w.resource}#${w.field}`;
      switch (fieldKind(w.resource, w.field)) {
        case 'register': {
          let bySite = registers.get(key);
          if (bySite === undefined) registers.set(key, (bySite = new Map()));
          bySite.set(save.site, w.value);
          break;
        }
        case 'set': {
          let elements = sets.get(key);
          if (elements === undefined) sets.set(key, (elements = new Map()));
          for (const e of setAdds(w.value, key)) elements.set(canonicalJson(e), e);
          break;
        }
        case 'log': {
          let entries = logs.get(key);
          if (entries === undefined) logs.set(key, (entries = []));
          entries.push(w.value);
          break;
        }
      }
    }
  }
  const multiSite = new Map<string, Set<string>>();
  for (const [key, bySite] of registers)
    if (bySite.size > 1) multiSite.set(key, new Set([...bySite.values()].map((v) => canonicalJson(v))));
  const split = (key: string): [string, string] => {
    const at = key.lastIndexOf('#');
    return [key.slice(0, at), key.slice(at + 1)];
  };
  return {
    multiSite,
    walk(visit) {
      for (const [key, bySite] of registers) visit(...split(key), [...bySite.values()].pop());
      for (const [key, elements] of sets) visit(...split(key), [...elements.values()]);
      for (const [key, entries] of logs) visit(...split(key), entries);
    },
  };
}

/** SHA-256 of the saves (each as JSON, in order): every worker prints it, so all systems provably ran the same data. */
export function hashSaves(saves: readonly Save[]): string {
  const h = createHash('sha256');
  for (const s of saves) h.update(JSON.stringify(s)).update('\n');
  return h.digest('hex').slice(0, 16);
}
