/**
 * What the fhir-rest benchmark asks for: random resources of random patients, read from a
 * store's persisted projection (SQLite, opened read-only: the file is not changed).
 */
import Database from 'better-sqlite3';
import { seededFloats } from '../../src/testing/mulberry32.js';

/** Ids to request. */
export interface FhirRestSample {
  /** Patient ids (`p17`), every patient stream of the store. */
  readonly patients: readonly string[];
  /** `<Type>/<id>` of random resources, each of a random patient (repeats possible). */
  readonly resources: readonly string[];
  /** `Observation/<id>` of distinct random Observations of random patients, for the writes. */
  readonly observations: readonly string[];
}

/** Options of {@link sampleFhirRest}. */
export interface SampleOptions {
  readonly resources: number;
  readonly observations: number;
  /** Only patients whose id is in this set (a comparison server holding a subset). @defaultValue every patient */
  readonly onlyPatients?: ReadonlySet<string>;
  /** @defaultValue `1` */
  readonly seed?: number;
}

/**
 * Draws the sample from the store file at `path` (its `projection_resources` table).
 * @throws Error when the store has no patient stream.
 */
export function sampleFhirRest(path: string, options: SampleOptions): FhirRestSample {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const random = seededFloats(options.seed ?? 1);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const patients = db
      .prepare<[], [string]>(
        "SELECT stream FROM projection_streams WHERE stream LIKE 'patient/%' ORDER BY stream",
      )
      .raw()
      .all()
      .map(([stream]) => stream.slice('patient/'.length))
      .filter((p) => options.onlyPatients === undefined || options.onlyPatients.has(p));
    if (patients.length === 0) throw new Error(`fhir-rest: ${path} holds no patient stream`);
    const ofPatient = db
      .prepare<[string], [string]>('SELECT resource FROM projection_resources WHERE stream = ?')
      .raw();
    const cache = new Map<string, string[]>();
    const resourcesOf = (patient: string): string[] => {
      let list = cache.get(patient);
      if (list === undefined) {
        list = ofPatient.all(`patient/${patient}`).map(([r]) => r);
        if (cache.size > 2000) cache.clear();
        cache.set(patient, list);
      }
      return list;
    };
    const resources: string[] = [];
    while (resources.length < options.resources) {
      const list = resourcesOf(pick(patients));
      if (list.length > 0) resources.push(pick(list));
    }
    const observations = new Set<string>();
    for (
      let tries = 0;
      observations.size < options.observations && tries < options.observations * 100;
      tries++
    ) {
      const list = resourcesOf(pick(patients)).filter((r) => r.startsWith('Observation/'));
      if (list.length > 0) observations.add(pick(list));
    }
    return { patients, resources, observations: [...observations] };
  } finally {
    db.close();
  }
}
