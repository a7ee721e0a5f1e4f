/** NDJSON framing: lines split on bytes as they arrive, with limits enforced before buffering. */
import { describe, expect, it } from 'vitest';
import { isChartlogError } from '../../../src/index.js';
import { readNdjsonLines, readSyncMessage } from '../../../src/sync/http/index.js';

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? new TextEncoder().encode(p) : p;
}

async function collect(source: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of source) out.push(line);
  return out;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return isChartlogError(error) ? error.code : String(error);
  }
}

describe('readNdjsonLines', () => {
  it('joins lines split across chunks, even inside a multi-byte character, and drops blank lines and CRs', async () => {
    const snowman = new TextEncoder().encode('"☃"');
    const lines = await collect(
      readNdjsonLines(
        chunks('{"a":1}\r\n\n{"b":', snowman.subarray(0, 2), snowman.subarray(2), '}\n', '{"c":3}'),
      ),
    );
    expect(lines).toEqual(['{"a":1}', '{"b":"☃"}', '{"c":3}']);
  });

  it('refuses a line or a body over its limit with SYNC_TOO_LARGE, and invalid UTF-8 as malformed', async () => {
    expect(
      await codeOf(collect(readNdjsonLines(chunks('x'.repeat(10), 'y'.repeat(10)), { maxLineBytes: 15 }))),
    ).toBe('SYNC_TOO_LARGE');
    expect(await codeOf(collect(readNdjsonLines(chunks('{}\n'.repeat(10)), { maxBytes: 20 })))).toBe(
      'SYNC_TOO_LARGE',
    );
    expect(await codeOf(collect(readNdjsonLines(chunks(new Uint8Array([0xff, 0x0a])))))).toBe(
      'MALFORMED_MESSAGE',
    );
  });
});

describe('readSyncMessage', () => {
  it('reads nothing as no message, and a header with events as a message', async () => {
    expect(await readSyncMessage(chunkLines(), { trailer: false })).toEqual({
      message: null,
      refusedLines: { refused: { count: 0, byCode: {}, examples: [] } },
    });
    const read = await readSyncMessage(
      chunkLines('{"protocol":1,"vector":{}}', '{"id":"e1","site":"a","seq":1}'),
      { trailer: false },
    );
    expect(read.message).toEqual({ protocol: 1, vector: {}, events: [{ id: 'e1', site: 'a', seq: 1 }] });
  });

  it('counts lines that cannot be events as malformed refusals instead of holding them, and says where each held event was', async () => {
    const read = await readSyncMessage(
      chunkLines('{"protocol":1,"vector":{}}', '{}', 'not json', '{"id":"e1","site":"a","seq":1}', '[1]'),
      { trailer: false },
    );
    expect(read.message?.events).toEqual([{ id: 'e1', site: 'a', seq: 1 }]);
    expect(read.refusedLines.refused).toMatchObject({ count: 3, byCode: { malformed: 3 } });
    expect(read.refusedLines.refused.examples.map((r) => r.index)).toEqual([0, 1, 3]);
    expect(read.refusedLines.positions).toEqual([2]);
  });

  it('refuses a response without its trailer, or whose trailer miscounts the events (cut short)', async () => {
    expect(
      await codeOf(
        readSyncMessage(chunkLines('{"protocol":1,"vector":{}}', '{"id":"e1"}'), { trailer: true }),
      ),
    ).toBe('MALFORMED_MESSAGE');
    const miscounted = readSyncMessage(
      chunkLines(
        '{"protocol":1,"vector":{}}',
        '{"id":"e1","site":"a","seq":1}',
        '{"end":true,"events":2,"ingest":{"accepted":0,"duplicates":0,"refusedCount":0,"refused":[]}}',
      ),
      { trailer: true },
    );
    expect(await codeOf(miscounted)).toBe('MALFORMED_MESSAGE');
  });
});

async function* chunkLines(...lines: string[]): AsyncGenerator<string> {
  yield* lines;
}
