import { eventIdOf, type ChartEvent } from '../../src/index.js';

/**
 * `event` with `changes` applied and its id derived again from the new content, without a
 * signature: what a careful forger (a relay, a buggy writer) would make, so that the test
 * reaches the check it is about (chain, signature, fork) rather than stopping at the id,
 * which any alteration of an event changes (see eventIdOf).
 */
export function alteredEvent(
  event: ChartEvent,
  changes: Partial<Record<keyof ChartEvent, unknown>>,
): ChartEvent {
  const { id: _id, sig: _sig, ...rest } = { ...event, ...changes } as ChartEvent;
  return { ...rest, id: eventIdOf(rest) } as ChartEvent;
}
