import { describe, expect, it } from 'vitest';
import type { ChartEvent } from '../../src/event/chartEvent.js';
import { createMemoryEventLog } from '../../src/store/memory/memoryEventLog.js';
import { makeWriter, siteEvents, SITES } from '../support/storeFixtures.js';

describe('memory event log', () => {
  it('keeps its own copy of events that are not frozen, so a caller changing them later changes nothing stored', async () => {
    const [event] = siteEvents(makeWriter(SITES[0]!), 1);
    const thawed = JSON.parse(JSON.stringify(event)) as {
      data: Record<string, Record<string, unknown>>;
    } & ChartEvent;
    const log = createMemoryEventLog();
    await log.append([thawed]);
    (thawed.data as Record<string, unknown>)['Observation/x'] = { changed: true };
    expect(await log.get(SITES[0]!, 1)).toEqual(event);
    expect(Object.isFrozen((await log.get(SITES[0]!, 1))?.data)).toBe(true);
  });

  it('refuses an event over maxEventBytes with OVERSIZE', async () => {
    const log = createMemoryEventLog({ maxEventBytes: 100 });
    await expect(log.append(siteEvents(makeWriter(SITES[0]!), 1))).rejects.toMatchObject({
      code: 'OVERSIZE',
    });
    expect(await log.count()).toBe(0);
  });
});
