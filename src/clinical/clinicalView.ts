import type { ResourceState, StreamState } from '../chart/streamState.js';
import {
  choiceOf,
  codeIn,
  conflictsOf,
  idOf,
  notesOf,
  resourcesOfType,
  valueOf,
  type ClinicalNote,
  type ReadResource,
} from './readState.js';

/** One column of a view: a plain value read from a folded resource (and its stream state, which holds the conflicts). */
export type ViewColumn<V = unknown> = (resource: ResourceState, state: StreamState) => V;

/** A view's columns by name. */
export type ViewColumns = Readonly<Record<string, ViewColumn>>;

/**
 * How the pack shows one resource type as plain values: the resource type and a column
 * per value (see {@link defineView}). The view's type is derived from it ({@link ViewOf}),
 * so a view is declared once, not as an interface and a reader that must agree.
 */
export interface ViewDefinition<T extends string = string, C extends ViewColumns = ViewColumns> {
  /** The resource type it shows (the key's part before `/`). */
  readonly resourceType: T;
  /** The columns, by the name they have in the view. */
  readonly columns: C;
}

/**
 * The plain values a view shows of one resource: `id` and `conflicts`, then one readonly
 * property per column, typed as that column returns.
 */
export type ViewOf<D extends ViewDefinition> = ReadResource & {
  readonly [K in keyof D['columns']]: ReturnType<D['columns'][K]>;
};

/** The column builders {@link defineView} hands its `columns` callback: the common ways to read a field. */
export interface ViewColumnBuilders {
  /** The value a field shows, or undefined when never written (or removed). */
  field<V>(field: string): ViewColumn<V | undefined>;
  /** A repeating field's values, `[]` when never written. */
  list<V>(field: string): ViewColumn<readonly V[]>;
  /** The id a `Reference` field points to (`{ reference: 'Patient/p1' }` → `p1`); the first, for a repeating one. */
  referenceId(field: string): ViewColumn<string | undefined>;
  /** The code a `CodeableConcept` field holds in `system` (how R4 states a status bound as a concept). */
  codeIn<C extends string>(field: string, system: string): ViewColumn<C | undefined>;
  /** A choice element's value when held as `member` (`onset` as `onsetDateTime`). */
  choice<V>(field: string, member: string): ViewColumn<V | undefined>;
  /** A `log` field of Annotations as notes with their authors, sites and times, in the total order. @defaultValue field `note` */
  notes(field?: string): ViewColumn<readonly ClinicalNote[]>;
}

const builders: ViewColumnBuilders = {
  field: (field) => (r) => valueOf(r, field),
  list: (field) => (r) => valueOf(r, field) ?? [],
  referenceId: (field) => (r) => {
    const value = valueOf<unknown>(r, field);
    return idOf(Array.isArray(value) ? value[0] : value);
  },
  codeIn: (field, system) => (r) => codeIn(valueOf(r, field), system),
  choice: (field, member) => (r) => choiceOf(r, field, member),
  notes: (field) => (r) => notesOf(r, field),
};

/**
 * Declares how the pack shows a resource type as plain values: `columns` gets the
 * {@link ViewColumnBuilders} and returns a column per value (a builder, or any
 * {@link ViewColumn} for what they do not cover).
 *
 * @example
 * ```ts
 * const flagView = defineView('Flag', (c) => ({
 *   /** What the flag says. *\/
 *   code: c.field<CodeableConcept>('code'),
 *   patientId: c.referenceId('subject'),
 * }));
 * readView(flagView, state)[0]?.code
 * ```
 */
export function defineView<const T extends string, const C extends ViewColumns>(
  resourceType: T,
  columns: (c: ViewColumnBuilders) => C,
): ViewDefinition<T, C> {
  return { resourceType, columns: columns(builders) };
}

/** Every resource of a view's type in a stream state, by id order, as that view's plain values with the names of fields in conflict. */
export function readView<D extends ViewDefinition>(view: D, state: StreamState | undefined): ViewOf<D>[] {
  if (!state) return [];
  return resourcesOfType(state, view.resourceType).map((r) => {
    const row: Record<string, unknown> = { id: r.id, conflicts: conflictsOf(state, r) };
    for (const [name, column] of Object.entries(view.columns)) row[name] = column(r, state);
    return row as ViewOf<D>;
  });
}
