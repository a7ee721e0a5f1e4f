/**
 * The practice workload as signed chartlog events, streamed: the same events
 * savesToEvents (bench/workload/primaryCareEvents.ts) makes from the same saves (ids,
 * hash chains, clocks and `pred` alike), plus the signatures a replica's writer adds,
 * without holding millions of events or every field's shadow at once.
 */
import type { KeyObject } from 'node:crypto';
import {
  createEventWriter,
  createHybridClock,
  siteId,
  streamId,
  type ChartEvent,
  type EventId,
  type EventWriter,
} from '../../src/index.js';
import { draftFromShadow, rememberWrites, type FieldShadow } from '../workload/fieldShadow.js';
import { WORKLOAD_SITES, type Save } from '../workload/primaryCareSaves.js';

/**
 * Resources the workload writes in one save and never again (each gets a fresh id), so
 * their fields need no shadow. Checked against savesToEvents by {@link checkAgainstSavesToEvents}.
 */
const WRITTEN_ONCE = ['Observation/', 'Immunization/'];

/** Turns saves into events one at a time, as savesToEvents does for a whole array. */
export interface PracticeEventStream {
  /** The event for the next save, in save order. */
  next(save: Save): ChartEvent;
  /** Signs each site's last event if it is not signed yet (what a replica does before answering a sync). */
  signHeads(): ChartEvent[];
  /** The ids a clinician sees as current for `<resource>#<field>`, if any write of it is remembered. */
  live(key: string): readonly EventId[] | undefined;
}

/**
 * A stream converter with one event writer per site (each on its own clock at the
 * save's wall time, signing a head every `signEvery` events with that site's key, as a
 * replica does). The field shadow is kept per patient, and forgets a patient's encounter
 * when the next one starts (the workload never writes it again) and never holds
 * {@link WRITTEN_ONCE} resources: that keeps it to about 500 entries per patient.
 */
export function createPracticeEventStream(
  privateKeys: ReadonlyMap<string, KeyObject> | undefined,
  signEvery = 256,
): PracticeEventStream {
  let wall = 0;
  const writers = new Map<string, EventWriter>(
    WORKLOAD_SITES.map((s) => {
      const key = privateKeys?.get(s);
      return [
        s,
        createEventWriter({
          site: siteId(s),
          clock: createHybridClock({ wallClock: () => wall }),
          ...(key ? { signing: { privateKey: key, every: signEvery } } : {}),
        }),
      ];
    }),
  );
  const shadows = new Map<string, Map<string, FieldShadow>>();
  const encounters = new Map<string, string>();
  return {
    next(save) {
      wall = save.at;
      let shadow = shadows.get(save.patient);
      if (shadow === undefined) shadows.set(save.patient, (shadow = new Map()));
      if (save.type === 'encounter.started') {
        const started = save.writes[0]?.resource;
        const previous = encounters.get(save.patient);
        if (previous !== undefined && previous !== started)
          for (const k of [...shadow.keys()]) if (k.startsWith(`${previous}#`)) shadow.delete(k);
        if (started !== undefined) encounters.set(save.patient, started);
      }
      const { data, pred, touched } = draftFromShadow(
        save,
        shadow,
        (resource) => !WRITTEN_ONCE.some((p) => resource.startsWith(p)),
      );
      const event = (writers.get(save.site) as EventWriter).append({
        stream: streamId(`patient/${save.patient}`),
        type: save.type,
        data,
        pred,
        author: { id: `clinician-${save.site}`, org: save.site },
      });
      rememberWrites(shadow, touched, event.id, save.site);
      return event;
    },
    signHeads() {
      const signed: ChartEvent[] = [];
      for (const w of writers.values()) {
        const head = w.signHead();
        if (head !== undefined) signed.push(head);
      }
      return signed;
    },
    live(key) {
      const patient = /[/-](p\d+)(?:-\d+)?#/.exec(key)?.[1];
      return patient === undefined ? undefined : shadows.get(patient)?.get(key)?.live;
    },
  };
}

/**
 * Fails unless the stream converter gives exactly savesToEvents' events (ids, so also
 * `pred`, clocks and chains) for `saves`: guards {@link WRITTEN_ONCE} and the encounter
 * pruning against a change of the workload generator.
 *
 * @throws Error naming the first save whose event differs.
 */
export function checkAgainstSavesToEvents(saves: readonly Save[], expected: readonly ChartEvent[]): void {
  const stream = createPracticeEventStream(undefined);
  saves.forEach((save, i) => {
    const got = stream.next(save);
    if (got.id !== expected[i]?.id)
      throw new Error(
        `practice: the streamed event of save ${i} (${save.type}) differs from savesToEvents': update WRITTEN_ONCE or the encounter pruning in bench/practice/practiceEvents.ts`,
      );
  });
}
