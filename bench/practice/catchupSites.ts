/**
 * The practice catch-up with each site in a process of its own, as three sites are: the
 * benchmark's `catchup_s` (sites syncing over HTTP on 127.0.0.1, catchupSite.ts) and its
 * floor, `catchup_floor_s` (sites only storing what their peers send over TCP,
 * catchupFloorSite.ts). Both kinds of site speak catchupSiteProtocol.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SITE_READY, SITE_STATE, SITE_SYNCED, type CatchupSiteJob } from './catchupSiteProtocol.js';
import { copyStore } from './copyStore.js';
import type { CatchupResult, PracticeJob } from './practiceJob.js';

/** The site process of the catch-up: a chartlog replica syncing over HTTP. */
export const CATCHUP_SITE = fileURLToPath(new URL('./catchupSite.ts', import.meta.url));
/** The site process of the catch-up's floor: the least any site must do to take the same events in. */
export const CATCHUP_FLOOR_SITE = fileURLToPath(new URL('./catchupFloorSite.ts', import.meta.url));

/** A site process, and the lines it printed with a given prefix, in order. */
interface SiteProcess {
  readonly site: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** The next line with `prefix` (parsed), or a rejection when the process ends first. */
  next<T>(prefix: string): Promise<T>;
  send(command: unknown): void;
}

function startSite(script: string, job: CatchupSiteJob): SiteProcess {
  // The same node flags as this process (tsx, and any V8 heap limit the benchmark set).
  const child = spawn(process.execPath, [...process.execArgv, script, JSON.stringify(job)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiting: (() => void)[] = [];
  let ended: string | undefined;
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    waiting.splice(0).forEach((wake) => wake());
  });
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      ended = `${job.site}: site process exited (${signal ?? code})`;
      waiting.splice(0).forEach((wake) => wake());
      done();
    }),
  );
  return {
    site: job.site,
    child,
    exited,
    async next<T>(prefix: string): Promise<T> {
      for (;;) {
        const i = lines.findIndex((l) => l.startsWith(prefix));
        if (i >= 0) return JSON.parse((lines.splice(i, 1)[0] as string).slice(prefix.length)) as T;
        if (ended !== undefined) throw new Error(ended);
        await new Promise<void>((wake) => waiting.push(wake));
      }
    },
    send: (command) => void child.stdin?.write(JSON.stringify(command) + '\n'),
  };
}

/**
 * Copies the store for each site, starts the sites (each records its share of the
 * workload cut off, then listens), and times from telling them to sync until every
 * pair has synced until quiet: each site syncs with the sites after it in the job's
 * order, all at once, so every pair holds one connection and each site takes every
 * other site's new events straight from it. Then checks that every replica's hash and
 * version vector agree. `siteScript` is the site process: {@link CATCHUP_SITE}, or
 * {@link CATCHUP_FLOOR_SITE} for the floor, which speaks the same protocol over plain TCP.
 * @throws Error when a site process fails, a peer refused events, or the replicas do not agree.
 */
export async function runCatchupSites(
  job: PracticeJob,
  stage: (text: string) => void,
  siteScript: string = CATCHUP_SITE,
): Promise<Required<CatchupResult>> {
  const dir = join(job.scratchDir, `catchup-http-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const names = Object.keys(job.keyFiles);
  const sites: SiteProcess[] = [];
  try {
    const o0 = performance.now();
    for (const site of names) {
      const storePath = join(dir, `${site}.chartlog`);
      copyStore(job.storePath, storePath);
      sites.push(
        startSite(siteScript, {
          site,
          storePath,
          keyFiles: job.keyFiles,
          catchupPath: job.catchupPath,
          ...(job.cacheBytes !== undefined ? { cacheBytes: job.cacheBytes } : {}),
        }),
      );
    }
    const ready = await Promise.all(sites.map((s) => s.next<{ port: number; recorded: number }>(SITE_READY)));
    const openS = (performance.now() - o0) / 1000;
    const recorded = ready.reduce((n, r) => n + r.recorded, 0);
    stage(`catchup: ${sites.length} site processes recorded ${recorded} events cut off; syncing`);
    const s0 = performance.now();
    sites.forEach((s, i) =>
      s.send({
        sync: ready
          .slice(i + 1)
          .map((r, k) => ({ site: names[i + 1 + k], url: `http://127.0.0.1:${r.port}` })),
      }),
    );
    const synced = await Promise.all(
      sites.map((s) => s.next<{ refused: number; events: number; duplicates: number }>(SITE_SYNCED)),
    );
    const catchupS = (performance.now() - s0) / 1000;
    stage(`catchup: synced in ${catchupS.toFixed(2)} s; verifying`);
    const refused = synced.reduce((n, r) => n + r.refused, 0);
    if (refused > 0) throw new Error(`catchup: peers refused ${refused} events`);
    for (const s of sites) {
      s.send({ report: true });
      s.child.stdin?.end();
    }
    const states = await Promise.all(
      sites.map((s) =>
        s.next<{
          hash: string;
          vector: unknown;
          ingested: number;
          peakRssMb: number;
          cpuS: number;
          diskReadMb: number | null;
          diskWrittenMb: number | null;
        }>(SITE_STATE),
      ),
    );
    if (
      new Set(states.map((s) => s.hash)).size !== 1 ||
      new Set(states.map((s) => JSON.stringify(s.vector))).size !== 1
    )
      throw new Error('catchup: the replicas did not converge');
    await Promise.all(sites.map((s) => s.exited));
    return {
      catchupS,
      recorded,
      accepted: states.reduce((n, s) => n + s.ingested, 0),
      openS,
      sitePeakRssMb: states.map((s) => s.peakRssMb),
      siteCpuS: states.map((s) => s.cpuS),
      siteDiskReadMb: states.map((s) => s.diskReadMb),
      siteDiskWrittenMb: states.map((s) => s.diskWrittenMb),
      eventsSent: synced.reduce((n, r) => n + r.events, 0),
      duplicates: synced.reduce((n, r) => n + r.duplicates, 0),
    };
  } finally {
    for (const s of sites)
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
