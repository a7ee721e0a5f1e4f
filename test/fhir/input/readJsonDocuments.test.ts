import { describe, expect, it } from 'vitest';
import { bundle, ndjson, observation, patient, readAll, textSource } from './fixtures.js';

describe('NDJSON (Bulk Data) input', () => {
  it('a line that is not JSON is refused with its line number, and every other line is yielded', async () => {
    const lines = [
      JSON.stringify(patient('p1')),
      JSON.stringify(patient('p2')),
      '{"resourceType":"Patient","id":"p3",',
      JSON.stringify(patient('p4')),
      JSON.stringify(patient('p5')),
    ];
    const { items } = await readAll([textSource('bulk.ndjson', lines.join('\n'))]);
    expect(
      items.map((item) =>
        item.kind === 'resource' ? item.resource.id : `${item.refusal.code}@${item.refusal.source.line}`,
      ),
    ).toEqual(['p1', 'p2', 'FHIR_MALFORMED_JSON@3', 'p4', 'p5']);
    const refused = items[2];
    expect(refused?.kind === 'refused' && refused.refusal.message).toMatch(
      /^bulk\.ndjson line 3: line 3 is not JSON/,
    );
  });

  it('a broken first line is refused by its number, not taken for a broken document', async () => {
    const { items } = await readAll([
      textSource('bulk.ndjson', `{"resourceType":\n${JSON.stringify(patient('p2'))}\n`),
    ]);
    expect(
      items.map((item) =>
        item.kind === 'resource' ? item.resource.id : `${item.refusal.code}@${item.refusal.source.line}`,
      ),
    ).toEqual(['FHIR_MALFORMED_JSON@1', 'p2']);
  });

  it('takes a UTF-8 BOM, CRLF line ends, blank and whitespace-only lines, and no newline at the end', async () => {
    const text = `\uFEFF${JSON.stringify(patient('p1'))}\r\n\r\n   \r\n${JSON.stringify({ ...patient('p2'), name: [{ family: 'Łukasiewicz' }] })}\r\n\n${JSON.stringify(patient('p3'))}`;
    for (const chunkBytes of [1, 2, 5, 1 << 16]) {
      const { resources, refusals } = await readAll([textSource('crlf.ndjson', text, chunkBytes)]);
      expect(refusals).toEqual([]);
      expect(resources.map((r) => r.id)).toEqual(['p1', 'p2', 'p3']);
      expect(resources[1]?.['name']).toEqual([{ family: 'Łukasiewicz' }]);
    }
  });

  it('counts lines from 1, blank ones included', async () => {
    const { refusals } = await readAll([
      textSource('gaps.ndjson', `\n${JSON.stringify(patient('p1'))}\n\n[1,2]\nnot json\n`),
    ]);
    expect(refusals.map((r) => [r.code, r.source.line])).toEqual([
      ['FHIR_NOT_A_RESOURCE', 4],
      ['FHIR_MALFORMED_JSON', 5],
    ]);
  });

  it('a line that is not UTF-8 is refused and the next is read', async () => {
    const notUtf8 = Buffer.concat([
      Buffer.from('{"resourceType":"Patient","id":"x'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n'),
    ]);
    const bytes = Buffer.concat([
      Buffer.from(ndjson([patient('p1')])),
      notUtf8,
      Buffer.from(ndjson([patient('p3')])),
    ]);
    const { items } = await readAll([
      {
        name: 'latin1.ndjson',
        chunks: (async function* () {
          yield bytes;
        })(),
      },
    ]);
    expect(
      items.map((item) =>
        item.kind === 'resource' ? item.resource.id : `${item.refusal.code}@${item.refusal.source.line}`,
      ),
    ).toEqual(['p1', 'FHIR_MALFORMED_JSON@2', 'p3']);
  });

  it('a line over maxLineBytes is refused by its number and skipped, the others read', async () => {
    const long = JSON.stringify({
      ...patient('p2'),
      text: {
        status: 'generated',
        div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(5000)}</div>`,
      },
    });
    const { items } = await readAll(
      [textSource('long.ndjson', ndjson([patient('p1')]) + long + '\n' + ndjson([patient('p3')]), 100)],
      { maxLineBytes: 1000 },
    );
    expect(
      items.map((item) =>
        item.kind === 'resource' ? item.resource.id : `${item.refusal.code}@${item.refusal.source.line}`,
      ),
    ).toEqual(['p1', 'FHIR_TOO_LARGE@2', 'p3']);
  });

  it('a Bundle on an NDJSON line is read as a Bundle, its entries located by line and entry', async () => {
    const { resources, refusals } = await readAll([
      textSource(
        'mixed.ndjson',
        ndjson([patient('p1'), bundle('collection', [{ resource: patient('p2') }, { resource: 'x' }])]),
      ),
    ]);
    expect(resources.map((r) => r.id)).toEqual(['p1', 'p2']);
    expect(refusals.map((r) => r.source)).toEqual([{ input: 'mixed.ndjson', line: 2, entry: 1 }]);
  });

  it('an empty or blank input yields nothing', async () => {
    expect((await readAll([textSource('empty', ''), textSource('blank', '\n \r\n\n')])).items).toEqual([]);
  });
});

describe('a whole JSON file', () => {
  it('a pretty-printed single resource is one resource', async () => {
    const { resources, refusals } = await readAll([
      textSource('one.json', JSON.stringify(observation('Patient/p1', 'o1'), null, 2)),
    ]);
    expect(refusals).toEqual([]);
    expect(resources).toEqual([observation('Patient/p1', 'o1')]);
  });

  it('a single resource on one line is one resource', async () => {
    const { resources } = await readAll([textSource('one.json', JSON.stringify(patient('p1')))]);
    expect(resources).toEqual([patient('p1')]);
  });

  it('a pretty-printed Bundle with a BOM and CRLF line ends is read', async () => {
    const text =
      '\uFEFF' +
      JSON.stringify(bundle('collection', [{ resource: patient('p1') }]), null, 2).replaceAll('\n', '\r\n');
    const { resources, refusals } = await readAll([textSource('crlf.json', text, 3)]);
    expect(refusals).toEqual([]);
    expect(resources.map((r) => r.id)).toEqual(['p1']);
  });

  it('a Bundle that is not JSON is one refusal of the whole input, and the next input is read', async () => {
    const broken = JSON.stringify(bundle('collection', [{ resource: patient('p1') }]), null, 2).slice(0, -10);
    const { items } = await readAll([
      textSource('broken.json', broken),
      textSource('next.ndjson', ndjson([patient('p2')])),
    ]);
    expect(items).toEqual([
      {
        kind: 'refused',
        refusal: {
          code: 'FHIR_MALFORMED_JSON',
          message: expect.stringMatching(
            /^broken\.json: the input is neither NDJSON nor one JSON document/,
          ) as unknown,
          source: { input: 'broken.json' },
        },
      },
      { kind: 'resource', resource: patient('p2'), source: { input: 'next.ndjson', line: 1 } },
    ]);
  });

  it('a Bundle over maxBundleBytes is refused without reading it all into memory: reading stops at the limit and the source is closed', async () => {
    const entries = Array.from({ length: 400 }, (_, i) => ({ resource: patient(`p${i}`) }));
    const text = Buffer.from(JSON.stringify(bundle('collection', entries), null, 2));
    expect(text.length).toBeGreaterThan(40_000);
    let pulled = 0;
    let closed = false;
    const chunks = (async function* () {
      try {
        for (let at = 0; at < text.length; at += 1000) {
          pulled++;
          yield text.subarray(at, at + 1000);
        }
      } finally {
        closed = true;
      }
    })();
    const { items } = await readAll(
      [{ name: 'huge.json', chunks }, textSource('next.ndjson', ndjson([patient('after')]))],
      { maxBundleBytes: 10_000 },
    );
    expect(items.map((item) => (item.kind === 'resource' ? item.resource.id : item.refusal.code))).toEqual([
      'FHIR_TOO_LARGE',
      'after',
    ]);
    expect(pulled).toBe(11);
    expect(closed).toBe(true);
  });

  it('a one-line Bundle over maxBundleBytes is refused too', async () => {
    const entries = Array.from({ length: 100 }, (_, i) => ({ resource: patient(`p${i}`) }));
    const { refusals } = await readAll(
      [textSource('min.json', JSON.stringify(bundle('collection', entries)), 500)],
      { maxBundleBytes: 2000 },
    );
    expect(refusals.map((r) => r.code)).toEqual(['FHIR_TOO_LARGE']);
  });
});
