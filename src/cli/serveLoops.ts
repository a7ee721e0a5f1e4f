import { ChartlogError, isChartlogError } from '../error/chartlogError.js';
import type { Replica } from '../replica/replica.js';
import { integerOption, out, outJson, stringOption, type CliOption, type CliValues } from './cliCommand.js';
import {
  DEFAULT_DEMO_PATIENTS,
  startDemoActivity,
  type DemoActivity,
  type DemoActivityOptions,
} from './demoActivity.js';
import type { PeersConfig } from './peersConfig.js';
import { startPeriodicSync, type PeriodicSync, type SyncPeer } from './periodicSync.js';
import { countOf } from './countOf.js';

/**
 * The `chartlog serve` options that make a served replica a working site rather than
 * only a sync endpoint: it calls its peers on a timer, and (for demos) records.
 */
export const SERVE_LOOP_OPTIONS: Readonly<Record<string, CliOption>> = {
  'sync-every': {
    type: 'string',
    valueName: 'MS',
    description:
      'also sync with every peer that has a url in the peers file, every MS milliseconds (a peer that is down is logged and retried)',
    defaultValue: 'never: only answer peers',
  },
  'demo-activity': {
    type: 'string',
    valueName: 'RATE',
    description:
      'record SYNTHETIC clinical events about shared demo patients, RATE per second (demos and tests only)',
    defaultValue: 'none',
  },
  'demo-events': {
    type: 'string',
    valueName: 'N',
    description:
      "with --demo-activity: stop recording once this site's own chain holds N events (restarts included)",
    defaultValue: 'no limit',
  },
  'demo-patients': {
    type: 'string',
    valueName: 'N',
    description: 'with --demo-activity: how many shared demo patients',
    defaultValue: String(DEFAULT_DEMO_PATIENTS),
  },
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
    const callable = peers.peers
      .filter((p) => p.site !== site && p.url !== undefined && p.ourToken !== undefined)
      .map((p) => ({
        site: p.site,
        url: p.url as string,
        token: p.ourToken as string,
        ...(p.tls !== undefined ? { tls: p.tls } : {}),
      }));
    if (callable.length === 0)
      throw new ChartlogError(
        'INVALID_OPTION',
        `--sync-every needs peers to call, but no peer in ${peers.path} has a url ` +
          '(add "url" and "ourToken" to the peers you want this site to call; see chartlog serve --help)',
        { details: { path: peers.path } },
      );
    sync = { everyMs, peers: callable };
  }
  const rate = stringOption(values, 'demo-activity');
  if (rate === undefined) {
    for (const name of ['demo-events', 'demo-patients'])
      if (stringOption(values, name) !== undefined)
        throw new ChartlogError(
          'INVALID_OPTION',
          `--${name} only applies with --demo-activity RATE (see chartlog serve --help)`,
        );
    return sync === undefined ? {} : { sync };
  }
  const eventsPerSecond = Number(rate);
  if (!/^\d+(\.\d+)?$/.test(rate.trim()) || !(eventsPerSecond > 0) || eventsPerSecond > MAX_DEMO_RATE)
    throw new ChartlogError(
      'INVALID_OPTION',
      `--demo-activity takes events per second, a number above 0 and at most ${MAX_DEMO_RATE}, not ${JSON.stringify(rate)}`,
    );
  const maxOwnEvents =
    stringOption(values, 'demo-events') === undefined
      ? undefined
      : integerOption(values, 'demo-events', 0, 1);
  const demo = {
    eventsPerSecond,
    patients: integerOption(values, 'demo-patients', DEFAULT_DEMO_PATIENTS, 1, 100_000),
    ...(maxOwnEvents !== undefined ? { maxOwnEvents } : {}),
  };
  return sync === undefined ? { demo } : { sync, demo };
}

/** The running loops of a `serve`; see {@link startServeLoops}. */
export interface RunningServeLoops {
  /** Stops recording, then syncing; resolves once neither touches the replica (then close the store). */
  stop(): Promise<void>;
}

/**
 * Starts what {@link readServeLoops} asked for on a served replica, and logs it: with
 * `json`, one JSON object per line on stdout (`{"recorded":true,"seq",…}` once an event
 * is durable, `{"synced":true,"peer",…}`, `{"syncFailed":true,…}`, `{"syncRecovered":true,…}`,
 * `{"demoDone":true,…}`); otherwise one readable line each. Failures also go to stderr.
 *
 * @example
 * ```ts
 * const loops = startServeLoops(replica, readServeLoops(values, peers, site), { json: true });
 * await loops.stop();
 * ```
 */
export function startServeLoops(
  replica: Replica,
  loops: ServeLoops,
  options: { readonly json: boolean },
): RunningServeLoops {
  const { json } = options;
  const warn = (line: string): void => void process.stderr.write(`chartlog serve: ${line}\n`);
  const describe = (error: unknown): { code: string; message: string } => ({
    code: isChartlogError(error) ? error.code : 'INTERNAL',
    message: error instanceof Error ? error.message : String(error),
  });
  let sync: PeriodicSync | undefined;
  let demo: DemoActivity | undefined;
  if (loops.sync !== undefined) {
    const everyMs = loops.sync.everyMs;
    sync = startPeriodicSync(replica, {
      everyMs,
      peers: loops.sync.peers,
      onEvent(e) {
        const peer = { peer: e.peer.site, url: e.peer.url };
        if (e.kind === 'synced') {
          const refused = e.report.refused.count;
          if (json)
            outJson({
              synced: true,
              ...peer,
              sent: e.report.eventsSent,
              received: e.report.eventsReceived,
              refused,
            });
          else
            out(
              `synced with ${e.peer.site}: sent ${e.report.eventsSent}, received ${countOf(e.report.eventsReceived, 'event')}`,
            );
          for (const r of e.report.refused.examples.slice(0, 5))
            warn(
              `sync with ${e.peer.site}: ${r.receiver} refused ${r.site ?? '?'}#${r.seq ?? '?'}: ${r.reason.code}: ${r.reason.message}`,
            );
        } else if (e.kind === 'failed') {
          if (json) outJson({ syncFailed: true, ...peer, error: e.error, failures: e.failures });
          const oneLine = e.error.message.replace(/\s*\n\s*/g, ' ');
          warn(
            `sync with ${e.peer.site} (${e.peer.url}) failed: ${e.error.code}: ${oneLine} (retrying every ${everyMs} ms)`,
          );
        } else {
          if (json) outJson({ syncRecovered: true, ...peer, failures: e.failures });
          warn(`sync with ${e.peer.site} works again, after ${countOf(e.failures, 'failed round')}`);
        }
      },
    });
  }
  if (loops.demo !== undefined) {
    warn(
      `--demo-activity: recording SYNTHETIC events about demo patients into this store, ${loops.demo.eventsPerSecond} per second`,
    );
    demo = startDemoActivity(replica, {
      ...loops.demo,
      onRecorded(e) {
        if (json)
          outJson({ recorded: true, site: e.site, seq: e.seq, id: e.id, type: e.type, stream: e.stream });
        else out(`recorded ${e.site}#${e.seq} ${e.type} ${e.stream}`);
      },
      onDone(ownEvents) {
        if (json) outJson({ demoDone: true, site: replica.site, ownEvents });
        else out(`demo activity done: ${replica.site} holds ${countOf(ownEvents, 'own event')}`);
      },
      onError(error) {
        const e = describe(error);
        if (json) outJson({ recordFailed: true, error: e });
        warn(`demo activity could not record: ${e.code}: ${e.message}`);
      },
    });
  }
  return {
    async stop() {
      await Promise.all([demo?.stop(), sync?.stop()]);
    },
  };
}
