/**
 * The trust property (THREAT_MODEL.md): an attacker holding one site's key and a valid
 * token sends arbitrary signed events and messages while honest sites record and sync.
 * Whatever it sends, the honest sites converge with each other, nothing an honest site
 * recorded is hidden or lost, their stores stay readable, their clocks stay within the
 * skew bound, and they keep recording.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createHybridClock,
  createKeyring,
  createMemoryEventLog,
  createReplica,
  eventHash,
  initSyncState,
  isChartlogError,
  siteId,
  syncPair,
  syncReplicas,
  type ChartEvent,
  type EventLog,
  type Replica,
  type StreamId,
} from '../../src/index.js';
import { decodeSyncMessageText } from '../../src/sync/wireMessage.js';
import { parseHlc } from '../../src/event/hlc.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { propertyParameters, testSchema } from '../../src/testing/index.js';
import { draft, expectConverged, keysOf, publicKeys, STREAMS, T0 } from '../replica/fixtures.js';
import { ATTACKS, createHostileSite, type AttackKind } from '../support/hostileSite.js';

const HONEST = ['practice-a', 'practice-b', 'hospital'] as const;
const HOSTILE = siteId('mallory');
const NETWORK = [...HONEST, HOSTILE];
const MAX_SKEW_MS = 300_000;

type Step =
  | { readonly do: 'record'; readonly site: number; readonly stream: number }
  | { readonly do: 'sync'; readonly a: number; readonly b: number }
  | {
      readonly do: 'attack';
      readonly kind: AttackKind;
      readonly target: number;
      readonly victim: number;
      readonly variant: number;
    };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      do: fc.constant('record' as const),
      site: fc.nat(2),
      stream: fc.nat(STREAMS.length - 1),
    }),
  },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('sync' as const), a: fc.nat(2), b: fc.nat(2) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      do: fc.constant('attack' as const),
      kind: fc.constantFrom(...ATTACKS),
      target: fc.nat(2),
      victim: fc.nat(1000),
      variant: fc.nat(11),
    }),
  },
);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An honest network: practice-a on a real SQLite file, the others in memory; one simulated wall clock. */
async function openNetwork(): Promise<{
  sites: Replica[];
  now: () => number;
  tick: () => void;
  reopenA: () => Promise<Replica>;
  close: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'chartlog-adversary-'));
  dirs.push(dir);
  const file = join(dir, 'practice-a.db');
  let wall = T0;
  const open = (site: string, store: EventLog): Promise<Replica> =>
    createReplica({
      site,
      keys: keysOf(site),
      store,
      schema: testSchema,
      keyring: createKeyring(publicKeys(NETWORK)),
      clock: createHybridClock({ wallClock: () => wall, maxSkewMs: MAX_SKEW_MS }),
      wallClock: () => wall,
    });
  const sites = [
    await open('practice-a', openSqliteEventLog(file)),
    await open('practice-b', createMemoryEventLog()),
    await open('hospital', createMemoryEventLog()),
  ];
  return {
    sites,
    now: () => wall,
    tick: () => void (wall += 1000),
    async reopenA() {
      await (sites[0] as Replica).store.close();
      sites[0] = await open('practice-a', openSqliteEventLog(file));
      return sites[0];
    },
    async close() {
      for (const s of sites) await s.store.close();
    },
  };
}

describe('adversarial property: a hostile site with a valid key and token', () => {
  it('cannot stop honest sites converging, hide or lose what they recorded, break their stores or clocks, or stop them recording', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 5, maxLength: 30 }), async (steps) => {
        const net = await openNetwork();
        const hostile = createHostileSite(HOSTILE, keysOf(HOSTILE).privateKey);
        const recorded: ChartEvent[] = [];
        try {
          for (const step of steps) {
            net.tick();
            const sites = net.sites;
            if (step.do === 'record') {
              const site = sites[step.site] as Replica;
              recorded.push(await site.record(draft(site.site, recorded.length, STREAMS[step.stream])));
            } else if (step.do === 'sync') {
              if (step.a !== step.b) await syncPair(sites[step.a] as Replica, sites[step.b] as Replica);
            } else {
              const target = sites[step.target] as Replica;
              const victim = recorded.length === 0 ? undefined : recorded[step.victim % recorded.length];
              const held = (await target.store.head(HOSTILE)).seq;
              const victimHead =
                victim === undefined ? { seq: 0, hash: null } : await target.store.head(victim.site);
              const { text } = hostile.attack(step.kind, {
                target: target.site,
                held,
                victim,
                stream: STREAMS[step.variant % STREAMS.length] as StreamId,
                forgedSeq: victimHead.seq + 1,
                forgedPrev: victimHead.hash,
                now: net.now(),
                variant: step.variant,
              });
              let message: unknown;
              try {
                message = decodeSyncMessageText(text);
              } catch (error) {
                // A message malformed as a whole is refused with a typed error, before it reaches the replica.
                if (!isChartlogError(error) || error.code !== 'MALFORMED_MESSAGE') throw error;
                continue;
              }
              await target.receiveSyncMessage(initSyncState(), message);
            }
          }

          // The honest sites reconnect with each other (practice-a restarted from its file first).
          await net.reopenA();
          net.tick();
          await syncReplicas(net.sites);
          const sites = net.sites;

          // They converge: same events, same record, the batch fold of what they hold.
          await expectConverged(sites);
          for (const site of sites) {
            // Nothing an honest site recorded is hidden or lost.
            for (const e of recorded) {
              const held = await site.store.get(e.site, e.seq);
              expect(held && eventHash(held), `${site.site} holds ${e.site}/${e.seq}`).toBe(eventHash(e));
              const shown = (await site.store.readStream(e.stream)).find((x) => x.id === e.id);
              expect(
                shown && eventHash(shown),
                `${site.site}'s stream ${e.stream} has ${e.site}/${e.seq}`,
              ).toBe(eventHash(e));
            }
            // Its clock stays within the bound.
            expect(parseHlc(site.clock.peek()).wallMs, `${site.site}'s clock`).toBeLessThanOrEqual(
              net.now() + MAX_SKEW_MS,
            );
            // It keeps recording.
            expect(site.status).toBe('ready');
            const next = await site.record(draft(site.site, recorded.length));
            expect(parseHlc(next.hlc).wallMs).toBeLessThanOrEqual(net.now() + MAX_SKEW_MS);
          }
        } finally {
          await net.close();
        }
      }),
      propertyParameters({ label: 'adversary', runs: 50 }),
    );
  }, 240_000);
});
