/**
 * The shared EventLog conformance suite against the eventstoredb adapter, through the
 * real `@eventstore/db-client` and real gRPC:
 * - always, against the in-process EventStoreDB test server (test/support/esdb), once
 *   with BatchAppend advertised (what nodes since 21.10 do) and once with plain Append;
 * - and against a real EventStoreDB/KurrentDB node when `CHARTLOG_ESDB_URL` is set.
 *
 * To run the real-server leg:
 * ```sh
 * docker run --rm -d --name kurrentdb -p 2113:2113 kurrentplatform/kurrentdb:latest --insecure
 * CHARTLOG_ESDB_URL='esdb://127.0.0.1:2113?tls=false' npx vitest run test/conformance/eventstoredb.test.ts
 * ```
 */
import { afterAll, describe, it } from 'vitest';
import { createEventStoreDbEventLog } from '../../src/store/eventstoredb/index.js';
import type { EventLog } from '../../src/store/eventLog.js';
import {
  startEsdbTestServer,
  type EsdbTestServer,
  type EsdbTestServerOptions,
} from '../support/esdb/esdbTestServer.js';
import { describeEventLogConformance } from '../../src/store/conformance/eventLogConformance.js';
import type { EventLogFactory } from '../../src/store/conformance/conformanceContext.js';

/** The shipped suite declares its cases with vitest's functions here. */
const vitest = { describe, it, after: afterAll };
import { REAL_ESDB_URL, realServerSuite } from '../support/esdb/realServer.js';

// Every store gets its own prefix: one database holds them all, as it would in production.
const run = Date.now().toString(36);
let stores = 0;

function factoryFor(connectionString: () => Promise<string>, after?: () => Promise<void>): EventLogFactory {
  let prefix = '';
  const open = async (): Promise<EventLog> =>
    createEventStoreDbEventLog({ connectionString: await connectionString(), prefix });
  return {
    open: async () => {
      prefix = `t${run}_${++stores}`;
      return open();
    },
    reopen: open,
    ...(after ? { cleanup: after } : {}),
  };
}

function inProcess(options: EsdbTestServerOptions): EventLogFactory {
  let server: Promise<EsdbTestServer> | undefined;
  return factoryFor(
    async () => (await (server ??= startEsdbTestServer(options))).connectionString,
    async () => (await server)?.stop(),
  );
}

describeEventLogConformance('eventstoredb (in-process gRPC server)', inProcess({}), vitest);
describeEventLogConformance(
  'eventstoredb (in-process gRPC server, Append RPC without BatchAppend)',
  inProcess({ batchAppend: false }),
  vitest,
);

describe.skipIf(REAL_ESDB_URL === '')(realServerSuite('the EventLog conformance suite'), () => {
  describeEventLogConformance(
    'eventstoredb (real server)',
    factoryFor(async () => REAL_ESDB_URL),
    vitest,
  );
});
