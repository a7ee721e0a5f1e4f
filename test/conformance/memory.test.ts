import { createMemoryEventLog } from '../../src/store/memory/memoryEventLog.js';
import { describeEventLogConformance } from './eventLogConformance.js';

describeEventLogConformance('memory', {
  open: async () => createMemoryEventLog(),
});
