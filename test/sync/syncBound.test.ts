/**
 * Every sync loop is bounded: two ends that never go quiet (here a peer that always has
 * something to say) stop after `maxRounds` with a typed `SYNC_NOT_QUIET` error that says
 * how far they got (rounds, messages, events accepted), whatever carries the messages.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  SYNC_PROTOCOL_VERSION,
  syncPair,
  syncReplicas,
  type SyncEndpoint,
  type SyncMessage,
} from '../../src/index.js';
import { EMPTY_INGEST_REPORT } from '../../src/sync/ingestReport.js';
import { createHttpSyncClient, syncOverHttp } from '../../src/sync/http/index.js';
import { openSite, recordMany } from '../replica/fixtures.js';
import { tokenOf, useServers } from './http/httpHarness.js';

const NETWORK = ['practice-a', 'hospital'];
const hello = (): SyncMessage => ({ protocol: SYNC_PROTOCOL_VERSION, vector: {}, events: [] });

/** A peer that answers every message and never runs out of things to say. */
const chatty: SyncEndpoint = {
  site: 'chatty',
  generateSyncMessage: async (state) => [state, hello()],
  receiveSyncMessage: async (state) => [state, EMPTY_INGEST_REPORT],
};

describe('a sync with a peer that never goes quiet stops at the bound with a typed error and its counts', () => {
  it('in process (syncPair)', async () => {
    const a = await openSite('practice-a', { network: NETWORK });
    await recordMany(a, 2);
    const error = await syncPair(a, chatty, { maxRounds: 4 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'SYNC_NOT_QUIET',
      message: expect.stringMatching(/practice-a and chatty still syncing after 4 rounds/),
      details: { rounds: 4, messages: 8, accepted: 0, duplicates: 0, refusedCount: 0 },
    });
  });

  it('over many links (syncReplicas)', async () => {
    const a = await openSite('practice-a', { network: NETWORK });
    const error = await syncReplicas([a, chatty], { maxRounds: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SYNC_NOT_QUIET', details: { rounds: 3, messages: 6 } });
  });

  const serve = useServers();
  it('over HTTP (syncOverHttp), against a real server that answers every request with a message', async () => {
    const a = await openSite('practice-a', { network: NETWORK });
    const talkative = (req: IncomingMessage, res: ServerResponse): void => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson', 'chartlog-site': 'hospital' });
        const trailer = {
          end: true,
          events: 0,
          ingest: { accepted: 0, duplicates: 0, refusedCount: 0, refused: [] },
        };
        res.end(
          `${JSON.stringify({ protocol: SYNC_PROTOCOL_VERSION, vector: {} })}\n${JSON.stringify(trailer)}\n`,
        );
      });
    };
    const { url } = await serve(talkative);
    const client = createHttpSyncClient({ url, token: tokenOf('practice-a'), retries: 0 });
    const error = await syncOverHttp(a, client, { maxRounds: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'SYNC_NOT_QUIET',
      details: { url: `${url}/chartlog/sync`, rounds: 3, messages: 6, accepted: 0 },
    });
  });
});
