/**
 * A bare vector entry about the receiver's own seq is not proof (THREAT_MODEL.md): a peer
 * holding a valid token, or a hostile server answering a `sync` caller, cannot stop a
 * site recording by claiming it holds more of the site's events than the site does.
 */
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Replica } from '../../../src/index.js';
import { SYNC_PROTOCOL_VERSION } from '../../../src/sync/syncMessage.js';
import { writeSiteKeyFiles } from '../../../src/sync/http/siteKeyFile.js';
import { createHttpSyncClient, syncOverHttp } from '../../../src/sync/http/index.js';
import { startServe, type ServeProcess } from '../../cli/runChartlog.js';
import { useTempDir } from '../../support/tempDir.js';
import { draft, openSite, recordMany } from '../../replica/fixtures.js';
import { post, serveReplica, tokenOf, useServers } from './httpHarness.js';

const NETWORK = ['practice-a', 'hospital'];
const MAX = Number.MAX_SAFE_INTEGER;
/** A header-only sync body: no events, a vector claiming `claimed` seqs. */
const claimBody = (claimed: Record<string, number>): string =>
  `${JSON.stringify({ protocol: SYNC_PROTOCOL_VERSION, vector: claimed })}\n`;

describe('a claim about our own seq without our signature, over HTTP', () => {
  const serve = useServers();
  const file = useTempDir('own-seq-claims');
  const children: ServeProcess[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop('SIGKILL')));
  });

  it('sent to a served replica by a peer with a valid token, does not stop the server recording', async () => {
    const hospital = await openSite('hospital', { network: NETWORK });
    await recordMany(hospital, 2);
    const { url } = await serveReplica(serve, hospital, ['practice-a']);
    for (let i = 0; i < 5; i++) {
      const answer = await post(url, claimBody({ hospital: MAX }), {
        authorization: `Bearer ${tokenOf('practice-a')}`,
      });
      expect(answer.status).toBe(200);
    }
    const status = await createHttpSyncClient({ url, token: tokenOf('practice-a'), retries: 0 }).status();
    expect(status.status).toBe('ready');
    expect((await hospital.record(draft('hospital', 3))).seq).toBe(3);
  });

  it('sent to `chartlog serve`, does not stop its recording', async () => {
    const sites = ['hospital-d', 'practice-a'];
    for (const s of sites) writeSiteKeyFiles(file(`${s}.key`));
    writeFileSync(
      file('peers.json'),
      JSON.stringify({
        peers: sites.map((site) => ({ site, publicKeyFile: `${site}.key.pub`, token: tokenOf(site) })),
      }),
    );
    const server = await startServe([
      '--store',
      file('hospital-d.chartlog'),
      '--site',
      'hospital-d',
      '--key',
      file('hospital-d.key'),
      '--peers',
      file('peers.json'),
      '--demo-activity',
      '50',
      '--demo-events',
      '6',
    ]);
    children.push(server);
    const ended = new Promise<string>((resolve) => {
      let out = '';
      server.child.stdout?.on('data', (s: string) => {
        out += s;
        if (out.includes('"demoDone"') || out.includes('"recordFailed"')) resolve(out);
      });
    });
    for (let i = 0; i < 5; i++) {
      const answer = await post(server.url, claimBody({ 'hospital-d': MAX }), {
        authorization: `Bearer ${tokenOf('practice-a')}`,
      });
      expect(answer.status).toBe(200);
    }
    const out = await ended;
    expect(out).not.toContain('"recordFailed"');
    expect(out).toContain('"demoDone"');
    const status = await createHttpSyncClient({
      url: server.url,
      token: tokenOf('practice-a'),
      retries: 0,
    }).status();
    expect(status.status).toBe('ready');
  }, 30_000);

  it('answered by a hostile server to a `sync` caller, does not stop the caller recording', async () => {
    const a: Replica = await openSite('practice-a', { network: NETWORK });
    await recordMany(a, 2);
    // Answers every request with a claim to hold all of the caller's seqs, and no events.
    const hostile = (req: IncomingMessage, res: ServerResponse): void => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson', 'chartlog-site': 'hospital' });
        res.end(
          `${claimBody({ 'practice-a': MAX, hospital: MAX })}${JSON.stringify({ end: true, events: 0, ingest: { accepted: 0, duplicates: 0, refusedCount: 0, refused: [] } })}\n`,
        );
      });
    };
    const { url } = await serve(hostile);
    await syncOverHttp(a, createHttpSyncClient({ url, token: tokenOf('practice-a'), retries: 0 }), {
      maxRounds: 3,
    }).catch(() => undefined);
    expect(a.status).toBe('ready');
    expect((await a.record(draft('practice-a', 3))).seq).toBe(3);
  });
});
