import { clinicalSchema } from '../../src/clinical/index.js';

/**
 * How a field of the workload behaves, whatever the system: a `register` holds one value
 * (a later write replaces it), a `set` accumulates elements (`{ add: [...] }` writes),
 * a `log` keeps every entry (consultation notes).
 */
export type FieldKind = 'register' | 'set' | 'log';

const cache = new Map<string, FieldKind>();

/**
 * The kind of `field` on a resource key (`<Type>/<id>`), from the clinical schema pack
 * the workload is written against: its `set` and `log` rules are the two non-register
 * kinds; every other rule (`lww`, `mv`, `once`, `min`, `max`) keeps one value per field.
 * The schema is only the workload's data dictionary here: every system reads the same
 * answer. Cached per type and field.
 *
 * @throws Error when the schema does not declare the field (the workload and the pack disagree).
 */
export function fieldKind(resource: string, field: string): FieldKind {
  const type = resource.slice(0, resource.indexOf('/'));
  const key = `${type}#${field}`;
  let kind = cache.get(key);
  if (kind === undefined) {
    const resolved = clinicalSchema.field(type, field);
    if (resolved === undefined) throw new Error(`the clinical schema has no field ${type}.${field}`);
    const rule = resolved.rule.name;
    kind = rule === 'set' ? 'set' : rule === 'log' ? 'log' : 'register';
    cache.set(key, kind);
  }
  return kind;
}

/** The elements a `set` write adds (the workload writes `{ add: [...] }` only). */
export function setAdds(value: unknown, where: string): readonly unknown[] {
  const op = value as { add?: unknown; remove?: unknown };
  if (op.remove !== undefined) throw new Error(`${where}: set removes are not part of this workload`);
  if (!Array.isArray(op.add)) throw new Error(`${where}: a set write must be { add: [...] }`);
  return op.add;
}
