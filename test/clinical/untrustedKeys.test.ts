/**
 * Keys JavaScript objects cannot hold as plain data (`__proto__`), and keys that are one
 * key after Unicode NFC normalisation, are refused with the path where they are, by the
 * writer and by ingest alike, so every replica shows the same record (issue 9, finding 8).
 */
import { describe, expect, it } from 'vitest';
import {
  createKeyring,
  createMemoryEventLog,
  createReplica,
  initSyncState,
  signEvent,
  syncPair,
  type ChartEvent,
  type Replica,
} from '../../src/index.js';
import {
  clinicalSchema,
  patientStream,
  readAllergies,
  recordAllergy,
  registerPatient,
} from '../../src/clinical/index.js';
import { encodeWireEvent } from '../../src/event/wireEvent.js';
import { syncMessageLines, decodeSyncMessageText } from '../../src/sync/wireMessage.js';
import { formatPath } from '../../src/error/chartlogError.js';
import { caughtError } from '../support/caughtError.js';
import { keysOf, publicKeys } from '../replica/fixtures.js';
import { ANN, PENICILLIN } from './fixtures.js';

const NETWORK = ['practice-a', 'hospital', 'mallory'];
const STREAM = patientStream(ANN.id);
const author = { id: 'dr-a', role: 'gp' };

async function open(site: string): Promise<Replica> {
  return createReplica({
    site,
    keys: keysOf(site),
    keyring: createKeyring(publicKeys(NETWORK)),
    schema: clinicalSchema,
    store: createMemoryEventLog(),
  });
}

/** practice-a with Ann registered, and the hospital holding the same. */
async function twoSites(): Promise<[Replica, Replica]> {
  const a = await open('practice-a');
  const hospital = await open('hospital');
  await a.record(
    registerPatient(undefined, {
      patientId: ANN.id,
      nhsNumber: ANN.nhsNumber,
      name: { family: 'Jones', given: ['Ann'] },
      gender: 'female',
      birthDate: '1970-01-01',
      author,
    }),
  );
  await syncPair(a, hospital);
  return [a, hospital];
}

/** Both sites hold the same events and show the same record. */
async function expectSame(a: Replica, b: Replica): Promise<void> {
  expect(await a.versionVector()).toEqual(await b.versionVector());
  expect(a.chart.hash()).toBe(b.chart.hash());
}

const CODES: readonly [string, () => unknown, readonly (string | number)[]][] = [
  [
    'an object-valued __proto__ key',
    () => JSON.parse('{"text":"Penicillin","__proto__":{"x":1}}'),
    ['code', '__proto__'],
  ],
  [
    'a string-valued __proto__ key',
    () => JSON.parse('{"text":"Penicillin","__proto__":"x"}'),
    ['code', '__proto__'],
  ],
  [
    'a __proto__ key deeper down',
    () =>
      JSON.parse(
        '{"text":"Penicillin","coding":[{"system":"http://snomed.info/sct","code":"764146007","__proto__":{}}]}',
      ),
    ['code', 'coding', 0, '__proto__'],
  ],
  [
    'two keys equal after NFC (café / cafe\u0301)',
    () => ({ text: 'Penicillin', 'caf\u00e9': 'a', 'cafe\u0301': 'b' }),
    ['code', 'cafe\u0301'],
  ],
];

describe('keys a JavaScript object cannot hold faithfully are refused, the same way everywhere', () => {
  for (const [what, code, path] of CODES) {
    it(`recording an allergy whose code has ${what} is refused with INVALID_COMMAND naming the path; the site records nothing and keeps syncing`, async () => {
      const [a, hospital] = await twoSites();
      const error = await caughtError(
        (async () =>
          recordAllergy(a.chart.state(STREAM), { patientId: ANN.id, code: code() as never, author }))(),
      );
      expect(error.code).toBe('INVALID_COMMAND');
      expect(error.issues).toContainEqual({
        severity: 'error',
        code: 'structure',
        path,
        message: expect.any(String),
      });
      // The origin still records and syncs, and both sites show the same record.
      await a.record(recordAllergy(a.chart.state(STREAM), { patientId: ANN.id, code: PENICILLIN, author }));
      const report = await syncPair(a, hospital);
      expect(report.refused.count).toBe(0);
      await expectSame(a, hospital);
      expect(readAllergies(hospital.chart.state(STREAM)).map((x) => x.code)).toEqual([PENICILLIN]);
    });

    it(`a raw draft whose data has ${what} is refused by the writer with MALFORMED_EVENT naming the path`, async () => {
      const [a, hospital] = await twoSites();
      const before = await a.versionVector();
      const error = await caughtError(
        a.record({
          stream: STREAM,
          type: 'allergy.recorded',
          data: { 'AllergyIntolerance/x': { code: code() as never } },
          author,
        }),
      );
      expect(error.code).toBe('MALFORMED_EVENT');
      expect(error.issues).toContainEqual({
        severity: 'error',
        code: 'structure',
        path: ['data', 'AllergyIntolerance/x', ...path],
        message: expect.any(String),
      });
      expect(await a.versionVector()).toEqual(before);
      expect((await syncPair(a, hospital)).refused.count).toBe(0);
      await expectSame(a, hospital);
    });
  }

  it("a __proto__ key in a draft's pred or author is refused by the writer naming the path", async () => {
    const [a] = await twoSites();
    const data = { 'AllergyIntolerance/x': { code: { text: 'Penicillin' } } };
    const pred = await caughtError(
      a.record({
        stream: STREAM,
        type: 'allergy.recorded',
        data,
        pred: JSON.parse('{"__proto__":{"code":[]}}'),
        author,
      }),
    );
    expect(pred).toMatchObject({
      code: 'MALFORMED_EVENT',
      issues: expect.arrayContaining([expect.objectContaining({ path: ['pred', '__proto__'] })]),
    });
    const who = await caughtError(
      a.record({
        stream: STREAM,
        type: 'allergy.recorded',
        data,
        author: JSON.parse('{"id":"dr-a","__proto__":"x"}'),
      }),
    );
    expect(who).toMatchObject({
      code: 'MALFORMED_EVENT',
      issues: expect.arrayContaining([expect.objectContaining({ path: ['author', '__proto__'] })]),
    });
  });

  it('an event from a peer with a __proto__ key in data or pred, or a pred key not in NFC, is refused as malformed naming the path, and the rest is taken', async () => {
    const [a, hospital] = await twoSites();
    const mallory = await open('mallory');
    const good = await a.record(
      recordAllergy(a.chart.state(STREAM), { patientId: ANN.id, code: PENICILLIN, author }),
    );
    await a.signHead();
    // mallory's signed event, its wire line edited the way a hostile writer would send it.
    const real = await mallory.record({
      stream: STREAM,
      type: 'allergy.recorded',
      data: { 'AllergyIntolerance/m': { code: { text: 'MARK' } } },
      pred: { 'AllergyIntolerance/m': { note: [good.id] } },
      author,
    });
    const line = encodeWireEvent(real);
    const lines = [
      ...syncMessageLines({
        protocol: 1,
        vector: await a.versionVector(),
        events: [(await a.signHead()) as ChartEvent],
      }),
    ];
    for (const [bad, path] of [
      [
        line.replace('"text":"MARK"', '"__proto__":{"x":1},"text":"MARK"'),
        ['data', 'AllergyIntolerance/m', 'code', '__proto__'],
      ],
      [
        line.replace('"text":"MARK"', '"__proto__":"x","text":"MARK"'),
        ['data', 'AllergyIntolerance/m', 'code', '__proto__'],
      ],
      [line.replace('"pred":{', `"pred":{"__proto__":{"note":["${good.id}"]},`), ['pred', '__proto__']],
      // pred keys are held to what data keys are: NFC (a writer would have normalised it).
      [
        line.replace('"pred":{', `"pred":{"AllergyIntolerance/cafe\\u0301":{"note":["${good.id}"]},`),
        ['pred', 'AllergyIntolerance/cafe\u0301'],
      ],
    ] as const) {
      expect(bad).not.toBe(line);
      // Signed by mallory's own key, as a hostile site with a valid key would.
      const forged = encodeWireEvent(
        signEvent((JSON.parse(bad) as { e: ChartEvent }).e, keysOf('mallory').privateKey),
      );
      expect(forged).toContain(JSON.stringify(path.at(-1)));
      const [, report] = await hospital.receiveSyncMessage(
        initSyncState(),
        decodeSyncMessageText([lines[0], `${forged}\n`, ...lines.slice(1)].join('')),
      );
      expect(report.refused.examples).toEqual([
        {
          index: 0,
          site: 'mallory',
          seq: 1,
          id: real.id,
          reason: { code: 'malformed', message: expect.stringContaining(formatPath(path)) },
        },
      ]);
    }
    expect((await hospital.versionVector())['mallory']).toBeUndefined();
    await syncPair(a, hospital);
    await expectSame(a, hospital);
  });
});
