import type { Author, ChartEvent } from '../event/chartEvent.js';
import type { EventId, SiteId, StreamId } from '../event/ids.js';
import { isPlainObject, type Json } from '../event/json.js';
import { RESOURCE_KEY_PATTERN, type Schema } from '../merge/schema.js';
import { isFoldable } from './applyEvent.js';
import type { Chart } from './chart.js';
import type { StreamState } from './streamState.js';

/** Whether a historical write is what the record shows now. */
export type HistoryStatus =
  /** Shown now (for `mv` in conflict, every competing write is current). */
  | 'current'
  /** Overwritten, or lost to a concurrent write (lww), or never shown (once, max, min). */
  | 'superseded'
  /** Its event was retracted. */
  | 'retracted'
  /** Its event type or version is not understood here, or its data does not fit the schema: kept and relayed, not folded. */
  | 'ignored';

/** One write of one field: the audit trail (who, where, when, what, what it replaced). */
export interface HistoryEntry {
  /** The event. */
  readonly id: EventId;
  /** Its clinical type, e.g. `medication.dose-changed`. */
  readonly type: string;
  /** The schema version of its payload (a newer one than this code knows is `ignored`). */
  readonly v: number;
  /** Where. */
  readonly site: SiteId;
  /** Seq at that site. */
  readonly seq: number;
  /** When (HLC stamp). */
  readonly hlc: string;
  /** Who. */
  readonly author: Author;
  /** What was written. */
  readonly value: Json;
  /** The writes it saw as current and so replaced (its `pred` for this field). */
  readonly replaced: readonly EventId[];
  /** Whether it is shown now. */
  readonly status: HistoryStatus;
}

/**
 * Every write of `resource.field` in a stream, in total order, with its author, site,
 * time and what it replaced: the audit trail the law asks for (docs/architecture.md, "Merge rules"), from an
 * in-memory chart. A replica reads its own with `Replica.history()`.
 *
 * @example history(chart, stream, 'MedicationRequest/m1', 'dosage')
 */
export function history(chart: Chart, stream: StreamId, resource: string, field: string): HistoryEntry[] {
  return historyOf(chart.state(stream), chart.events(stream), chart.schema, resource, field);
}

/**
 * The history of `resource.field` from a stream's state and its events (in total
 * order): what {@link history} and `Replica.history()` (which reads the events from its
 * store by the stream index) both return.
 */
export function historyOf(
  state: StreamState | undefined,
  events: readonly ChartEvent[],
  schema: Schema,
  resource: string,
  field: string,
): HistoryEntry[] {
  const type = RESOURCE_KEY_PATTERN.exec(resource)?.[1];
  const fieldState = state?.resources[resource]?.fields[field];
  const resolved = type !== undefined ? schema.field(type, field) : undefined;
  const current = new Set<string>(fieldState && resolved ? resolved.rule.current(fieldState) : []);
  const retracted = new Set<string>(state?.retracted ?? []);
  const out: HistoryEntry[] = [];
  for (const e of events) {
    const fields = e.data[resource];
    if (!isPlainObject(fields) || !(field in fields)) continue;
    const value = fields[field] as Json;
    const understood = isFoldable(e, schema);
    out.push({
      id: e.id,
      type: e.type,
      v: e.v,
      site: e.site,
      seq: e.seq,
      hlc: e.hlc,
      author: e.author,
      value,
      replaced: e.pred[resource]?.[field] ?? [],
      status: retracted.has(e.id)
        ? 'retracted'
        : !understood
          ? 'ignored'
          : current.has(e.id)
            ? 'current'
            : 'superseded',
    });
  }
  return out;
}
