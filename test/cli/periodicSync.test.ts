import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeriodicSync, type PeriodicSync, type PeriodicSyncEvent } from '../../src/cli/periodicSync.js';
import {
  createKeyring,
  createMemoryEventLog,
  createReplica,
  generateSiteKeys,
  type Replica,
} from '../../src/index.js';
import { clinicalSchema, patientStream, registerPatient } from '../../src/clinical/index.js';
import { createSyncHandler } from '../../src/sync/http/index.js';

const keys = { 'practice-a': generateSiteKeys(), 'hospital-d': generateSiteKeys() };
const keyring = () =>
  createKeyring({ 'practice-a': keys['practice-a'].publicKey, 'hospital-d': keys['hospital-d'].publicKey });
const open = (site: keyof typeof keys): Promise<Replica> =>
  createReplica({
    site,
    keys: keys[site],
    keyring: keyring(),
    schema: clinicalSchema,
    store: createMemoryEventLog(),
  });
const TOKEN = 'practice-a-calls-hospital-d';
const register = (r: Replica, patientId: string) =>
  r.record(
    registerPatient(r.chart.state(patientStream(patientId)), {
      patientId,
      name: { family: 'Jones' },
      birthDate: '1970-01-01',
      gender: 'female',
      author: { id: `gp-${r.site}` },
    }),
  );

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as AddressInfo;
  await new Promise((closed) => s.close(closed));
  return port;
}

async function until(ready: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('startPeriodicSync: the rounds behind chartlog serve --sync-every', () => {
  it('a peer that is down is reported once, retried every round, synced both ways once it is up, and reported back', async () => {
    const [a, d] = await Promise.all([open('practice-a'), open('hospital-d')]);
    const port = await freePort();
    const events: PeriodicSyncEvent[] = [];
    await register(a, 'ann-jones');
    const sync: PeriodicSync = startPeriodicSync(a, {
      everyMs: 20,
      peers: [{ site: 'hospital-d', url: `http://127.0.0.1:${port}`, token: TOKEN }],
      onEvent: (e) => events.push(e),
      client: { backoff: { initialMs: 1, maxMs: 2 } },
    });
    cleanup.push(() => sync.stop());

    await until(() => events.length > 0, 'the first failure');
    await new Promise((r) => setTimeout(r, 150)); // several more failed rounds
    expect(events).toEqual([
      {
        kind: 'failed',
        peer: expect.objectContaining({ site: 'hospital-d' }),
        error: { code: 'SYNC_HTTP_FAILED', message: expect.stringContaining('could not be reached') },
        failures: 1,
      },
    ]);

    await register(d, 'bob-smith');
    const server: Server = createHttpServer(createSyncHandler(d, { peers: { [TOKEN]: 'practice-a' } }));
    await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
    cleanup.push(
      () => new Promise<void>((closed) => (server.closeAllConnections(), server.close(() => closed()))),
    );

    await until(() => events.some((e) => e.kind === 'synced'), 'a sync');
    const recovered = events.find((e) => e.kind === 'recovered');
    expect(recovered).toMatchObject({ kind: 'recovered', failures: expect.any(Number) });
    expect((recovered as { failures: number }).failures).toBeGreaterThan(1);
    expect(events.find((e) => e.kind === 'synced')).toMatchObject({
      report: { eventsSent: 1, eventsReceived: 1, refused: { count: 0 } },
    });
    expect(a.chart.hash()).toBe(d.chart.hash());

    // Later events flow on the next rounds, in both directions; quiet rounds are not reported.
    await register(d, 'cat-brown');
    await until(async () => (await a.store.count()) === 3, 'the pull of a later event');
    expect(events.filter((e) => e.kind === 'failed')).toHaveLength(1);
  });

  it('stop() cancels the request in flight and resolves; no round runs after it', async () => {
    const a = await open('practice-a');
    // A peer that accepts the connection and never answers.
    const sockets: Socket[] = [];
    const hung = createNetServer((socket) => void sockets.push(socket));
    await new Promise<void>((ok) => hung.listen(0, '127.0.0.1', ok));
    cleanup.push(
      () => new Promise<void>((closed) => (sockets.forEach((s) => s.destroy()), hung.close(() => closed()))),
    );
    const events: PeriodicSyncEvent[] = [];
    const sync = startPeriodicSync(a, {
      everyMs: 10,
      peers: [
        { site: 'hospital-d', url: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`, token: TOKEN },
      ],
      onEvent: (e) => events.push(e),
    });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await sync.stop();
    expect(Date.now() - started).toBeLessThan(1000); // not the 10 s request timeout
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual([]);
  });
});
