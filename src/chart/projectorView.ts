import type { ChartView } from './chartView.js';
import { readDirectly, type ProjectionRead, type Projector } from './projector.js';

/**
 * The {@link ChartView} of a projector, with `latestStamp`, plus the members of `extra`
 * (copied with their getters) that make it an `R` (a `Chart`, a `StoreProjection`): what
 * an in-memory chart and every store's projection hand out, each read going through `read`.
 *
 * @example const handle = projectorView(projector, { opening, rebuild }, guardedRead);
 */
export function projectorView<R extends ChartView>(
  projector: Projector,
  extra: Omit<R, keyof ChartView | 'latestStamp'>,
  read: ProjectionRead = readDirectly,
): R {
  const view: ChartView & { readonly latestStamp: string | undefined } = {
    schema: projector.schema,
    get size() {
      return read('size', () => projector.size);
    },
    get latestStamp() {
      return read('latestStamp', () => projector.latestStamp);
    },
    state: (stream) => read('state', () => projector.state(stream)),
    resource: (stream, key) => read('resource', () => projector.resource(stream, key)),
    lastWrite: (stream, key) => read('lastWrite', () => projector.lastWrite(stream, key)),
    openConflicts: (stream) => read('openConflicts', () => projector.openConflicts(stream)),
    stateHash: (stream) => read('stateHash', () => projector.stateHash(stream)),
    hash: () => read('hash', () => projector.hash()),
    streams: () => read('streams', () => projector.streams()),
    conflictStreams: () => read('conflictStreams', () => projector.conflictStreams()),
    locate: (key) => read('locate', () => projector.locate(key)),
    resourceKeys: (type, options) => read('resourceKeys', () => projector.resourceKeys(type, options)),
  };
  return Object.defineProperties(view, Object.getOwnPropertyDescriptors(extra)) as unknown as R;
}
