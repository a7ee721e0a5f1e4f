import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../support/tempDir.js';
import { runChartlog, startServe, type ServeProcess } from './runChartlog.js';

const file = useTempDir('cli-limits');
const TOKEN = 'token-of-practice-a-0123456789';
const servers: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
});

describe('chartlog serve takes its memory limits from flags', () => {
  it('--max-message-events and --max-refusal-examples bound what one request can make the server hold', async () => {
    for (const site of ['hospital-d', 'practice-a'])
      expect((await runChartlog(['keygen', '--out', file(`${site}.key`)])).code).toBe(0);
    writeFileSync(
      file('peers.json'),
      JSON.stringify({ peers: [{ site: 'practice-a', publicKeyFile: 'practice-a.key.pub', token: TOKEN }] }),
    );
    const args = [
      '--store',
      file('hospital-d.chartlog'),
      '--site',
      'hospital-d',
      '--key',
      file('hospital-d.key'),
      '--peers',
      file('peers.json'),
    ];
    expect((await runChartlog(['serve', ...args, '--max-requests-per-peer', '0'])).code).toBe(2);
    const serve = await startServe([...args, '--max-message-events', '2', '--max-refusal-examples', '3']);
    servers.push(serve);
    const post = (body: string): Promise<Response> =>
      fetch(`${serve.url}/chartlog/sync`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' },
      });
    const header = '{"protocol":1,"vector":{}}\n';
    const event = '{"e":{"site":"practice-a","seq":1}}\n';
    expect((await post(header + event.repeat(3))).status).toBe(413);
    const junk = await post(header + '{}\n'.repeat(1000));
    expect(junk.status).toBe(200);
    const trailer = JSON.parse((await junk.text()).trimEnd().split('\n').at(-1) as string) as {
      ingest: { refusedCount: number; refused: unknown[] };
    };
    expect([trailer.ingest.refusedCount, trailer.ingest.refused.length]).toEqual([1000, 3]);
  });
});
