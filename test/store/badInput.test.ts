/**
 * Bad input, at random: a batch of real events with one field of one event replaced by
 * an arbitrary value. Every store either takes the whole batch (and then every event in
 * it passes envelope validation) or refuses it with a typed error and stores nothing.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { isChartlogError } from '../../src/error/chartlogError.js';
import type { ChartEvent } from '../../src/event/chartEvent.js';
import { validateEvent } from '../../src/event/validateEvent.js';
import type { EventLog } from '../../src/store/eventLog.js';
import { createMemoryEventLog } from '../../src/store/memory/memoryEventLog.js';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { propertyParameters } from '../../src/testing/propertyParameters.js';
import { interleave, makeHistory } from '../support/storeFixtures.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('bad-input');
const FIELDS = [
  'id',
  'site',
  'seq',
  'hlc',
  'prev',
  'stream',
  'type',
  'v',
  'data',
  'pred',
  'author',
  'sig',
  'extra',
] as const;
const REFUSALS = new Set(['MALFORMED_EVENT', 'OVERSIZE', 'SEQ_GAP', 'CHAIN_BROKEN', 'FORK']);
const batch = interleave([...makeHistory(4).events.values()]);

let n = 0;
const stores: Record<string, () => EventLog> = {
  memory: () => createMemoryEventLog(),
  sqlite: () => openSqliteEventLog(file(`bad-${++n}.chartlog`)),
};

describe('bad input never gets in, and never gets in partly', () => {
  for (const [name, open] of Object.entries(stores)) {
    it(`${name}: one arbitrary field anywhere in a batch: all stored and valid, or nothing stored and a typed refusal`, async () => {
      const mutation = fc.record({
        at: fc.nat({ max: batch.length - 1 }),
        field: fc.constantFrom(...FIELDS),
        value: fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.constant(undefined), fc.constant(null)),
      });
      await fc.assert(
        fc.asyncProperty(mutation, async ({ at, field, value }) => {
          const bad = [...batch];
          bad[at] = { ...(batch[at] as ChartEvent), [field]: value } as ChartEvent;
          const log = open();
          try {
            let refused: unknown;
            try {
              await log.append(bad);
            } catch (e) {
              refused = e;
            }
            const count = await log.count();
            if (refused === undefined) {
              if (count !== bad.length) throw new Error(`accepted, but stored ${count} of ${bad.length}`);
              for (const e of bad)
                if (validateEvent(e).length > 0)
                  throw new Error(`accepted an invalid event: ${JSON.stringify(validateEvent(e))}`);
            } else {
              if (!isChartlogError(refused) || !REFUSALS.has(refused.code)) throw refused;
              if (count !== 0) throw new Error(`refused with ${refused.code}, but stored ${count}`);
            }
          } finally {
            await log.close();
          }
        }),
        propertyParameters({ label: `${name} bad input`, runs: name === 'sqlite' ? 100 : 300 }),
      );
    });
  }
});
