import type { Json } from '../event/json.js';
import type { MergeRule } from '../merge/mergeRule.js';

/** One checked write of an event, ready to apply. */
export interface PlannedWrite {
  resource: string;
  type: string;
  id: string;
  field: string;
  rule: MergeRule;
  value: Json;
}

/**
 * The checked writes of the event being applied: `writes[0..count)`. One plan is owned by
 * whoever folds a batch ({@link applyBatch}) and refilled for each event, so folding does
 * not allocate a plan per event (measurable on a rebuild); its slots are reused, so it
 * must not be shared by two folds running at once. The fold is synchronous, so one per
 * call is enough.
 */
export interface WritePlan {
  /** Slots, reused from event to event; only the first `count` belong to the current event. */
  readonly writes: PlannedWrite[];
  /** How many writes the current event has. */
  count: number;
}

/** An empty {@link WritePlan}, for one fold to own. */
export function createWritePlan(): WritePlan {
  return { writes: [], count: 0 };
}

/** Sets the plan's next slot (reusing it when there is one) and counts it. */
export function addPlannedWrite(
  plan: WritePlan,
  resource: string,
  type: string,
  id: string,
  field: string,
  rule: MergeRule,
  value: Json,
): void {
  const slot = plan.writes[plan.count];
  if (slot === undefined) plan.writes[plan.count] = { resource, type, id, field, rule, value };
  else {
    slot.resource = resource;
    slot.type = type;
    slot.id = id;
    slot.field = field;
    slot.rule = rule;
    slot.value = value;
  }
  plan.count++;
}
