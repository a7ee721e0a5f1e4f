import { describeAppendConformance } from './appendConformance.js';
import { conformanceContext, type ConformanceTestApi, type EventLogFactory } from './conformanceContext.js';
import { describeLifecycleConformance } from './lifecycleConformance.js';
import { describeReadConformance } from './readConformance.js';

/**
 * Declares `conformance: <name>`, every behaviour the {@link EventLog} port promises
 * (docs/architecture.md, "Stores: the EventLog port"), against the stores `factory` opens:
 * atomic appends, the envelope, chain, gap, duplicate and fork checks `planAppend` makes,
 * reads in seq, total and insertion order, markers, close and reopen. The memory, SQLite and
 * EventStoreDB adapters run it in chartlog's own tests; a store of your own should pass it too.
 *
 * The cases use real events (`createEventWriter`, three sites, three streams), so hashes,
 * chains and signatures are the real thing. They are declared with the test runner's own
 * functions, passed in `api` (the suite imports no runner), and assert with `node:assert`.
 *
 * @example
 * ```ts
 * import { afterAll, describe, it } from 'vitest';
 * import { describeEventLogConformance } from 'chartlog/adapter';
 *
 * describeEventLogConformance('my store', { open: async () => openMyStore() }, { describe, it, after: afterAll });
 * ```
 */
export function describeEventLogConformance(
  name: string,
  factory: EventLogFactory,
  api: ConformanceTestApi,
): void {
  const context = conformanceContext(api, factory);
  api.describe(`conformance: ${name}`, () => {
    api.after(async () => {
      await factory.cleanup?.();
    });
    describeAppendConformance(context);
    describeReadConformance(context);
    describeLifecycleConformance(context);
  });
}
