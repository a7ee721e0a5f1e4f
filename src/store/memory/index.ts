export { createMemoryEventLog } from './memoryEventLog.js';
export type { MemoryEventLogOptions } from './memoryEventLog.js';
