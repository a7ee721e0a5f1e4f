export { verifyEventLog } from './verifyEventLog.js';
export type {
  VerifiedProjection,
  VerifyEventLogOptions,
  VerifyProblem,
  VerifyProblemKind,
  VerifyProgress,
  VerifyReport,
} from './verifyEventLog.js';
export { verifyProjection } from './verifyProjection.js';
export type { ProjectionVerifyReport, VerifyProjectionOptions } from './verifyProjection.js';
export { exportNdjson } from './exportNdjson.js';
export type { ExportNdjsonOptions, ExportProgress } from './exportNdjson.js';
export { importNdjson } from './importNdjson.js';
export type { ImportNdjsonOptions, ImportProgress } from './importNdjson.js';
