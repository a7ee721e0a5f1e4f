import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { afterAll, describe, it } from 'vitest';
import { describeEventLogConformance } from '../../src/store/conformance/eventLogConformance.js';

/** The shipped suite declares its cases with vitest's functions here. */
const vitest = { describe, it, after: afterAll };

const dir = mkdtempSync(join(tmpdir(), 'chartlog-conformance-'));
let n = 0;

describeEventLogConformance(
  'sqlite',
  {
    open: async () => openSqliteEventLog(join(dir, `store-${++n}.chartlog`)),
    reopen: async () => openSqliteEventLog(join(dir, `store-${n}.chartlog`)),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  },
  vitest,
);
