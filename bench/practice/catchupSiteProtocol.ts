/**
 * The protocol between the catch-up's orchestration (catchupSites.ts) and its site
 * processes (catchupSite.ts, catchupFloorSite.ts): a job as the site's one argument,
 * commands as JSON lines on its stdin, and prefixed JSON lines on its stdout.
 */
import { readFileSync } from 'node:fs';

/** What a site process is given. */
export interface CatchupSiteJob {
  readonly site: string;
  /** This site's own copy of the practice store. */
  readonly storePath: string;
  /** Private key file per site (every site of the catch-up). */
  readonly keyFiles: Readonly<Record<string, string>>;
  readonly catchupPath: string;
  readonly cacheBytes?: number;
}

/** Prefix of the line saying the site recorded its saves and listens: `{"port","recorded"}`. */
export const SITE_READY = 'CATCHUP_SITE_READY ';
/**
 * Prefix of the line saying every sync it was asked for is quiet:
 * `{"refused","events","duplicates"}` (over the links it started, both directions: events
 * refused, events sent, and events sent to a site that already held them).
 */
export const SITE_SYNCED = 'CATCHUP_SITE_SYNCED ';
/**
 * Prefix of the line with its state:
 * `{"hash","vector","ingested","peakRssMb","cpuS","diskReadMb","diskWrittenMb"}` (events
 * it took in since it was ready; its peak RSS; the CPU seconds it spent and the MiB it
 * read from and wrote to the disk since it was ready, see {@link usageSince}: the
 * catch-up's alone, as the site does nothing else meanwhile).
 */
export const SITE_STATE = 'CATCHUP_SITE_STATE ';

/** The bearer token `from` presents to `to` (the benchmark's own; real sites hold their peers file). */
export const catchupToken = (from: string, to: string): string => `bench-catchup-${from}-to-${to}`;

/** Prints one protocol line: `prefix` and `value` as JSON, on stdout. */
export const say = (prefix: string, value: unknown): void =>
  void process.stdout.write(prefix + JSON.stringify(value) + '\n');

/** What a site process has used so far: CPU, and the disk where the system says (Linux's `/proc/self/io`). */
export interface SiteUsage {
  readonly cpu: NodeJS.CpuUsage;
  /** Bytes read from the storage layer (page cache misses), or undefined where unknown. */
  readonly diskRead: number | undefined;
  /** Bytes written towards the storage layer, or undefined where unknown. */
  readonly diskWritten: number | undefined;
}

/** This process's {@link SiteUsage} now. */
export function siteUsage(): SiteUsage {
  let io = '';
  try {
    io = readFileSync('/proc/self/io', 'utf8');
  } catch {
    // Not Linux: the disk figures are left out.
  }
  const field = (name: string): number | undefined => {
    const value = new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1];
    return value === undefined ? undefined : Number(value);
  };
  return { cpu: process.cpuUsage(), diskRead: field('read_bytes'), diskWritten: field('write_bytes') };
}

/**
 * A site's {@link SITE_STATE} figures since `start`: CPU seconds (user and system, every
 * thread), and MiB read from and written to the disk (null where unknown).
 */
export function usageSince(start: SiteUsage): {
  cpuS: number;
  diskReadMb: number | null;
  diskWrittenMb: number | null;
} {
  const now = siteUsage();
  const { user, system } = process.cpuUsage(start.cpu);
  const mib = (a: number | undefined, b: number | undefined): number | null =>
    a === undefined || b === undefined ? null : Math.round((a - b) / 1024 ** 2);
  return {
    cpuS: (user + system) / 1e6,
    diskReadMb: mib(now.diskRead, start.diskRead),
    diskWrittenMb: mib(now.diskWritten, start.diskWritten),
  };
}
