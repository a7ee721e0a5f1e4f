/**
 * The real EventStoreDB/KurrentDB node the `real server` legs run against, when the user
 * has started one: no such server can be installed in every checkout (it needs Docker or
 * a package), so without `CHARTLOG_ESDB_URL` these legs are skipped, saying how to run them.
 * The in-process gRPC server legs run everywhere.
 */
export const REAL_ESDB_URL = process.env['CHARTLOG_ESDB_URL'] ?? '';

/** A suite name naming the real server, or, when none is configured, how to configure one. */
export function realServerSuite(what: string): string {
  return REAL_ESDB_URL !== ''
    ? `${what} against a real EventStoreDB/KurrentDB node at ${REAL_ESDB_URL}`
    : `${what} against a real EventStoreDB/KurrentDB node (skipped: no server configured; start one with \`docker run --rm -d -p 2113:2113 kurrentplatform/kurrentdb:latest --insecure\` and set CHARTLOG_ESDB_URL='esdb://127.0.0.1:2113?tls=false')`;
}
