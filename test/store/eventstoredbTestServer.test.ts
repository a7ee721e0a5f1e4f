/**
 * The in-process EventStoreDB test server keeps the documented Streams API semantics
 * the adapter relies on, checked through the real client (BatchAppend and Append paths).
 * If this drifts from a real node, the adapter's tests prove nothing: keep these honest.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  jsonEvent,
  NO_STREAM,
  STREAM_EXISTS,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEsdbTestServer, type EsdbTestServer } from '../support/esdb/esdbTestServer.js';

const ev = (type: string, id?: string) => jsonEvent({ type, data: { type }, ...(id ? { id } : {}) });
const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function read(it: AsyncIterable<ResolvedEvent>): Promise<ResolvedEvent[]> {
  const out: ResolvedEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

for (const batchAppend of [true, false]) {
  describe(`esdb test server (${batchAppend ? 'BatchAppend' : 'Append'})`, () => {
    let server: EsdbTestServer;
    let client: EventStoreDBClient;
    let n = 0;
    const fresh = (): string => `st-${++n}`;
    beforeAll(async () => {
      server = await startEsdbTestServer({ batchAppend });
      client = EventStoreDBClient.connectionString(server.connectionString);
    });
    afterAll(async () => {
      await client.dispose();
      await server.stop();
    });

    it('applies no_stream, stream_exists, any and exact expected revisions, reporting the current revision when refused', async () => {
      const s = fresh();
      await expect(
        client.appendToStream(s, ev('a.a'), { expectedRevision: STREAM_EXISTS }),
      ).rejects.toMatchObject({ type: 'wrong-expected-version', actualVersion: 'no_stream' });
      expect(
        (await client.appendToStream(s, [ev('a.a'), ev('a.b')], { expectedRevision: NO_STREAM }))
          .nextExpectedRevision,
      ).toBe(1n);
      await expect(
        client.appendToStream(s, ev('a.c'), { expectedRevision: NO_STREAM }),
      ).rejects.toMatchObject({ type: 'wrong-expected-version', actualVersion: 1n });
      await expect(client.appendToStream(s, ev('a.c'), { expectedRevision: 0n })).rejects.toMatchObject({
        type: 'wrong-expected-version',
        actualVersion: 1n,
        expectedVersion: 0n,
      });
      await expect(client.appendToStream(s, ev('a.c'), { expectedRevision: 5n })).rejects.toMatchObject({
        type: 'wrong-expected-version',
        actualVersion: 1n,
      });
      expect((await client.appendToStream(s, ev('a.c'), { expectedRevision: 1n })).nextExpectedRevision).toBe(
        2n,
      );
      expect(
        (await client.appendToStream(s, ev('a.d'), { expectedRevision: STREAM_EXISTS })).nextExpectedRevision,
      ).toBe(3n);
      expect((await client.appendToStream(s, ev('a.e'))).nextExpectedRevision).toBe(4n);
    });

    it('treats a re-append of the same event ids at the same revisions as a success that stores nothing', async () => {
      const s = fresh();
      await client.appendToStream(s, [ev('b.a', id(1)), ev('b.b', id(2))], { expectedRevision: NO_STREAM });
      await client.appendToStream(s, [ev('b.c', id(3))], { expectedRevision: 1n });
      expect(
        (
          await client.appendToStream(s, [ev('b.a', id(1)), ev('b.b', id(2))], {
            expectedRevision: NO_STREAM,
          })
        ).nextExpectedRevision,
      ).toBe(1n);
      expect(
        (await client.appendToStream(s, [ev('b.c', id(3))], { expectedRevision: 1n })).nextExpectedRevision,
      ).toBe(2n);
      // Some ids match, the rest would extend the stream: refused, as a node does.
      await expect(
        client.appendToStream(s, [ev('b.c', id(3)), ev('b.d', id(4))], { expectedRevision: 1n }),
      ).rejects.toMatchObject({ type: 'wrong-expected-version' });
      expect((await read(client.readStream(s))).map((e) => e.event?.id)).toEqual([id(1), id(2), id(3)]);
    });

    it('reads a stream forwards and backwards from a revision, with a count, and reports a missing stream', async () => {
      const s = fresh();
      await client.appendToStream(s, [ev('c.a'), ev('c.b'), ev('c.c'), ev('c.d')]);
      expect(
        (await read(client.readStream(s, { fromRevision: 1n, maxCount: 2 }))).map((e) => e.event?.revision),
      ).toEqual([1n, 2n]);
      expect(
        (await read(client.readStream(s, { direction: BACKWARDS, fromRevision: END, maxCount: 2 }))).map(
          (e) => e.event?.revision,
        ),
      ).toEqual([3n, 2n]);
      expect(
        (await read(client.readStream(s, { direction: BACKWARDS, fromRevision: 1n }))).map(
          (e) => e.event?.revision,
        ),
      ).toEqual([1n, 0n]);
      await expect(read(client.readStream('never-written'))).rejects.toMatchObject({
        type: 'stream-not-found',
      });
    });

    it('gives $all strictly increasing positions, reads forwards from a position inclusively and backwards from the end', async () => {
      await client.appendToStream(fresh(), [ev('d.a'), ev('d.b')]);
      const all = await read(client.readAll());
      const positions = all.map((e) => e.event!.position!.commit);
      expect(positions.every((p, i) => i === 0 || p > positions[i - 1]!)).toBe(true);
      expect(all[0]?.event?.streamId.startsWith('$')).toBe(true);
      const from = all[2]!.event!.position!;
      expect((await read(client.readAll({ fromPosition: from, maxCount: 1 })))[0]?.event?.id).toBe(
        all[2]!.event!.id,
      );
      expect(
        (await read(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })))[0]?.event?.id,
      ).toBe(all[all.length - 1]!.event!.id);
    });

    it('resolves links ($> with data revision@stream) when asked, and leaves a dangling link without an event', async () => {
      const s = fresh();
      await client.appendToStream(s, [ev('e.a'), ev('e.b')]);
      const links = fresh();
      const link = (text: string) => ({
        id: crypto.randomUUID(),
        type: '$>',
        contentType: 'application/octet-stream' as const,
        data: Buffer.from(text),
        metadata: undefined,
      });
      await client.appendToStream(links, [link(`1@${s}`), link(`7@${s}`)]);
      const resolved = await read(client.readStream(links, { resolveLinkTos: true }));
      expect(resolved[0]?.event?.type).toBe('e.b');
      expect(resolved[0]?.link?.type).toBe('$>');
      expect(resolved[1]?.event).toBeUndefined();
      expect(resolved[1]?.link?.type).toBe('$>');
      expect((await read(client.readStream(links)))[0]?.event?.type).toBe('$>');
    });

    it('subscribes to a stream after a revision (exclusive), catches up, confirms, then delivers live events', async () => {
      const s = fresh();
      await client.appendToStream(s, [ev('f.a'), ev('f.b')]);
      const got: string[] = [];
      const sub = client.subscribeToStream(s, { fromRevision: 0n });
      sub.on('confirmation', () => got.push('confirmed'));
      sub.on('caughtUp', () => got.push('caught up'));
      sub.on('data', (e: ResolvedEvent) => got.push(e.event!.type));
      await new Promise((r) => setTimeout(r, 50));
      await client.appendToStream(s, ev('f.c'));
      await new Promise((r) => setTimeout(r, 50));
      await sub.unsubscribe();
      expect(got).toEqual(['confirmed', 'f.b', 'caught up', 'f.c']);
    });
  });
}
