import { createMemoryEventLog } from '../../src/store/memory/memoryEventLog.js';
import { afterAll, describe, it } from 'vitest';
import { describeEventLogConformance } from '../../src/store/conformance/eventLogConformance.js';

/** The shipped suite declares its cases with vitest's functions here. */
const vitest = { describe, it, after: afterAll };

describeEventLogConformance('memory', { open: async () => createMemoryEventLog() }, vitest);
