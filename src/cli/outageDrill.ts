/**
 * The outage drill behind `chartlog demo` and `npm run demo`: three GP practices and a
 * hospital each hold a full replica of the records they share. A normal morning; then a
 * total outage cuts every site off while each keeps booking, prescribing, recording
 * allergies and notes — including concurrent changes to the same patients'
 * safety-critical fields and one slot booked at two practices; then links return one by
 * one, every site converges to the same state hash, and the conflicts are listed for a
 * clinician to review.
 *
 * Replicas here are in-process charts exchanging events directly; the sync protocol
 * and durable stores are layered on the same events by chartlog's replication.
 */
import {
  addConsultationNote,
  bookAppointment,
  changeDose,
  clinicalSchema,
  createChart,
  createEventWriter,
  createHybridClock,
  listConflicts,
  openSlot,
  patientStream,
  prescribe,
  recordAllergy,
  recordObservation,
  registerPatient,
  scheduleStream,
  siteId,
  startEncounter,
  updateAllergy,
  VITAL_SIGNS,
  type Chart,
  type ChartEvent,
  type Conflict,
  type EventDraft,
  type StreamId,
} from '../index.js';

/** Options of {@link runOutageDrill}. */
export interface OutageDrillOptions {
  /** Patients registered across the practices. @defaultValue 60 */
  readonly patients?: number;
  /** Simulated hours of outage. @defaultValue 6 */
  readonly outageHours?: number;
  /** Where progress lines go. @defaultValue nowhere */
  readonly onProgress?: (line: string) => void;
}

/** What the drill ends with: one row per site, and the open conflicts. */
export interface OutageDrillResult {
  /** True when every site ended with the same state hash. */
  readonly converged: boolean;
  /** One row per site. */
  readonly sites: readonly { readonly site: string; readonly events: number; readonly stateHash: string; readonly conflicts: number }[];
  /** The open conflicts, as the hospital lists them. */
  readonly conflicts: readonly Conflict[];
}

interface Site {
  readonly name: string;
  readonly chart: Chart;
  readonly held: Map<string, ChartEvent>;
  record(draft: EventDraft): ChartEvent;
  receive(events: Iterable<ChartEvent>): number;
}

const SNOMED = 'http://snomed.info/sct';
const PENICILLIN = { coding: [{ system: SNOMED, code: '764146007', display: 'Penicillin' }] };
const RAMIPRIL = { coding: [{ system: 'https://dmd.nhs.uk', code: '318901009', display: 'Ramipril 2.5mg capsules' }] };
const HUB_CLINIC = 'hub-extended-access';

/** Runs the drill and returns what every site ended with. Deterministic for given options. */
export function runOutageDrill(options: OutageDrillOptions = {}): OutageDrillResult {
  const say = options.onProgress ?? (() => {});
  const patients = options.patients ?? 60;
  const hours = options.outageHours ?? 6;
  let now = Date.UTC(2024, 6, 19, 8, 0, 0); // the morning of 19 July 2024
  const names = ['practice-a', 'practice-b', 'practice-c', 'hospital-d'] as const;
  const sites = new Map<string, Site>(names.map((name, i) => [name, makeSite(name, () => now + i * 250)]));
  const site = (name: (typeof names)[number]): Site => sites.get(name) as Site;
  let links = true;
  const everywhere = (from: Site, event: ChartEvent): void => {
    if (links) for (const other of sites.values()) if (other !== from) other.receive([event]);
  };
  const act = (at: Site, make: (state: (stream: StreamId) => ReturnType<Chart['state']>) => EventDraft): ChartEvent => {
    const event = at.record(make((stream) => at.chart.state(stream)));
    everywhere(at, event);
    now += 60_000;
    return event;
  };
  const author = (s: Site) => ({ id: `clinician-${s.name}`, role: s.name.startsWith('hospital') ? 'registrar' : 'gp', org: s.name });
  const practices = [site('practice-a'), site('practice-b'), site('practice-c')];
  const ids = Array.from({ length: patients }, (_, i) => `patient-${String(i + 1).padStart(4, '0')}`);
  const homeOf = (i: number): Site => practices[i % 3] as Site;

  say('08:00  a normal morning: registrations, allergies, prescriptions, a shared extended-access clinic');
  ids.forEach((pid, i) => {
    const home = homeOf(i);
    act(home, (state) => registerPatient(state(patientStream(pid)), { patientId: pid, name: { family: `Patient${i + 1}`, given: ['Sam'] }, birthDate: '1960-05-04', gender: i % 2 ? 'female' : 'male', generalPractitioner: `Organization/${home.name}`, author: author(home) }));
    if (i % 4 === 0) act(home, (state) => recordAllergy(state(patientStream(pid)), { patientId: pid, allergyId: `allergy-${pid}`, code: PENICILLIN, criticality: 'low', author: author(home) }));
    if (i % 3 === 0) act(home, (state) => prescribe(state(patientStream(pid)), { patientId: pid, medicationRequestId: `rx-${pid}`, medication: RAMIPRIL, dosage: { text: '2.5 mg once daily' }, author: author(home) }));
  });
  for (let s = 0; s < 8; s++) {
    const start = new Date(Date.UTC(2024, 6, 19, 13, s * 15)).toISOString();
    act(site('practice-a'), (state) => openSlot(state(scheduleStream(HUB_CLINIC)), { clinic: HUB_CLINIC, slotId: `slot-${s}`, start, end: new Date(Date.parse(start) + 15 * 60_000).toISOString(), author: author(site('practice-a')) }));
  }

  now = Math.max(now, Date.UTC(2024, 6, 19, 10, 0, 0));
  say(`10:00  OUTAGE: every link is down; each site keeps recording for ${hours} simulated hours`);
  links = false;
  let recorded = 0;
  const stamp = (s: Site, make: Parameters<typeof act>[1]) => {
    act(s, make);
    recorded++;
  };
  // The safety-critical collisions the drill is about:
  const shared = ids[0] as string; // allergy and prescription exist at every site
  stamp(site('practice-a'), (state) => updateAllergy(state(patientStream(shared)), { patientId: shared, allergyId: `allergy-${shared}`, criticality: 'high', author: author(site('practice-a')) }));
  stamp(site('hospital-d'), (state) => updateAllergy(state(patientStream(shared)), { patientId: shared, allergyId: `allergy-${shared}`, criticality: 'unable-to-assess', author: author(site('hospital-d')) }));
  stamp(site('practice-b'), (state) => changeDose(state(patientStream(shared)), { patientId: shared, medicationRequestId: `rx-${shared}`, dosage: { text: '5 mg once daily' }, author: author(site('practice-b')) }));
  stamp(site('practice-c'), (state) => changeDose(state(patientStream(shared)), { patientId: shared, medicationRequestId: `rx-${shared}`, dosage: { text: '1.25 mg once daily' }, author: author(site('practice-c')) }));
  stamp(site('practice-b'), (state) => bookAppointment(state(scheduleStream(HUB_CLINIC)), { clinic: HUB_CLINIC, slotId: 'slot-3', patientId: ids[1] as string, appointmentId: 'appt-b-1', author: author(site('practice-b')) }));
  stamp(site('practice-c'), (state) => bookAppointment(state(scheduleStream(HUB_CLINIC)), { clinic: HUB_CLINIC, slotId: 'slot-3', patientId: ids[2] as string, appointmentId: 'appt-c-1', author: author(site('practice-c')) }));
  // …and ordinary work everywhere, hour after hour.
  for (let hour = 0; hour < hours; hour++) {
    ids.forEach((pid, i) => {
      if ((i + hour) % 5 !== 0) return;
      const at = i % 7 === 0 ? site('hospital-d') : homeOf(i);
      const encounter = `enc-${pid}-${at.name}-${hour}`;
      stamp(at, (state) => startEncounter(state(patientStream(pid)), { patientId: pid, encounterId: encounter, author: author(at) }));
      stamp(at, (state) => recordObservation(state(patientStream(pid)), { patientId: pid, code: VITAL_SIGNS.heartRate, value: { valueQuantity: { value: 60 + ((i * 7 + hour) % 40), unit: '/min' } }, author: author(at) }));
      stamp(at, (state) => addConsultationNote(state(patientStream(pid)), { patientId: pid, encounterId: encounter, text: `Seen during the outage (hour ${hour + 1}); recorded locally at ${at.name}`, author: author(at) }));
    });
    now += 3_600_000;
    say(`${String(11 + hour).padStart(2, '0')}:00  still cut off: ${recorded} events recorded locally so far`);
  }

  say('links return one by one');
  links = true;
  const exchange = (a: Site, b: Site): void => {
    const toB = b.receive([...a.held.values()].filter((e) => !b.held.has(e.id)));
    const toA = a.receive([...b.held.values()].filter((e) => !a.held.has(e.id)));
    say(`       ${a.name} <-> ${b.name}: ${toB} events one way, ${toA} the other`);
  };
  exchange(site('practice-a'), site('hospital-d'));
  exchange(site('practice-b'), site('hospital-d'));
  exchange(site('practice-c'), site('hospital-d'));
  // The hub now holds everything; the practices catch up from it (relaying).
  for (const p of practices) exchange(p, site('hospital-d'));

  const rows = [...sites.values()].map((s) => ({ site: s.name, events: s.held.size, stateHash: s.chart.hash(), conflicts: listConflicts(s.chart).length }));
  return { converged: new Set(rows.map((r) => r.stateHash)).size === 1, sites: rows, conflicts: listConflicts(site('hospital-d').chart) };
}

function makeSite(name: string, wallClock: () => number): Site {
  const writer = createEventWriter({ site: siteId(name), clock: createHybridClock({ wallClock }) });
  const chart = createChart({ schema: clinicalSchema });
  const held = new Map<string, ChartEvent>();
  return {
    name,
    chart,
    held,
    record(draft) {
      const event = writer.append(draft);
      held.set(event.id, event);
      chart.apply([event]);
      return event;
    },
    receive(events) {
      const fresh = [...events].filter((e) => !held.has(e.id));
      for (const e of fresh) held.set(e.id, e);
      chart.apply(fresh);
      return fresh.length;
    },
  };
}
