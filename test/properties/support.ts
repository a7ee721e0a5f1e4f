import {
  RETRACTION_EVENT,
  type ChartEvent,
  type EventId,
  type Json,
  type MergeRule,
  type Schema,
  type StreamId,
} from '../../src/index.js';
import { diffJson, propertyRuns } from '../../src/testing/index.js';

/** One field write inside an event, with what the fold needs to judge it. */
export interface FieldWriteOf {
  readonly event: ChartEvent;
  readonly stream: StreamId;
  readonly resource: string;
  readonly field: string;
  readonly rule: MergeRule;
  readonly value: Json;
  readonly pred: readonly EventId[];
}

/** Every field write in `events` that the schema understands, in input order. */
export function fieldWritesOf(events: readonly ChartEvent[], schema: Schema): FieldWriteOf[] {
  const out: FieldWriteOf[] = [];
  for (const event of events) {
    if (event.type === RETRACTION_EVENT || !schema.eventType(event.type, event.v)) continue;
    for (const [resource, fields] of Object.entries(event.data)) {
      const type = resource.split('/')[0] as string;
      for (const [field, value] of Object.entries(fields as Record<string, Json>)) {
        const resolved = schema.field(type, field);
        if (!resolved) continue;
        out.push({
          event,
          stream: event.stream,
          resource,
          field,
          rule: resolved.rule,
          value,
          pred: event.pred[resource]?.[field] ?? [],
        });
      }
    }
  }
  return out;
}

/** Ids named by any retraction among `events`. */
export function retractedIds(events: readonly ChartEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of events)
    if (e.type === RETRACTION_EVENT)
      for (const id of (e.data['retracts'] as string[] | undefined) ?? []) out.add(id);
  return out;
}

/** `stream resource#field`: a key for one field of one resource of one stream. */
export function fieldKey(stream: string, resource: string, field: string): string {
  return `${stream} ${resource}#${field}`;
}

/** Coverage assertions (e.g. "some run rewound") only make sense with enough runs. */
export const ENOUGH_RUNS_FOR_COVERAGE = propertyRuns(100) >= 20;

/** Fails with a per-path diff (not a truncated object dump) when two JSON-like values differ canonically. */
export function expectSameJson(actual: unknown, expected: unknown, what: string): void {
  const differences = diffJson(expected as Json, actual as Json, { max: 6 });
  if (differences.length > 0)
    throw new Error(`${what} differs (expected → actual):\n${differences.map((d) => `  ${d}`).join('\n')}`);
}

/**
 * A deliberately order-sensitive custom rule (it claims no laws): the field shows the
 * write applied last. It converges only because the fold applies writes in the total
 * order, so a schema using it makes the permutation property sensitive to that sort.
 */
export const lastApplied: MergeRule<{ readonly value: Json }> = {
  name: 'last-applied',
  laws: [],
  check: () => undefined,
  create: (write) => ({ value: write.value }),
  apply: (state, write) => {
    (state as { value: Json }).value = write.value as Json;
  },
  merge: (state, other) => {
    (state as { value: Json }).value = other.value as Json;
  },
  conflict: () => undefined,
  current: () => [],
  pred: () => [],
};
