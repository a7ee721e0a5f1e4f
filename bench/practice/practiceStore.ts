/**
 * The practice benchmark's SQLite replica store, built once and cached under
 * `.bench-out/practice/`, in a directory named after the generator's parameters and a
 * hash of the generator's source files (so a change to the workload rebuilds it).
 *
 * How it is built: the primary-care workload (bench/workload/primaryCareSaves.ts) is
 * streamed save by save through one event writer per site (practice-a, practice-b,
 * hospital-c, each on its own clock at the save's wall time, signing a head every 256
 * events with its own Ed25519 key, as a replica's writer does); `pred` comes from the
 * whole practice's view of each field, as savesToEvents gives it (the sites were in
 * sync). The events go straight into one SQLite store through its batched `append` (the
 * same `planAppend` checks and the same rows a replica writes), in time order, and each
 * site's last event is then signed, as a replica signs its head before answering a
 * sync. That is what a fully synced replica of the practice holds: the same events, the
 * same signatures at the same seqs (sync cuts runs at signed heads), byte for byte; only
 * the insertion order (`readAll`) differs from any one replica's, which depends on when
 * it synced. It is not recorded through replicas because that is ~13k events/s; this is
 * several times faster. Written with `synchronous: 'normal'` (the file's bytes do not
 * depend on it). The appends run with no projection open, so the store then opens its
 * projection for writing (`openProjection({ schema: clinicalSchema })`), which folds the
 * whole store into it (a streaming rebuild, timed: `built.json` keeps `projection`, which
 * the practice benchmark prints as `build_projection_s`): the cached store ends with a
 * current projection, so opening a replica on it, `chartlog status` and `chartlog
 * conflicts` read the projection and no event. Checkpointed, and moved into place only
 * when complete.
 *
 * The cache key also holds the store format: the SQLite schema version and the clinical
 * schema's fingerprint (which includes the projection format), so a store written by an
 * older chartlog, or one whose projection a new build would refold, is built afresh.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChartEvent, type EventId } from '../../src/index.js';
import { clinicalSchema } from '../../src/clinical/index.js';
import { readSiteKeyFile, writeSiteKeyFiles } from '../../src/sync/http/siteKeyFile.js';
import { PROJECTION_FORMAT, schemaFingerprint } from '../../src/merge/schemaFingerprint.js';
import {
  openSqliteEventLog,
  SQLITE_SCHEMA_VERSION,
  type SqliteEventLog,
} from '../../src/store/sqlite/index.js';
import { progress } from '../emit.js';
import { savesToEvents } from '../workload/primaryCareEvents.js';
import { generateSaves, iterateSaves, WORKLOAD_SITES, type Save } from '../workload/primaryCareSaves.js';
import { checkAgainstSavesToEvents, createPracticeEventStream } from './practiceEvents.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Source files whose content decides the store's bytes: a change to any rebuilds it. */
const GENERATOR_FILES = [
  'bench/workload/primaryCareSaves.ts',
  'bench/workload/primaryCareEvents.ts',
  'bench/workload/fieldShadow.ts',
  'bench/practice/practiceEvents.ts',
  'bench/practice/practiceStore.ts',
  'src/testing/mulberry32.ts',
];

/** What the cached store's format depends on besides the generator: a change to any rebuilds it. */
const STORE_FORMAT = `sqlite-v${SQLITE_SCHEMA_VERSION}/${PROJECTION_FORMAT}/${schemaFingerprint(clinicalSchema)}`;

/** The generator's parameters. */
export interface PracticeParameters {
  readonly patients: number;
  readonly eventsPerPatient: number;
  /** Fraction of updates concurrent with another site's latest write. */
  readonly concurrency: number;
  readonly seed: number;
  /** Saves each site records while cut off, for `catchup_s`. */
  readonly catchupPerSite: number;
}

/** A built store and what comes with it. */
export interface PracticeStore {
  readonly dir: string;
  /** The SQLite store file. */
  readonly storePath: string;
  readonly events: number;
  readonly patients: number;
  /** Private key file per site (`<site>.key`, public key beside it as `.pub`). */
  readonly keyFiles: Readonly<Record<string, string>>;
  /** JSON {@link CatchupWorkload} for `catchup_s`. */
  readonly catchupPath: string;
  /** Seconds the build took (0 when it was cached). */
  readonly buildS: number;
  readonly cached: boolean;
  /** The projection's build when the store was built (cached or not): the full streaming rebuild of its events. */
  readonly projection: ProjectionBuild;
}

/** How long folding the built store into its projection took. */
export interface ProjectionBuild {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/** What each site records while cut off: the workload's next saves, and the ids each field's writes had at the cut. */
export interface CatchupWorkload {
  readonly saves: readonly Save[];
  /** Per `<resource>#<field>` the saves write: the ids current at the cut (every site held them). */
  readonly seen: Readonly<Record<string, readonly EventId[]>>;
}

/** Returns the cached store for these parameters, building it first when missing. */
export async function practiceStore(params: PracticeParameters): Promise<PracticeStore> {
  const hash = createHash('sha256');
  hash.update(STORE_FORMAT).update('\0');
  for (const f of GENERATOR_FILES)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(root, f)))
      .update('\0');
  const name = `${params.patients}x${params.eventsPerPatient}-c${params.concurrency}-s${params.seed}-cu${params.catchupPerSite}-${hash.digest('hex').slice(0, 12)}`;
  const dir = join(root, '.bench-out', 'practice', name);
  const done = join(dir, 'built.json');
  const keyFiles = Object.fromEntries(WORKLOAD_SITES.map((s) => [s, join(dir, `${s}.key`)]));
  const result = (buildS: number, cached: boolean): PracticeStore => {
    const built = JSON.parse(readFileSync(done, 'utf8')) as { events: number; projection: ProjectionBuild };
    return {
      dir,
      storePath: join(dir, 'practice.chartlog'),
      events: built.events,
      patients: params.patients,
      keyFiles,
      catchupPath: join(dir, 'catchup.json'),
      buildS,
      cached,
      projection: built.projection,
    };
  };
  if (existsSync(done)) {
    progress(`practice: using the cached store ${dir}`);
    return result(0, true);
  }
  const t0 = performance.now();
  await build(params, dir);
  return result((performance.now() - t0) / 1000, false);
}

async function build(params: PracticeParameters, dir: string): Promise<void> {
  const total = params.patients * params.eventsPerPatient;
  progress(
    `practice: building a ${total.toLocaleString('en')}-event store (${params.patients} patients × ${params.eventsPerPatient}) in ${dir}`,
  );
  // The pruned shadow must give savesToEvents' events: check on a small practice of the same shape.
  const small = generateSaves({
    saves: 40 * params.eventsPerPatient,
    patients: 40,
    concurrency: params.concurrency,
    seed: params.seed,
  });
  checkAgainstSavesToEvents(small, savesToEvents(small));

  const tmp = `${dir}.building`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const keys = new Map(
    WORKLOAD_SITES.map((s) => [
      s,
      readSiteKeyFile(writeSiteKeyFiles(join(tmp, `${s}.key`)).privateKeyFile).privateKey,
    ]),
  );
  const stream = createPracticeEventStream(keys);
  const store = openSqliteEventLog(join(tmp, 'practice.chartlog'), { synchronous: 'normal' });
  const saves = iterateSaves({
    saves: Number.MAX_SAFE_INTEGER,
    patients: params.patients,
    concurrency: params.concurrency,
    seed: params.seed,
  });
  const started = performance.now();
  let lastReport = started;
  let batch: ChartEvent[] = [];
  let projection: ProjectionBuild | undefined;
  try {
    for (let i = 0; i < total; i++) {
      batch.push(stream.next(saves.next().value as Save));
      if (batch.length === 5000 || i === total - 1) {
        await store.append(batch);
        batch = [];
        const now = performance.now();
        if (now - lastReport > 2000 || i === total - 1) {
          lastReport = now;
          const rate = (i + 1) / ((now - started) / 1000);
          progress(
            `practice: ${(i + 1).toLocaleString('en')} / ${total.toLocaleString('en')} events (${((100 * (i + 1)) / total).toFixed(1)}%), ${Math.round(rate).toLocaleString('en')} events/s, ETA ${Math.round((total - i - 1) / rate)} s`,
          );
        }
      }
    }
    await store.append(stream.signHeads());
    writeFileSync(
      join(tmp, 'catchup.json'),
      JSON.stringify(catchupWorkload(saves, stream, params.catchupPerSite)),
    );
    projection = await buildProjection(store);
    await store.checkpoint();
  } finally {
    await store.close();
  }
  writeFileSync(
    join(tmp, 'built.json'),
    JSON.stringify({
      events: total,
      params,
      format: STORE_FORMAT,
      seconds: (performance.now() - started) / 1000,
      projection,
    }),
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/** Opens the store's projection for writing: the events were appended without one, so it folds them all (a streaming rebuild), timed. */
async function buildProjection(store: SqliteEventLog): Promise<ProjectionBuild> {
  let lastReport = performance.now();
  const t0 = performance.now();
  const projection = await store.openProjection({
    schema: clinicalSchema,
    onProgress: (p) => {
      if (performance.now() - lastReport < 2000) return;
      lastReport = performance.now();
      progress(
        `practice: projection ${p.phase}, ${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')} events, ${Math.round(p.eventsPerSecond).toLocaleString('en')} events/s, ETA ${Math.round(p.etaSeconds ?? 0)} s`,
      );
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (projection.opening.action !== 'rebuilt')
    throw new Error(
      `practice: expected the new store's projection to be rebuilt, not ${projection.opening.action}`,
    );
  const events = projection.opening.events;
  progress(
    `practice: projection built in ${seconds.toFixed(1)} s (${events.toLocaleString('en')} events, ${Math.round(events / seconds).toLocaleString('en')} events/s)`,
  );
  return { events, seconds, eventsPerSecond: events / seconds };
}

/** The workload's next saves until every site has `perSite` (each site's share), and what each field they write showed at the cut. */
function catchupWorkload(
  saves: Iterator<Save>,
  stream: ReturnType<typeof createPracticeEventStream>,
  perSite: number,
): CatchupWorkload {
  const counts = new Map<string, number>();
  const taken: Save[] = [];
  const seen: Record<string, readonly EventId[]> = {};
  while ([...WORKLOAD_SITES].some((s) => (counts.get(s) ?? 0) < perSite)) {
    const save = saves.next().value as Save;
    const n = counts.get(save.site) ?? 0;
    if (n >= perSite) continue;
    counts.set(save.site, n + 1);
    taken.push(save);
    for (const w of save.writes) {
      const key = `${w.resource}#${w.field}`;
      const live = stream.live(key);
      if (live !== undefined && seen[key] === undefined) seen[key] = live;
    }
  }
  return { saves: taken, seen };
}
