import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFhirValidator } from '../../../src/fhir/input/createFhirValidator.js';
import { fhirFileSource } from '../../../src/fhir/input/fhirFileSource.js';
import type { FhirInputSource } from '../../../src/fhir/input/fhirInputSource.js';
import { readFhirInput, type FhirInputProgress } from '../../../src/fhir/input/readFhirInput.js';
import { caughtError } from '../../support/caughtError.js';
import { useTempDir } from '../../support/tempDir.js';
import { ndjson, observation, patient, readAll, textSource } from './fixtures.js';

const SAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/fhir/synthea');
const tempFile = useTempDir('fhir-input');

describe('validation', () => {
  it('a resource the R4 definitions refuse is refused with the element the validator names; valid ones pass', async () => {
    const validator = await createFhirValidator();
    const { status: _status, ...noStatus } = observation('Patient/p1', 'o2');
    const { resources, refusals } = await readAll(
      [
        textSource(
          'v.ndjson',
          ndjson([observation('Patient/p1', 'o1'), noStatus, { ...patient('p3'), birthDate: 'yesterday' }]),
        ),
      ],
      { validator },
    );
    expect(resources.map((r) => r.id)).toEqual(['o1']);
    expect(refusals).toEqual([
      expect.objectContaining({
        code: 'FHIR_INVALID_RESOURCE',
        resource: 'Observation/o2',
        element: 'Observation.status',
        source: { input: 'v.ndjson', line: 2 },
      }),
      expect.objectContaining({
        code: 'FHIR_INVALID_RESOURCE',
        resource: 'Patient/p3',
        element: 'Patient.birthDate',
      }),
    ]);
    expect(refusals[0]?.message).toMatch(
      /^v\.ndjson line 2: Observation\/o2 is not valid FHIR R4: Observation\.status: /,
    );
  });

  it('validates after references are resolved: a Bundle of urn:uuid references gives no reference errors', async () => {
    const validator = await createFhirValidator();
    const [file] = readdirSync(SAMPLE).filter((name) => name.endsWith('.json'));
    const input = JSON.parse(readFileSync(join(SAMPLE, file as string), 'utf8')) as {
      entry: { resource: Record<string, unknown> }[];
    };
    // Unresolved, the sample's references are urn:uuid: the validator warns about them.
    expect(
      input.entry
        .flatMap(({ resource }) => validator.validate(resource as never))
        .filter((issue) => /reference/i.test(issue.message)).length,
    ).toBeGreaterThan(0);
    const { resources } = await readAll([fhirFileSource(join(SAMPLE, file as string))]);
    expect(
      resources
        .flatMap((resource) => validator.validate(resource))
        .filter((issue) => /reference/i.test(issue.message)),
    ).toEqual([]);
  });

  it('validates by default, with the shared validator', async () => {
    const items = [];
    for await (const item of readFhirInput([
      textSource('v.ndjson', ndjson([{ resourceType: 'Observation', id: 'o1' }])),
    ]))
      items.push(item);
    expect(items).toEqual([
      { kind: 'refused', refusal: expect.objectContaining({ code: 'FHIR_INVALID_RESOURCE' }) as unknown },
    ]);
    expect(await createFhirValidator()).toBe(await createFhirValidator());
  });

  it('loading the input modules does not load @medplum: only createFhirValidator imports it, dynamically', () => {
    const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/fhir/input');
    const staticMedplum = readdirSync(dir)
      .filter((name) =>
        /^\s*import\s+(?!type\b)[^;]*from\s+['"]@medplum\//m.test(readFileSync(join(dir, name), 'utf8')),
      )
      .map((name) => name);
    expect(staticMedplum).toEqual([]);
  });
});

describe('progress', () => {
  it('reports each input, and its last report has read all its bytes with the final counts', async () => {
    const reports: FhirInputProgress[] = [];
    const a = textSource('a.ndjson', ndjson([patient('p1'), patient('p2'), 'junk']), 16);
    const b = textSource('b.ndjson', ndjson([patient('p3')]), 16);
    await readAll([a, b], { onProgress: (p) => reports.push(p), progressEveryMs: 0 });
    expect(reports.length).toBeGreaterThan(10);
    const lastOf = (input: string): FhirInputProgress | undefined =>
      reports.filter((p) => p.input === input).at(-1);
    expect(lastOf('a.ndjson')).toEqual({
      input: 'a.ndjson',
      bytesRead: a.totalBytes,
      totalBytes: a.totalBytes,
      resources: 2,
      refused: 1,
    });
    expect(reports.at(-1)).toEqual({
      input: 'b.ndjson',
      bytesRead: b.totalBytes,
      totalBytes: b.totalBytes,
      resources: 3,
      refused: 1,
    });
    const bytes = reports.filter((p) => p.input === 'a.ndjson').map((p) => p.bytesRead);
    expect(bytes).toEqual([...bytes].sort((x, y) => x - y));
  });

  it('throttled, it still makes the final report of each input', async () => {
    const reports: FhirInputProgress[] = [];
    const source = textSource('a.ndjson', ndjson(Array.from({ length: 50 }, (_, i) => patient(`p${i}`))), 10);
    await readAll([source], { onProgress: (p) => reports.push(p), progressEveryMs: 3_600_000 });
    expect(reports.at(-1)).toEqual({
      input: 'a.ndjson',
      bytesRead: source.totalBytes,
      totalBytes: source.totalBytes,
      resources: 50,
      refused: 0,
    });
    expect(reports.length).toBeLessThanOrEqual(2);
  });
});

describe('abort', () => {
  it('aborting mid-way stops with ABORTED, yields nothing more, and closes the source', async () => {
    const controller = new AbortController();
    let closed = false;
    const source: FhirInputSource = {
      name: 'many.ndjson',
      chunks: (async function* () {
        try {
          for (let i = 0; ; i++) yield `${JSON.stringify(patient(`p${i}`))}\n`;
        } finally {
          closed = true;
        }
      })(),
    };
    const seen: string[] = [];
    const error = await caughtError(
      (async () => {
        for await (const item of readFhirInput([source], { validator: false, signal: controller.signal })) {
          if (item.kind === 'resource') seen.push(item.resource.id);
          if (seen.length === 3) controller.abort(new Error('operator pressed ctrl-c'));
        }
      })(),
    );
    expect(error.code).toBe('ABORTED');
    expect((error.cause as Error).message).toBe('operator pressed ctrl-c');
    expect(seen).toEqual(['p0', 'p1', 'p2']);
    expect(closed).toBe(true);
  });

  it('aborting while the source stalls stops at once', async () => {
    const controller = new AbortController();
    const stalled: FhirInputSource = {
      name: 'stalled',
      chunks: (async function* () {
        yield `${JSON.stringify(patient('p1'))}\n`;
        await new Promise(() => undefined);
      })(),
    };
    const seen: string[] = [];
    const error = await caughtError(
      (async () => {
        for await (const item of readFhirInput([stalled], { validator: false, signal: controller.signal })) {
          if (item.kind === 'resource') seen.push(item.resource.id);
          setTimeout(() => controller.abort(), 10);
        }
      })(),
    );
    expect(error.code).toBe('ABORTED');
    expect(seen).toEqual(['p1']);
  });

  it('an already aborted signal reads nothing', async () => {
    let pulled = false;
    const source: FhirInputSource = {
      name: 'x',
      chunks: (async function* () {
        pulled = true;
        yield ndjson([patient('p1')]);
      })(),
    };
    expect((await caughtError(readAll([source], { signal: AbortSignal.abort() }))).code).toBe('ABORTED');
    expect(pulled).toBe(false);
  });
});

describe('sources', () => {
  it('fhirFileSource streams a file, its size the progress total', async () => {
    const path = tempFile('one.ndjson');
    writeFileSync(path, ndjson([patient('p1'), observation('Patient/p1', 'o1')]));
    const source = fhirFileSource(path);
    expect(source).toMatchObject({ name: path, totalBytes: readFileSync(path).length });
    expect((await readAll([source])).resources.map((r) => r.id)).toEqual(['p1', 'o1']);
  });

  it('a missing file or a directory is a typed error naming the path, before anything is read', () => {
    for (const path of [tempFile('missing.ndjson'), dirname(tempFile('x'))]) {
      let error: unknown;
      try {
        fhirFileSource(path);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'FHIR_INPUT_UNREADABLE', details: { path } });
    }
  });

  it('a source that fails mid-way is refused from there on, what it held before is taken, and the next input is read', async () => {
    const failing: FhirInputSource = {
      name: 'flaky',
      chunks: (async function* () {
        yield ndjson([patient('p1')]);
        yield '{"resourceType":"Pat';
        throw new Error('connection reset');
      })(),
    };
    const { items } = await readAll([failing, textSource('next.ndjson', ndjson([patient('p2')]))]);
    expect(items.map((item) => (item.kind === 'resource' ? item.resource.id : item.refusal.code))).toEqual([
      'p1',
      'FHIR_INPUT_UNREADABLE',
      'p2',
    ]);
    const refused = items[1];
    expect(refused?.kind === 'refused' && refused.refusal.message).toMatch(
      /^flaky: could not be read to the end \(connection reset\) after \d+ bytes/,
    );
  });

  it('sources may come from an async iterable', async () => {
    async function* sources(): AsyncGenerator<FhirInputSource> {
      yield textSource('a', ndjson([patient('p1')]));
      yield textSource('b', ndjson([patient('p2')]));
    }
    const ids: string[] = [];
    for await (const item of readFhirInput(sources(), { validator: false }))
      if (item.kind === 'resource') ids.push(item.resource.id);
    expect(ids).toEqual(['p1', 'p2']);
  });

  it('a limit that is not a positive whole number is INVALID_OPTION', async () => {
    expect((await caughtError(readAll([], { maxLineBytes: 0 }))).code).toBe('INVALID_OPTION');
  });
});
