import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  defineSchema,
  type EventResourcesOf,
  type EventTypeOf,
  type ResourceTypeOf,
  type Schema,
} from '../../src/index.js';

describe('defineSchema keeps the literal names of what it defines', () => {
  const schema = defineSchema({
    resources: { Flag: { fields: { code: 'mv', note: 'log' } }, Task: { fields: { status: 'mv' } } },
    events: {
      'flag.raised': { v: 1, resources: ['Flag'] },
      'task.done': { v: 1, resources: ['Task', 'Flag'] },
      'any.thing': { v: 1, resources: '*' },
    },
  });

  it('so event types, resource types and what each event writes are derived from it', () => {
    expectTypeOf<EventTypeOf<typeof schema>>().toEqualTypeOf<'flag.raised' | 'task.done' | 'any.thing'>();
    expectTypeOf<ResourceTypeOf<typeof schema>>().toEqualTypeOf<'Flag' | 'Task'>();
    expectTypeOf<EventResourcesOf<typeof schema, 'task.done'>>().toEqualTypeOf<'Task' | 'Flag'>();
    expectTypeOf<EventResourcesOf<typeof schema, 'any.thing'>>().toEqualTypeOf<string>();
    // @ts-expect-error: not an event type of this schema
    expectTypeOf<EventResourcesOf<typeof schema, 'flag.rasied'>>().toBeNever();
    expect(schema.eventType('task.done', 1)?.resources).toEqual(['Task', 'Flag']);
  });

  it('and the schema still goes wherever any schema does', () => {
    const any: Schema = schema;
    expect(any.field('Flag', 'code')).toBeDefined();
    expectTypeOf<EventTypeOf<Schema>>().toEqualTypeOf<string>();
  });
});
