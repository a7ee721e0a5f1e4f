/**
 * `chartlog resolve`: a clinician settles one open conflict of a store from the command
 * line, through `prepareConflictResolution`: real child processes on real SQLite files.
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyring,
  createMemoryEventLog,
  createReplica,
  exportPrivateKey,
  exportPublicKey,
  generateSiteKeys,
  syncPair,
  type ChartEvent,
  type Replica,
  type SiteKeys,
} from '../../src/index.js';
import {
  clinicalSchema,
  patientStream,
  recordAllergy,
  registerPatient,
  updateAllergy,
} from '../../src/clinical/index.js';
import { readAllEvents } from '../../src/adapter/index.js';
import { CONFLICT_RESOLUTION_EVENT } from '../../src/merge/schema.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { useTempDir } from '../support/tempDir.js';
import { runChartlog, startServe } from './runChartlog.js';

const file = useTempDir('resolve-cli');
const ann = patientStream('ann-jones');
const keys: Record<'practice-a' | 'hospital-d', SiteKeys> = {
  'practice-a': generateSiteKeys(),
  'hospital-d': generateSiteKeys(),
};

/** Ann's penicillin allergy: low at practice-a, then high there and unable-to-assess at hospital-d, concurrently. */
async function conflictHistory(): Promise<ChartEvent[]> {
  const keyring = createKeyring({
    'practice-a': keys['practice-a'].publicKey,
    'hospital-d': keys['hospital-d'].publicKey,
  });
  const open = (site: 'practice-a' | 'hospital-d'): Promise<Replica> =>
    createReplica({ site, keys: keys[site], keyring, schema: clinicalSchema, store: createMemoryEventLog() });
  const [a, d] = await Promise.all([open('practice-a'), open('hospital-d')]);
  const author = { id: 'dr-okafor', role: 'gp' };
  await a.record(
    registerPatient(a.chart.state(ann), {
      patientId: 'ann-jones',
      name: { family: 'Jones', given: ['Ann'] },
      birthDate: '1970-01-01',
      gender: 'female',
      author,
    }),
  );
  await a.record(
    recordAllergy(a.chart.state(ann), {
      patientId: 'ann-jones',
      allergyId: 'pen',
      code: { text: 'Penicillin' },
      criticality: 'low',
      author,
    }),
  );
  await syncPair(a, d);
  const change = (r: Replica, criticality: 'high' | 'unable-to-assess', id: string) =>
    r.record(
      updateAllergy(r.chart.state(ann), {
        patientId: 'ann-jones',
        allergyId: 'pen',
        criticality,
        author: { id, role: 'gp' },
      }),
    );
  await change(a, 'high', 'dr-okafor');
  await change(d, 'unable-to-assess', 'dr-reyes');
  await syncPair(a, d);
  return readAllEvents(a.store);
}

let history: ChartEvent[] = [];
beforeAll(async () => {
  history = await conflictHistory();
  writeFileSync(file('practice-a.key'), exportPrivateKey(keys['practice-a'].privateKey), { mode: 0o600 });
});

/** A fresh copy of practice-a's store holding the conflict (its projection kept, as serve keeps it). */
async function storeWithConflict(name: string): Promise<string> {
  const path = file(name);
  const store = openSqliteEventLog(path);
  await store.openProjection({ schema: clinicalSchema });
  await store.append(history);
  await store.close();
  return path;
}

async function eventsOf(path: string): Promise<ChartEvent[]> {
  const store = openSqliteEventLog(path, { readOnly: true });
  try {
    return await readAllEvents(store);
  } finally {
    await store.close();
  }
}

interface ConflictList {
  count: number;
  conflicts: { writes: { id: string; value: unknown; site: string }[] }[];
}
const conflictsOf = async (path: string): Promise<ConflictList> =>
  JSON.parse((await runChartlog(['conflicts', '--store', path, '--json'])).stdout) as ConflictList;

const resolveArgs = (path: string, ...more: string[]): string[] => [
  'resolve',
  '--store',
  path,
  '--site',
  'practice-a',
  '--key',
  file('practice-a.key'),
  '--author-id',
  'dr-okafor',
  '--author-role',
  'gp',
  ...more,
];
const theConflict = [
  '--stream',
  'patient/ann-jones',
  '--resource',
  'AllergyIntolerance/pen',
  '--field',
  'criticality',
];

describe('chartlog resolve', () => {
  it("--keep settles the open conflict with the kept write's value, as this site's next signed event superseding every competing write", async () => {
    const path = await storeWithConflict('keep.chartlog');
    const [open] = (await conflictsOf(path)).conflicts;
    const kept = open?.writes.find((w) => w.site === 'hospital-d');
    expect(kept?.value).toBe('unable-to-assess');
    const run = await runChartlog(resolveArgs(path, '--keep', kept?.id ?? '', '--json'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      resolved: true,
      stream: 'patient/ann-jones',
      resource: 'AllergyIntolerance/pen',
      field: 'criticality',
      value: 'unable-to-assess',
      superseded: open?.writes.map((w) => w.id).sort(),
      event: { site: 'practice-a', seq: history.filter((e) => e.site === 'practice-a').length + 1 },
    });
    expect((await conflictsOf(path)).count).toBe(0);
    const events = await eventsOf(path);
    const resolution = events.at(-1);
    expect(events).toHaveLength(history.length + 1);
    expect(resolution).toMatchObject({
      site: 'practice-a',
      type: CONFLICT_RESOLUTION_EVENT,
      author: { id: 'dr-okafor', role: 'gp' },
      data: { 'AllergyIntolerance/pen': { criticality: 'unable-to-assess' } },
      pred: { 'AllergyIntolerance/pen': { criticality: open?.writes.map((w) => w.id).sort() } },
    });
  });

  it("refuses a key that is not this site's (exit 2), and records nothing", async () => {
    const path = await storeWithConflict('wrong-key.chartlog');
    writeFileSync(file('someone-else.key'), exportPrivateKey(generateSiteKeys().privateKey), { mode: 0o600 });
    const args = resolveArgs(path, ...theConflict, '--value', '"high"');
    args[args.indexOf(file('practice-a.key'))] = file('someone-else.key');
    const run = await runChartlog(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/INVALID_OPTION: the key given is not practice-a's key/);
    expect(await eventsOf(path)).toHaveLength(history.length);
  });

  it('--value settles it with a value given as JSON, and says what it did', async () => {
    const path = await storeWithConflict('value.chartlog');
    const run = await runChartlog(resolveArgs(path, ...theConflict, '--value', '"high"'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('resolved patient/ann-jones AllergyIntolerance/pen.criticality: "high"');
    expect((await conflictsOf(path)).count).toBe(0);
    expect((await eventsOf(path)).at(-1)).toMatchObject({
      data: { 'AllergyIntolerance/pen': { criticality: 'high' } },
    });
  });

  it('refuses what cannot settle a conflict with a typed error and exit 2, recording nothing', async () => {
    const path = await storeWithConflict('refused.chartlog');
    const [open] = (await conflictsOf(path)).conflicts;
    const refusals: [string[], string, RegExp][] = [
      [[...theConflict], 'INVALID_OPTION', /--keep EVENT_ID or --value JSON/],
      [
        [...theConflict, '--value', '"high"', '--keep', open?.writes[0]?.id ?? ''],
        'INVALID_OPTION',
        /not both/,
      ],
      [[...theConflict, '--value', 'high'], 'INVALID_OPTION', /--value must be JSON.*'"high"'/],
      [['--value', '"high"'], 'INVALID_OPTION', /--value needs --stream, --resource and --field/],
      [[...theConflict, '--value', '42'], 'INVALID_OPTION', /criticality/],
      [[...theConflict, '--keep', history[0]?.id ?? ''], 'NOT_FOUND', /is not one of the competing writes/],
      [
        [
          '--stream',
          'patient/ann-jones',
          '--resource',
          'AllergyIntolerance/pen',
          '--field',
          'code',
          '--value',
          '{"text":"x"}',
        ],
        'NOT_FOUND',
        /no open conflict on patient\/ann-jones AllergyIntolerance\/pen\.code.*chartlog conflicts/,
      ],
    ];
    for (const [args, code, message] of refusals) {
      const run = await runChartlog(resolveArgs(path, ...args));
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({
        args,
        code: 2,
        stderr: expect.stringMatching(new RegExp(`^chartlog resolve: ${code}: .*${message.source}`)),
      });
    }
    const noAuthor = await runChartlog(
      resolveArgs(path, ...theConflict, '--value', '"high"', '--author-id', ''),
    );
    expect(noAuthor.code).toBe(2);
    expect(noAuthor.stderr).toContain('--author-id');
    expect(await eventsOf(path)).toHaveLength(history.length);
    expect((await conflictsOf(path)).count).toBe(1);
  });

  it('a conflict already resolved is not open any more: resolving it again is refused', async () => {
    const path = await storeWithConflict('twice.chartlog');
    expect((await runChartlog(resolveArgs(path, ...theConflict, '--value', '"high"'))).code).toBe(0);
    const again = await runChartlog(resolveArgs(path, ...theConflict, '--value', '"low"', '--json'));
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await eventsOf(path)).toHaveLength(history.length + 1);
  });

  it('refuses a store a running chartlog serve holds (exit 3 STORE_LOCKED), saying to stop serve first', async () => {
    const path = await storeWithConflict('served.chartlog');
    writeFileSync(
      file('peers.json'),
      JSON.stringify({
        peers: [{ site: 'hospital-d', publicKey: exportPublicKey(keys['hospital-d'].publicKey) }],
      }),
    );
    const served = await startServe([
      '--store',
      path,
      '--site',
      'practice-a',
      '--key',
      file('practice-a.key'),
      '--peers',
      file('peers.json'),
    ]);
    try {
      const run = await runChartlog(resolveArgs(path, ...theConflict, '--value', '"high"'));
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(
        /^chartlog resolve: STORE_LOCKED: .*stop chartlog serve on this store first/,
      );
    } finally {
      await served.stop('SIGTERM');
    }
    expect(await eventsOf(path)).toHaveLength(history.length);
  });

  it('a missing store is refused, not created', async () => {
    const run = await runChartlog(resolveArgs(file('typo.chartlog'), ...theConflict, '--value', '"high"'));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/STORE_UNAVAILABLE: .*typo\.chartlog does not exist/);
  });
});
