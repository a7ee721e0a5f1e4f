import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { describeEventLogConformance } from './eventLogConformance.js';

const dir = mkdtempSync(join(tmpdir(), 'chartlog-conformance-'));
let n = 0;

describeEventLogConformance('sqlite', {
  open: async () => openSqliteEventLog(join(dir, `store-${++n}.chartlog`)),
  reopen: async () => openSqliteEventLog(join(dir, `store-${n}.chartlog`)),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});
