import type { Author } from '../event/chartEvent.js';
import type { EventId, SiteId, StreamId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import type { WriteRef } from '../merge/mergeRule.js';
import type { Chart } from './chart.js';
import type { ChartView } from './chartView.js';
import { ChartlogError } from '../error/chartlogError.js';
import { conflictKey, parseConflictKey } from './streamState.js';

/** One of the competing writes in an open conflict, as a clinician reviews it. */
export interface ConflictingWrite {
  /** The event that wrote it. */
  readonly id: EventId;
  /** The value it wrote. */
  readonly value: Json;
  /** Where it was recorded. */
  readonly site: SiteId;
  /** When (HLC stamp). */
  readonly hlc: string;
  /** Who recorded it (the full author from the event). */
  readonly author: Author;
}

/** An open conflict on one field: what a clinician review queue shows. */
export interface Conflict {
  /** The record. */
  readonly stream: StreamId;
  /** Resource key, e.g. `AllergyIntolerance/a1`. */
  readonly resource: string;
  /** Field name, e.g. `criticality`. */
  readonly field: string;
  /** The field's merge rule (`mv`, `once`, or a custom rule's name). */
  readonly rule: string;
  /** The value shown until someone resolves it (the latest write in the total order for `mv`, the first for `once`). */
  readonly provisional: Json;
  /** Every competing write, in total order. */
  readonly writes: readonly ConflictingWrite[];
}

/** Where a conflict sits in the review queue's order (stream, then resource, then field): any {@link Conflict} is one. */
export interface ConflictPosition {
  readonly stream: StreamId;
  readonly resource: string;
  readonly field: string;
}

/** Options for {@link listConflicts} and {@link readConflicts}. */
export interface ListConflictsOptions {
  /** Only this stream. @defaultValue every stream */
  readonly stream?: StreamId;
  /**
   * At most this many conflicts: a page of the queue. Only the conflicts returned are
   * loaded, so a page costs the same however long the queue is. @defaultValue every one
   */
  readonly limit?: number;
  /**
   * Start after this conflict (the last of the previous page), in the queue's order.
   * It need not still be open. @defaultValue from the start
   */
  readonly after?: ConflictPosition;
}

/**
 * Every open conflict across streams, ordered by stream, resource and field: the
 * clinician review queue (docs/architecture.md, "Merge rules"), from an in-memory chart,
 * or a page of it (`limit`, `after`). Resolve one with `prepareConflictResolution`. A
 * replica lists its own with `Replica.conflicts()`.
 * @throws ChartlogError `INVALID_OPTION` when `limit` is not a positive whole number.
 */
export function listConflicts(chart: Chart, options: ListConflictsOptions = {}): Conflict[] {
  const out: Conflict[] = [];
  for (const found of openConflictsInOrder(chart, options)) {
    const stream = found.stream;
    out.push({
      ...found,
      writes: found.writes.map((w) => ({
        ...writeOf(w),
        author: chart.event(stream, w.id)?.author ?? { id: w.author },
      })),
    });
  }
  return out;
}

/**
 * How many conflicts are open in a chart view, from its conflict index and each such
 * stream's row alone: no resource is loaded (what {@link readConflicts} counts, without
 * reading the competing values).
 */
export function countOpenConflicts(view: ChartView): number {
  let n = 0;
  for (const stream of view.conflictStreams()) n += view.openConflicts(stream).length;
  return n;
}

/**
 * {@link listConflicts} for any chart view, such as a replica's persisted projection:
 * streams come from its conflict index, and each competing write's full author from
 * `authorOf` (a replica reads the event from its store by site and seq).
 * @throws ChartlogError `INVALID_OPTION` when `limit` is not a positive whole number.
 */
export async function readConflicts(
  view: ChartView,
  authorOf: (write: WriteRef) => Promise<Author | undefined>,
  options: ListConflictsOptions = {},
): Promise<Conflict[]> {
  const out: Conflict[] = [];
  for (const found of openConflictsInOrder(view, options)) {
    const writes: ConflictingWrite[] = [];
    for (const w of found.writes)
      writes.push({ ...writeOf(w), author: (await authorOf(w)) ?? { id: w.author } });
    out.push({ ...found, writes });
  }
  return out;
}

type FoundConflict = Omit<Conflict, 'writes'> & { readonly writes: readonly WriteRef[] };

/**
 * The open conflicts of `options` in queue order, after `options.after`, at most
 * `options.limit`: resources are loaded only for the conflicts yielded.
 */
function* openConflictsInOrder(view: ChartView, options: ListConflictsOptions): Generator<FoundConflict> {
  const { limit, after } = options;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0))
    throw new ChartlogError('INVALID_OPTION', `limit must be a positive whole number, not ${String(limit)}`, {
      details: { option: 'limit' },
    });
  let left = limit ?? Infinity;
  const afterKey = after === undefined ? undefined : conflictKey(after.resource, after.field);
  for (const stream of options.stream !== undefined ? [options.stream] : view.conflictStreams()) {
    if (after !== undefined && stream < after.stream) continue;
    // One stream's conflicts are read at once, before the caller awaits anything: a
    // write landing mid-page can fall between streams, never inside one.
    const found = conflictsInState(view, stream, stream === after?.stream ? afterKey : undefined, left);
    yield* found;
    left -= found.length;
    if (left === 0) return;
  }
}

/**
 * The first `max` open conflicts of one stream after `afterKey` (a {@link conflictKey}),
 * with their competing writes as the rule keeps them: loads only those resources.
 */
function conflictsInState(
  view: ChartView,
  stream: StreamId,
  afterKey: string | undefined,
  max: number,
): FoundConflict[] {
  const out: FoundConflict[] = [];
  for (const key of view.openConflicts(stream)) {
    if (out.length === max) break;
    if (afterKey !== undefined && key <= afterKey) continue;
    const { resource, field } = parseConflictKey(key);
    const res = view.resource(stream, resource);
    const fieldState = res?.fields[field];
    const resolved = res ? view.schema.field(res.type, field) : undefined;
    if (!res || !fieldState || !resolved) continue;
    out.push({
      stream,
      resource,
      field,
      rule: resolved.rule.name,
      provisional: fieldState.value as Json,
      writes: resolved.rule.conflict(fieldState) ?? [],
    });
  }
  return out;
}

function writeOf(w: WriteRef): Omit<ConflictingWrite, 'author'> {
  return { id: w.id, value: w.value, site: w.site, hlc: w.hlc };
}
