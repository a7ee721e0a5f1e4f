/**
 * A catch-up site's start, as both kinds of site process do it (catchupSite.ts,
 * catchupFloorSite.ts): open the replica on the site's copy of the practice store and
 * record its share of the workload's saves cut off from the other sites.
 */
import { readFileSync } from 'node:fs';
import type { EventLog, Replica } from 'chartlog';
import { openSqliteEventLog } from 'chartlog/sqlite';
import { recordSavesOffline } from '../workload/recordSaves.js';
import type { CatchupSiteJob } from './catchupSiteProtocol.js';
import { openSiteReplica } from './openSiteReplica.js';
import type { CatchupWorkload } from './practiceStore.js';

/** A site's replica, open, with its share of the saves recorded. */
export interface RecordedSite {
  readonly store: EventLog;
  readonly replica: Replica;
  /** Events the site recorded. */
  readonly recorded: number;
}

/** Opens `job.site`'s replica on its store and records its saves of the catch-up workload, on the workload's own clock. */
export async function recordSiteShare(job: CatchupSiteJob): Promise<RecordedSite> {
  const workload = JSON.parse(readFileSync(job.catchupPath, 'utf8')) as CatchupWorkload;
  let wall = workload.saves[0]?.at ?? 0;
  const store = openSqliteEventLog(job.storePath);
  const replica = await openSiteReplica({
    site: job.site,
    store,
    keyFiles: job.keyFiles,
    wallClock: () => wall,
    cacheBytes: job.cacheBytes,
  });
  const counts = await recordSavesOffline(
    workload.saves,
    new Map([[job.site, { replica, setWall: (ms: number) => (wall = ms) }]]),
    100,
    workload.seen,
  );
  const recorded = counts.get(job.site) ?? 0;
  process.stderr.write(`${job.site}: ${recorded} events recorded cut off\n`);
  return { store, replica, recorded };
}
