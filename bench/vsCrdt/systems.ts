import type { SystemFactory } from './vsCrdtSystem.js';

/** The systems the vs-crdt benchmark compares, in the order it runs them. */
export const SYSTEM_NAMES = ['chartlog', 'chartlog-no-integrity', 'yjs', 'automerge'] as const;

/** One of {@link SYSTEM_NAMES}: `chartlog` has its integrity features on (its default), `chartlog-no-integrity` off. */
export type SystemName = (typeof SYSTEM_NAMES)[number];

/** Whether `name` is one of {@link SYSTEM_NAMES}. */
export function isSystemName(name: string): name is SystemName {
  return (SYSTEM_NAMES as readonly string[]).includes(name);
}

/** Modelling choices a run can change (`npm run bench -- vs-crdt automerge-values=nested` …). */
export interface SystemOptions {
  /** Saves per `recordAll` call for chartlog. @defaultValue `1` */
  readonly chartlogBatch?: number;
  /** See `AutomergeSystemOptions.values`. @defaultValue `'json'` */
  readonly automergeValues?: 'json' | 'nested';
  /** See `AutomergeSystemOptions.merge`. @defaultValue `'since'` */
  readonly automergeMerge?: 'since' | 'sync';
  /** Yjs and Automerge: a document per site or per patient (`YjsSystemOptions.docs`). @defaultValue `'site'` */
  readonly crdtDocs?: 'site' | 'patient';
}

/**
 * The factory for a system, imported on demand so a worker process loads only the
 * library it measures (another library's module graph would sit in its memory).
 */
export async function loadSystem(name: SystemName, options: SystemOptions = {}): Promise<SystemFactory> {
  const batch = options.chartlogBatch === undefined ? {} : { batch: options.chartlogBatch };
  switch (name) {
    case 'yjs':
      return (await import('./yjsSystem.js')).yjsSystem(
        options.crdtDocs === undefined ? {} : { docs: options.crdtDocs },
      );
    case 'automerge':
      return (await import('./automergeSystem.js')).automergeSystem({
        ...(options.automergeValues === undefined ? {} : { values: options.automergeValues }),
        ...(options.automergeMerge === undefined ? {} : { merge: options.automergeMerge }),
        ...(options.crdtDocs === undefined ? {} : { docs: options.crdtDocs }),
      });
    case 'chartlog':
      return (await import('./chartlogSystem.js')).chartlogSystem({ integrity: true, ...batch });
    case 'chartlog-no-integrity':
      return (await import('./chartlogSystem.js')).chartlogSystem({ integrity: false, ...batch });
  }
}
