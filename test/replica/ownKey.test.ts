/**
 * A replica opened with a key that is not its site's refuses to open: the events it would
 * sign could never be taken by any peer (their signatures would not verify), so recording
 * with it would strand them. The store's own signed events say which key is the site's.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemoryEventLog,
  createReplica,
  generateSiteKeys,
  isChartlogError,
  type EventLog,
} from '../../src/index.js';
import { testSchema } from '../../src/testing/index.js';
import { caughtError } from '../support/caughtError.js';
import { draft as siteDraft } from './fixtures.js';

const draft = (n: number) => siteDraft('practice-a', n);

async function storeSignedBy(keys: ReturnType<typeof generateSiteKeys>, events: number): Promise<EventLog> {
  const store = createMemoryEventLog();
  const replica = await createReplica({ site: 'practice-a', keys, store, schema: testSchema, signEvery: 4 });
  for (let n = 0; n < events; n++) await replica.record(draft(n));
  return store;
}

describe("a replica's own key", () => {
  it('refuses to open a store whose own signed events another key signed, naming the site, and records nothing', async () => {
    const store = await storeSignedBy(generateSiteKeys(), 6);
    const before = await store.count();
    const error = await caughtError(
      createReplica({ site: 'practice-a', keys: generateSiteKeys(), store, schema: testSchema }),
    );
    expect(isChartlogError(error, 'INVALID_OPTION')).toBe(true);
    expect(error).toMatchObject({ details: { site: 'practice-a', option: 'keys' } });
    expect((error as Error).message).toMatch(/not practice-a's key/);
    expect(await store.count()).toBe(before);
  });

  it('opens with the key that signed them, and with any key on a store that holds none of its events', async () => {
    const keys = generateSiteKeys();
    const store = await storeSignedBy(keys, 6);
    await expect(
      createReplica({ site: 'practice-a', keys, store, schema: testSchema }),
    ).resolves.toBeDefined();
    await expect(
      createReplica({ site: 'practice-b', keys: generateSiteKeys(), store, schema: testSchema }),
    ).resolves.toBeDefined();
  });

  it('opens with any key when the store holds the site events but no signature yet (integrity off)', async () => {
    const store = createMemoryEventLog();
    const first = await createReplica({
      site: 'practice-a',
      keys: generateSiteKeys(),
      store,
      schema: testSchema,
      integrity: false,
    });
    await first.record(draft(1));
    await expect(
      createReplica({ site: 'practice-a', keys: generateSiteKeys(), store, schema: testSchema }),
    ).resolves.toBeDefined();
  });
});
