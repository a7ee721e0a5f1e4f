/**
 * One site of the catch-up's floor (`catchup_floor_s`), in a process of its own:
 * `node --import tsx bench/practice/catchupFloorSite.ts '<CatchupSiteJob JSON>'`. It
 * speaks the same protocol as catchupSite.ts (catchupSiteProtocol.ts), so the same
 * orchestration times it (catchupSites.ts).
 *
 * It records its share of the workload cut off through its replica, exactly as a catch-up
 * site does, and closes it. From then on it does only what any catch-up of those events
 * must do at the least, with no chartlog code: it sends its new events' stored rows to
 * each peer over TCP on 127.0.0.1, one line each; and it stores every line a peer sends
 * into its store file with the store's own tables and indexes: `JSON.parse` of the
 * event, SHA-256 of its bytes, an `INSERT` into `events`, the site's head in `sites`, one
 * transaction per {@link FLOOR_BATCH} events (WAL, `synchronous = FULL`, as the store
 * writes). No validation, hash chain or signature check, merge or projection. It prints
 * {@link SITE_SYNCED} once it has stored every peer's events and every peer has stored
 * its own, and {@link SITE_STATE} with a hash of the events it now holds that it did
 * not at ready, which equal on every site means they converged.
 */
import { createHash } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import {
  say,
  SITE_READY,
  SITE_STATE,
  SITE_SYNCED,
  siteUsage,
  usageSince,
  type CatchupSiteJob,
} from './catchupSiteProtocol.js';
import { recordSiteShare } from './recordSiteShare.js';

/** Events per transaction: a sync message's most (`maxEvents` of `generateSyncMessage`). */
const FLOOR_BATCH = 8000;
/** The line that ends a site's events on a link, and the one that says the other side stored them all. */
const END = '.';
const STORED = '!';

const job = JSON.parse(process.argv[2] ?? '') as CatchupSiteJob;
const peers = Object.keys(job.keyFiles).filter((s) => s !== job.site);

// Where the store ended before this site's own events: the floor sends what comes after.
const lastPosBefore = (() => {
  const db = new Database(job.storePath, { readonly: true });
  try {
    return db.prepare<[], number>('SELECT max(pos) FROM events').pluck().get() ?? 0;
  } finally {
    db.close();
  }
})();
const { store, recorded } = await recordSiteShare(job);
await store.close();

const db = new Database(job.storePath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
// No checkpoint in a commit (the store moves them to idle time): one is left for later.
db.pragma('wal_autocheckpoint = 0');
const ownRows = db
  .prepare<[number], [body: string, sig: string | null]>(
    'SELECT body, sig FROM events WHERE pos > ? ORDER BY pos',
  )
  .raw();
const insertEvent = db.prepare<
  [string, number, string, string, string, string, string | null, string | null]
>('INSERT INTO events (site, seq, stream, hlc, hash, body, sig, sig_check) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
const setHead = db.prepare<[string, number, string]>(
  'INSERT INTO sites (site, seq, hash) VALUES (?, ?, ?) ON CONFLICT (site) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
);
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Stores lines `body<TAB>sig` in one transaction: what a receiver must do at the least. */
const storeLines = db.transaction((lines: readonly string[]) => {
  let head: { site: string; seq: number; hash: string } | undefined;
  for (const line of lines) {
    const tab = line.lastIndexOf('\t');
    const body = line.slice(0, tab);
    const sig = tab + 1 < line.length ? line.slice(tab + 1) : null;
    const event = JSON.parse(body) as { site: string; seq: number; stream: string; hlc: string };
    const hash = sha256(body);
    insertEvent.run(
      event.site,
      event.seq,
      event.stream,
      event.hlc,
      hash,
      body,
      sig,
      sig === null ? null : sha256(`${hash}\u0000${sig}`),
    );
    if (head !== undefined && head.site !== event.site) setHead.run(head.site, head.seq, head.hash);
    head = { site: event.site, seq: event.seq, hash };
  }
  if (head !== undefined) setHead.run(head.site, head.seq, head.hash);
});

let stored = 0;
let linksDone = 0;
/** Events sent and received over the links this site started, as catchupSite.ts counts them. */
let linkEvents = 0;

/** One link, either side: send this site's events, store the peer's, and count the link done when both are stored. */
function serveLink(socket: Socket, started: boolean): void {
  let peerStored = false;
  let ownStored = false;
  let moved = 0;
  const done = (): void => {
    if (!peerStored || !ownStored) return;
    socket.end();
    if (started) linkEvents += moved;
    if (++linksDone === peers.length) say(SITE_SYNCED, { refused: 0, events: linkEvents, duplicates: 0 });
  };
  let pending: string[] = [];
  createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
    if (line === STORED) {
      ownStored = true;
      return done();
    }
    if (line !== END) {
      pending.push(line);
      if (pending.length < FLOOR_BATCH) return;
    }
    storeLines(pending);
    stored += pending.length;
    moved += pending.length;
    pending = [];
    if (line === END) {
      socket.write(STORED + '\n');
      peerStored = true;
      done();
    }
  });
  let out = '';
  for (const [body, sig] of ownRows.iterate(lastPosBefore)) {
    out += `${body}\t${sig ?? ''}\n`;
    moved++;
    if (out.length > 1 << 20) {
      socket.write(out);
      out = '';
    }
  }
  socket.write(out + END + '\n');
}

const server = createServer((socket) => serveLink(socket, false));
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
// The site does nothing else from here to its report: the CPU it spends is the catch-up's.
const usageAtReady = siteUsage();
say(SITE_READY, { port: (server.address() as { port: number }).port, recorded });

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { sync?: { site: string; url: string }[]; report?: true };
  for (const { url } of command.sync ?? []) {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => serveLink(socket, true));
  }
  if (command.report === true) {
    const hash = createHash('sha256');
    for (const h of db
      .prepare<[number], string>('SELECT hash FROM events WHERE pos > ? ORDER BY site, seq')
      .pluck()
      .iterate(lastPosBefore))
      hash.update(h);
    const vector = db.prepare<[], [string, number]>('SELECT site, seq FROM sites ORDER BY site').raw().all();
    say(SITE_STATE, {
      hash: hash.digest('hex'),
      vector,
      ingested: stored,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...usageSince(usageAtReady),
    });
    break;
  }
}
server.close();
db.close();
