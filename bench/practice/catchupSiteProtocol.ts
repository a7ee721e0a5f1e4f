/**
 * The protocol between the catch-up's orchestration (catchupOverHttp.ts) and its site
 * processes (catchupSite.ts): a job as the site's one argument, commands as JSON lines on
 * its stdin, and prefixed JSON lines on its stdout.
 */

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
 * Prefix of the line with its state: `{"hash","vector","ingested","peakRssMb","cpuS"}`
 * (events it took in since it was ready; its peak RSS; the CPU seconds it spent since it
 * was ready, which is the catch-up's alone, as the site does nothing else meanwhile).
 */
export const SITE_STATE = 'CATCHUP_SITE_STATE ';

/** The bearer token `from` presents to `to` (the benchmark's own; real sites hold their peers file). */
export const catchupToken = (from: string, to: string): string => `bench-catchup-${from}-to-${to}`;

/** Prints one protocol line: `prefix` and `value` as JSON, on stdout. */
export const say = (prefix: string, value: unknown): void =>
  void process.stdout.write(prefix + JSON.stringify(value) + '\n');

/** CPU seconds (user and system, every thread) this process spent since `start`: a site's {@link SITE_STATE} `cpuS`. */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}
