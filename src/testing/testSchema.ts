import { defineSchema, type Schema } from '../merge/schema.js';

/** The resource type of {@link testSchema}. */
export const TEST_RESOURCE_TYPE = 'Item';
/** The event type {@link testSchema} writes `Item` fields with. */
export const TEST_EVENT_TYPE = 'item.written';

/**
 * A small schema for property tests: one resource type, `Item`, with one field per
 * built-in rule, each field named after its rule (`lww`, `mv`, `once`, `max`, `min`,
 * `set`, `log`), and one event type, `item.written`, that may write any of them.
 *
 * @example
 * ```ts
 * prepareWrite(testSchema, state, { stream, type: TEST_EVENT_TYPE, author, writes: { 'Item/r1': { mv: 'a' } } });
 * ```
 */
export const testSchema: Schema = defineSchema({
  resources: {
    [TEST_RESOURCE_TYPE]: {
      doc: 'A test resource with one field per built-in merge rule.',
      fields: { lww: 'lww', mv: 'mv', once: 'once', max: 'max', min: 'min', set: 'set', log: 'log' },
    },
  },
  events: {
    [TEST_EVENT_TYPE]: { v: 1, resources: [TEST_RESOURCE_TYPE], doc: 'Writes any fields of an Item.' },
  },
});
