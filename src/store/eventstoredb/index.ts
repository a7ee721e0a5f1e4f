/**
 * `chartlog/eventstoredb`: the EventLog on EventStoreDB/KurrentDB (docs/architecture.md, "Stores: the EventLog port"), through
 * `@eventstore/db-client` (an optional peer dependency, loaded only by this subpath).
 */
export { createEventStoreDbEventLog } from './eventStoreDbEventLog.js';
export type {
  EventStoreDbConnection,
  EventStoreDbEventLog,
  EventStoreDbEventLogOptions,
} from './eventStoreDbEventLog.js';
export type {
  ChartEventsHandler,
  ChartEventSubscription,
  ChartEventSubscriptionOptions,
} from './subscribeToChartEvents.js';
export { streamNames, EVENTSTOREDB_PREFIX_PATTERN } from './streamNames.js';
export type { StreamNames } from './streamNames.js';
export { translateEventStoreDbError } from './translateEventStoreDbError.js';
