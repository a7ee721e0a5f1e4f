/**
 * The outage drill behind `chartlog demo` and `npm run demo`: three GP practices and a
 * hospital each hold a full replica of the records they share. A normal morning; then a
 * total outage cuts every site off while each keeps booking, prescribing, recording
 * allergies and notes — including concurrent changes to the same patients'
 * safety-critical fields and one slot booked at two practices; then links return one by
 * one, every site converges to the same state hash, and the conflicts are listed for a
 * clinician to review.
 *
 * Each site is a real replica (`createReplica`) on its own SQLite file in a temporary
 * directory, with its own Ed25519 key; sites sync with the sync protocol in process
 * (`syncPair`), every run ending at a signed head. While links are up, every site
 * syncs with the hospital hub after each action.
 *
 * With a FHIR app (`fhirApp`), practice-a's app keeps booking and prescribing through
 * practice-a's own FHIR R4 API during the outage (served on 127.0.0.1 by
 * `createFhirHandler`), while the hospital books the same earliest slot and changes the
 * same dose: after reconnection its writes are at every site and among the conflicts.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createHybridClock,
  createKeyring,
  createReplica,
  generateSiteKeys,
  siteId,
  syncPair,
  type ChartView,
  type ChartEvent,
  type Conflict,
  type EventDraft,
  type Keyring,
  type Replica,
  type StreamId,
} from '../index.js';
import {
  addConsultationNote,
  bookAppointment,
  changeDose,
  clinicalSchema,
  openSlot,
  patientStream,
  prescribe,
  recordAllergy,
  recordObservation,
  registerPatient,
  scheduleStream,
  startEncounter,
  updateAllergy,
  VITAL_SIGNS,
} from '../clinical/index.js';
import { uuidFromSha256 } from '../event/uuidFromSha256.js';
import { runDrillFhirApp, type DrillFhirAppResult, type FhirApp } from './drillFhirApp.js';
import { openStoreFile } from './openStoreFile.js';
import { countOf } from './countOf.js';

/** Options of {@link runOutageDrill}. */
export interface OutageDrillOptions {
  /** Patients registered across the practices. @defaultValue 60 */
  readonly patients?: number;
  /** Simulated hours of outage. @defaultValue 6 */
  readonly outageHours?: number;
  /** Where progress lines go. @defaultValue nowhere */
  readonly onProgress?: (line: string) => void;
  /**
   * Called with the hospital hub's chart once every site has reconnected, before the
   * drill closes its stores: to look at the records it made (e.g. read each as FHIR R4).
   * @defaultValue none
   */
  readonly onConverged?: (hub: ChartView) => void | Promise<void>;
  /**
   * A practice's app, run during the outage against practice-a's FHIR R4 API (a real
   * socket on 127.0.0.1, a read-write token) with practice-a's patients as its list.
   * @defaultValue none: the drill runs without an app
   */
  readonly fhirApp?: FhirApp;
  /**
   * Makes the run reproducible: the ids of new resources (the drill's and those the FHIR
   * app creates) come from it, so two runs with the same seed and sizes end with the same
   * state hash. @defaultValue a random seed (the result says which)
   */
  readonly seed?: number;
}

/** What the drill ends with: one row per site, and the open conflicts. */
export interface OutageDrillResult {
  /** True when every site ended with the same state hash and events (and, with a FHIR app, holds every event the app's writes recorded). */
  readonly converged: boolean;
  /** The seed the run used: give it again (`--seed`) to repeat the run. */
  readonly seed: number;
  /** One row per site. */
  readonly sites: readonly {
    readonly site: string;
    readonly events: number;
    readonly stateHash: string;
    readonly conflicts: number;
  }[];
  /** The open conflicts, as the hospital lists them. */
  readonly conflicts: readonly Conflict[];
  /** What the FHIR app did and what became of its writes, when the drill ran one. */
  readonly fhirApp?: DrillFhirAppResult;
}

interface Site {
  readonly name: string;
  readonly replica: Replica;
  readonly chart: ChartView;
}

const SNOMED = 'http://snomed.info/sct';
const PENICILLIN = { coding: [{ system: SNOMED, code: '764146007', display: 'Penicillin' }] };
const RAMIPRIL = {
  coding: [{ system: 'https://dmd.nhs.uk', code: '318901009', display: 'Ramipril 2.5mg capsules' }],
};
const HUB_CLINIC = 'hub-extended-access';

/**
 * Runs the drill and returns what every site ended with. Resource ids and the times
 * recorded come from `seed` and the drill's simulated clock, so a run with the same seed
 * and sizes ends with the same state hash; that the sites agree, and which conflicts open,
 * does not depend on the seed.
 */
export async function runOutageDrill(options: OutageDrillOptions = {}): Promise<OutageDrillResult> {
  const say = options.onProgress ?? (() => {});
  const patients = options.patients ?? 60;
  const hours = options.outageHours ?? 6;
  let now = Date.UTC(2024, 6, 19, 8, 0, 0); // the morning of 19 July 2024
  const seed = options.seed ?? randomInt(2 ** 31);
  let issued = 0;
  const newId = (): string => uuidFromSha256(`outage-drill|${seed}|${issued++}`);
  // What the clinical commands would take from the real clock and a random source.
  const seeded = { newId, now: () => new Date(now) };
  const names = ['practice-a', 'practice-b', 'practice-c', 'hospital-d'] as const;
  const keys = names.map(() => generateSiteKeys());
  const keyring = createKeyring(
    Object.fromEntries(
      names.map((name, i) => [name, (keys[i] as ReturnType<typeof generateSiteKeys>).publicKey]),
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), 'chartlog-drill-'));
  const sites = new Map<string, Site>();
  try {
    for (const [i, name] of names.entries())
      sites.set(
        name,
        await makeSite(
          name,
          join(dir, `${name}.chartlog`),
          keys[i] as ReturnType<typeof generateSiteKeys>,
          keyring,
          () => now + i * 250,
        ),
      );
    const site = (name: (typeof names)[number]): Site => sites.get(name) as Site;
    const hub = site('hospital-d');
    let links = true;
    const act = async (
      at: Site,
      make: (state: (stream: StreamId) => ReturnType<ChartView['state']>) => EventDraft,
    ): Promise<ChartEvent> => {
      const event = await at.replica.record(make((stream) => at.chart.state(stream)));
      // While links are up every action reaches the hub, and the hub passes it on.
      if (links && at !== hub) await syncPair(at.replica, hub.replica);
      now += 60_000;
      return event;
    };
    const author = (s: Site) => ({
      id: `clinician-${s.name}`,
      role: s.name.startsWith('hospital') ? 'registrar' : 'gp',
      org: s.name,
    });
    const practices = [site('practice-a'), site('practice-b'), site('practice-c')];
    const ids = Array.from({ length: patients }, (_, i) => `patient-${String(i + 1).padStart(4, '0')}`);
    const homeOf = (i: number): Site => practices[i % 3] as Site;

    say('08:00  a normal morning: registrations, allergies, prescriptions, a shared extended-access clinic');
    for (const [i, pid] of ids.entries()) {
      const home = homeOf(i);
      await act(home, (state) =>
        registerPatient(
          state(patientStream(pid)),
          {
            patientId: pid,
            name: { family: `Patient${i + 1}`, given: ['Sam'] },
            birthDate: '1960-05-04',
            gender: i % 2 ? 'female' : 'male',
            generalPractitioner: `Organization/${home.name}`,
            author: author(home),
          },
          seeded,
        ),
      );
      if (i % 4 === 0)
        await act(home, (state) =>
          recordAllergy(
            state(patientStream(pid)),
            {
              patientId: pid,
              allergyId: `allergy-${pid}`,
              code: PENICILLIN,
              criticality: 'low',
              author: author(home),
            },
            seeded,
          ),
        );
      if (i % 3 === 0)
        await act(home, (state) =>
          prescribe(
            state(patientStream(pid)),
            {
              patientId: pid,
              medicationRequestId: `rx-${pid}`,
              medication: RAMIPRIL,
              dosage: { text: '2.5 mg once daily' },
              author: author(home),
            },
            seeded,
          ),
        );
    }
    for (let s = 0; s < 8; s++) {
      const start = new Date(Date.UTC(2024, 6, 19, 13, s * 15)).toISOString();
      await act(site('practice-a'), (state) =>
        openSlot(
          state(scheduleStream(HUB_CLINIC)),
          {
            clinic: HUB_CLINIC,
            slotId: `slot-${s}`,
            start,
            end: new Date(Date.parse(start) + 15 * 60_000).toISOString(),
            author: author(site('practice-a')),
          },
          seeded,
        ),
      );
    }
    // Before the outage every practice catches up with the hub.
    for (const p of practices) await syncPair(p.replica, hub.replica);

    now = Math.max(now, Date.UTC(2024, 6, 19, 10, 0, 0));
    say(`10:00  OUTAGE: every link is down; each site keeps recording for ${hours} simulated hours`);
    links = false;
    let recorded = 0;
    const stamp = async (s: Site, make: Parameters<typeof act>[1]): Promise<void> => {
      await act(s, make);
      recorded++;
    };
    // The safety-critical collisions the drill is about:
    const shared = ids[0] as string; // allergy and prescription exist at every site
    await stamp(site('practice-a'), (state) =>
      updateAllergy(
        state(patientStream(shared)),
        {
          patientId: shared,
          allergyId: `allergy-${shared}`,
          criticality: 'high',
          author: author(site('practice-a')),
        },
        seeded,
      ),
    );
    await stamp(hub, (state) =>
      updateAllergy(
        state(patientStream(shared)),
        {
          patientId: shared,
          allergyId: `allergy-${shared}`,
          criticality: 'unable-to-assess',
          author: author(hub),
        },
        seeded,
      ),
    );
    await stamp(site('practice-b'), (state) =>
      changeDose(
        state(patientStream(shared)),
        {
          patientId: shared,
          medicationRequestId: `rx-${shared}`,
          dosage: { text: '5 mg once daily' },
          author: author(site('practice-b')),
        },
        seeded,
      ),
    );
    await stamp(site('practice-c'), (state) =>
      changeDose(
        state(patientStream(shared)),
        {
          patientId: shared,
          medicationRequestId: `rx-${shared}`,
          dosage: { text: '1.25 mg once daily' },
          author: author(site('practice-c')),
        },
        seeded,
      ),
    );
    await stamp(site('practice-b'), (state) =>
      bookAppointment(
        state(scheduleStream(HUB_CLINIC)),
        {
          clinic: HUB_CLINIC,
          slotId: 'slot-3',
          patientId: ids[1] as string,
          appointmentId: 'appt-b-1',
          author: author(site('practice-b')),
        },
        seeded,
      ),
    );
    await stamp(site('practice-c'), (state) =>
      bookAppointment(
        state(scheduleStream(HUB_CLINIC)),
        {
          clinic: HUB_CLINIC,
          slotId: 'slot-3',
          patientId: ids[2] as string,
          appointmentId: 'appt-c-1',
          author: author(site('practice-c')),
        },
        seeded,
      ),
    );
    // The hospital books the clinic's earliest slot and changes the dose of practice-a's next
    // patient on ramipril: what practice-a's FHIR app (if any) is about to do too.
    const listA = ids.filter((_, i) => homeOf(i) === site('practice-a') && i !== 0);
    await stamp(hub, (state) =>
      bookAppointment(
        state(scheduleStream(HUB_CLINIC)),
        {
          clinic: HUB_CLINIC,
          slotId: 'slot-0',
          patientId: ids[ids.length - 1] as string,
          appointmentId: 'appt-d-1',
          author: author(hub),
        },
        seeded,
      ),
    );
    const next = listA[0];
    if (next !== undefined)
      await stamp(hub, (state) =>
        changeDose(
          state(patientStream(next)),
          {
            patientId: next,
            medicationRequestId: `rx-${next}`,
            dosage: { text: '1.25 mg once daily' },
            author: author(hub),
          },
          seeded,
        ),
      );
    let app: Awaited<ReturnType<typeof runDrillFhirApp>> | undefined;
    if (options.fhirApp !== undefined) {
      say(`       practice-a's app keeps working through practice-a's own FHIR R4 API:`);
      app = await runDrillFhirApp(site('practice-a').replica, options.fhirApp, listA, newId);
      for (const a of app.report.actions) say(`         ${a.did}: ${a.request} -> ${a.status}`);
      say(
        `         (${app.report.client}: ${countOf(app.events.length, 'event')} recorded at practice-a under ${app.author.id})`,
      );
      recorded += app.events.length;
      now += 60_000;
    }
    // …and ordinary work everywhere, hour after hour.
    for (let hour = 0; hour < hours; hour++) {
      for (const [i, pid] of ids.entries()) {
        if ((i + hour) % 5 !== 0) continue;
        const at = i % 7 === 0 ? hub : homeOf(i);
        const encounter = `enc-${pid}-${at.name}-${hour}`;
        await stamp(at, (state) =>
          startEncounter(
            state(patientStream(pid)),
            { patientId: pid, encounterId: encounter, author: author(at) },
            seeded,
          ),
        );
        await stamp(at, (state) =>
          recordObservation(
            state(patientStream(pid)),
            {
              patientId: pid,
              code: VITAL_SIGNS.heartRate,
              value: { valueQuantity: { value: 60 + ((i * 7 + hour) % 40), unit: '/min' } },
              author: author(at),
            },
            seeded,
          ),
        );
        await stamp(at, (state) =>
          addConsultationNote(
            state(patientStream(pid)),
            {
              patientId: pid,
              encounterId: encounter,
              text: `Seen during the outage (hour ${hour + 1}); recorded locally at ${at.name}`,
              author: author(at),
            },
            seeded,
          ),
        );
      }
      now += 3_600_000;
      say(
        `${String(11 + hour).padStart(2, '0')}:00  still cut off: ${countOf(recorded, 'event')} recorded locally so far`,
      );
    }

    say('links return one by one (sync protocol, batches ending at signed heads)');
    links = true;
    const reconnect = async (a: Site): Promise<void> => {
      const report = await syncPair(a.replica, hub.replica);
      const accepted = `${countOf(report.accepted, 'event')} accepted in ${countOf(report.rounds, 'round')}`;
      say(`       ${a.name} <-> ${hub.name}: ${accepted}, ${report.refused.count} refused`);
    };
    for (const p of practices) await reconnect(p);
    // The hub now holds everything; the practices that reconnected first catch up from it (relaying).
    for (const p of practices) await reconnect(p);

    await options.onConverged?.(hub.chart);
    const rows = [];
    for (const s of sites.values())
      rows.push({
        site: s.name,
        events: await s.replica.store.count(),
        stateHash: s.chart.hash(),
        conflicts: (await s.replica.conflicts()).length,
      });
    const conflicts = await hub.replica.conflicts();
    const fhirApp = app === undefined ? undefined : await appOutcome(app, [...sites.values()], conflicts);
    const converged =
      new Set(rows.map((r) => r.stateHash)).size === 1 &&
      new Set(rows.map((r) => r.events)).size === 1 &&
      fhirApp?.heldEverywhere !== false;
    return { converged, seed, sites: rows, conflicts, ...(fhirApp !== undefined ? { fhirApp } : {}) };
  } finally {
    for (const s of sites.values()) await s.replica.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The FHIR app's report, with whether every site holds its events and which conflicts they are in. */
async function appOutcome(
  app: Awaited<ReturnType<typeof runDrillFhirApp>>,
  sites: readonly Site[],
  conflicts: readonly Conflict[],
): Promise<DrillFhirAppResult> {
  let heldEverywhere = true;
  for (const s of sites) {
    for (const e of app.events) {
      const dot = e.lastIndexOf('.');
      if ((await s.replica.store.get(siteId(e.slice(0, dot)), Number(e.slice(dot + 1)))) === undefined)
        heldEverywhere = false;
    }
  }
  const mine = conflicts
    .filter((c) => c.writes.some((w) => w.author.id === app.author.id))
    .map((c) => `${c.resource}.${c.field}`);
  return {
    site: app.site,
    ...app.report,
    author: app.author,
    events: app.events,
    heldEverywhere,
    conflicts: mine,
  };
}

async function makeSite(
  name: string,
  path: string,
  keys: ReturnType<typeof generateSiteKeys>,
  keyring: Keyring,
  wallClock: () => number,
): Promise<Site> {
  const replica = await createReplica({
    site: name,
    keys,
    keyring,
    schema: clinicalSchema,
    store: await openStoreFile(path, 'write'),
    clock: createHybridClock({ wallClock }),
    wallClock,
  });
  return {
    name,
    replica,
    get chart() {
      return replica.chart;
    },
  };
}
