export { createMemoryEventLog } from './memoryEventLog.js';
export type { MemoryEventLog, MemoryEventLogOptions } from './memoryEventLog.js';
