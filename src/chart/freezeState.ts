/**
 * Deep-freezes a state built from plain objects, stopping at anything already frozen
 * (write refs are frozen when made; event values are frozen by writers and stores).
 * Does what immer's `freeze(state, true)` does with none of its per-object checks for
 * drafts, Maps and Sets, which a chart state never holds: about 2× cheaper on rebuild.
 */
export function freezeState<T extends object>(value: T): T {
  if (Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'object' && v !== null) freezeState(v);
    }
  } else {
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const v: unknown = (value as Record<string, unknown>)[keys[i] as string];
      if (typeof v === 'object' && v !== null) freezeState(v);
    }
  }
  return value;
}
