/**
 * One site of the practice catch-up, in a process of its own as a site is in a
 * deployment: `node --import tsx bench/practice/catchupSite.ts '<CatchupSiteJob JSON>'`.
 *
 * It opens its replica on its copy of the practice store and records its share of the
 * workload's saves cut off (recordSiteShare.ts), serves sync over HTTP on 127.0.0.1
 * (`createSyncHandler`, a bearer token per peer), and prints {@link SITE_READY} with its
 * port. Then it reads commands from stdin, one JSON line each: `{"sync":[{"site","url"}…]}`
 * syncs with those peers at once (`syncOverHttp` until quiet, each) and prints
 * {@link SITE_SYNCED}; `{"report":true}` prints {@link SITE_STATE} (its replica hash and
 * version vector, its CPU and disk use since ready), closes and exits. Progress goes to
 * stderr.
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { createHttpSyncClient, createSyncHandler, syncOverHttp } from 'chartlog/http';
import {
  catchupToken,
  say,
  SITE_READY,
  SITE_STATE,
  SITE_SYNCED,
  siteUsage,
  usageSince,
  type CatchupSiteJob,
} from './catchupSiteProtocol.js';
import { recordSiteShare } from './recordSiteShare.js';

const job = JSON.parse(process.argv[2] ?? '') as CatchupSiteJob;

const { store, replica, recorded } = await recordSiteShare(job);
const peers = Object.keys(job.keyFiles).filter((s) => s !== job.site);
const server = createServer(
  createSyncHandler(replica, { peers: Object.fromEntries(peers.map((p) => [catchupToken(p, job.site), p])) }),
);
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
const foldedBeforeSync = replica.chart.size;
// The site does nothing else from here to its report: the CPU it spends is the catch-up's.
const usageAtReady = siteUsage();
say(SITE_READY, { port: (server.address() as { port: number }).port, recorded });

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { sync?: { site: string; url: string }[]; report?: true };
  if (command.sync !== undefined) {
    const reports = await Promise.all(
      command.sync.map(({ site, url }) =>
        syncOverHttp(replica, createHttpSyncClient({ url, token: catchupToken(job.site, site) })),
      ),
    );
    say(SITE_SYNCED, {
      refused: reports.reduce((n, r) => n + r.refused.count, 0),
      // Both directions of each link this site started: every link is started by one site.
      events: reports.reduce((n, r) => n + r.eventsSent + r.eventsReceived, 0),
      duplicates: reports.reduce((n, r) => n + r.duplicates, 0),
    });
  }
  if (command.report === true) {
    const vector = Object.entries(await replica.versionVector()).sort();
    say(SITE_STATE, {
      hash: replica.chart.hash(),
      vector,
      ingested: replica.chart.size - foldedBeforeSync,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...usageSince(usageAtReady),
    });
    break;
  }
}
// Peers' keep-alive connections would hold the server open: close them with it.
server.closeAllConnections();
await new Promise<void>((closed) => server.close(() => closed()));
await store.close();
