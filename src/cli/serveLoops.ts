import { ChartlogError } from '../error/chartlogError.js';
import { integerOption, stringOption, type CliOption, type CliValues } from './cliCommand.js';
import { DEFAULT_DEMO_PATIENTS, type DemoActivityOptions } from './demoActivity.js';
import type { PeersConfig } from './peersConfig.js';
import type { SyncPeer } from './periodicSync.js';

/**
 * The `chartlog serve` options that make a served replica a working site rather than
 * only a sync endpoint: it calls its peers on a timer, and (for demos) records.
 */
export const SERVE_LOOP_OPTIONS: Readonly<Record<string, CliOption>> = {
  'sync-every': { type: 'string', valueName: 'MS', description: 'also sync with every peer that has a url in the peers file, every MS milliseconds (a peer that is down is logged and retried)', defaultValue: 'never: only answer peers' },
  'demo-activity': { type: 'string', valueName: 'RATE', description: 'record SYNTHETIC clinical events about shared demo patients, RATE per second (demos and tests only)', defaultValue: 'none' },
  'demo-events': { type: 'string', valueName: 'N', description: "with --demo-activity: stop recording once this site's own chain holds N events (restarts included)", defaultValue: 'no limit' },
  'demo-patients': { type: 'string', valueName: 'N', description: 'with --demo-activity: how many shared demo patients', defaultValue: String(DEFAULT_DEMO_PATIENTS) },
};

/** What {@link readServeLoops} makes of those options. */
export interface ServeLoops {
  /** Sync with these peers every `everyMs`; absent without `--sync-every`. */
  readonly sync?: { readonly everyMs: number; readonly peers: readonly SyncPeer[] };
  /** Record demo events so; absent without `--demo-activity`. */
  readonly demo?: Pick<DemoActivityOptions, 'eventsPerSecond' | 'maxOwnEvents' | 'patients'>;
}

/** Most demo events per second (a demo, not a load test: see `npm run bench`). */
export const MAX_DEMO_RATE = 1000;

/**
 * Reads and checks the {@link SERVE_LOOP_OPTIONS} of a `serve` invocation against its
 * peers file (peers with a `url`, other than `site` itself, are the ones called).
 *
 * @throws ChartlogError `INVALID_OPTION` (exit 2) for a value out of range, `--sync-every`
 *   with no peer to call, or a `--demo-*` option without `--demo-activity`.
 * @example
 * ```ts
 * const loops = readServeLoops(values, readPeersConfig('peers.json'), 'practice-a');
 * if (loops.sync) startPeriodicSync(replica, loops.sync);
 * ```
 */
export function readServeLoops(values: CliValues, peers: PeersConfig, site: string): ServeLoops {
  let sync: ServeLoops['sync'];
  if (stringOption(values, 'sync-every') !== undefined) {
    const everyMs = integerOption(values, 'sync-every', 1000, 10, 86_400_000);
    const callable = peers.peers.filter((p) => p.site !== site && p.url !== undefined && p.ourToken !== undefined).map((p) => ({ site: p.site, url: p.url as string, token: p.ourToken as string }));
    if (callable.length === 0) throw new ChartlogError('INVALID_OPTION', `--sync-every needs peers to call, but no peer in ${peers.path} has a url (add "url" and "ourToken" to the peers you want this site to call; see chartlog serve --help)`, { details: { path: peers.path } });
    sync = { everyMs, peers: callable };
  }
  const rate = stringOption(values, 'demo-activity');
  if (rate === undefined) {
    for (const name of ['demo-events', 'demo-patients']) if (stringOption(values, name) !== undefined) throw new ChartlogError('INVALID_OPTION', `--${name} only applies with --demo-activity RATE (see chartlog serve --help)`);
    return sync === undefined ? {} : { sync };
  }
  const eventsPerSecond = Number(rate);
  if (!/^\d+(\.\d+)?$/.test(rate.trim()) || !(eventsPerSecond > 0) || eventsPerSecond > MAX_DEMO_RATE) throw new ChartlogError('INVALID_OPTION', `--demo-activity takes events per second, a number above 0 and at most ${MAX_DEMO_RATE}, not ${JSON.stringify(rate)}`);
  const maxOwnEvents = stringOption(values, 'demo-events') === undefined ? undefined : integerOption(values, 'demo-events', 0, 1);
  const demo = { eventsPerSecond, patients: integerOption(values, 'demo-patients', DEFAULT_DEMO_PATIENTS, 1, 100_000), ...(maxOwnEvents !== undefined ? { maxOwnEvents } : {}) };
  return sync === undefined ? { demo } : { sync, demo };
}
