import {
  createChart,
  createEventWriter,
  createHybridClock,
  siteId,
  type Author,
  type Chart,
  type ChartEvent,
  type EventDraft,
  type HybridClock,
  type StreamState,
} from '../../src/index.js';
import {
  clinicalSchema,
  patientStream,
  scheduleStream,
  type ClinicalCommandOptions,
  type CodeableConcept,
} from '../../src/clinical/index.js';

/** 19 July 2024 06:00 UTC, give or take two years: the morning the practices went dark. */
export const T0 = Date.UTC(2026, 6, 19, 6, 0, 0, 0);

/** Synthetic patients (NHS numbers from the published test range pass the check digit). */
export const ANN = { id: 'ann-jones', nhsNumber: '943 476 5919' } as const;
export const BOB = { id: 'bob-smith', nhsNumber: '401 023 2137' } as const;

export const SNOMED = 'http://snomed.info/sct';
export const PENICILLIN: CodeableConcept = {
  coding: [{ system: SNOMED, code: '764146007', display: 'Penicillin' }],
  text: 'Penicillin',
};
export const URTICARIA: CodeableConcept = {
  coding: [{ system: SNOMED, code: '126485001', display: 'Urticaria' }],
};
export const ANAPHYLAXIS: CodeableConcept = {
  coding: [{ system: SNOMED, code: '39579001', display: 'Anaphylaxis' }],
};
export const RAMIPRIL: CodeableConcept = {
  coding: [{ system: 'https://dmd.nhs.uk', code: '318901009', display: 'Ramipril 2.5mg capsules' }],
};
export const ORAL: CodeableConcept = {
  coding: [{ system: SNOMED, code: '26643006', display: 'Oral route' }],
};

/**
 * One site (a GP practice, a hospital): its own clock, writer and chart. What it has
 * applied is what its commands see, so `pred` is exactly what its users saw.
 */
export interface Site {
  readonly name: string;
  readonly chart: Chart;
  readonly clock: HybridClock;
  /** A clinician working at this site. */
  readonly author: Author;
  /** Deterministic ids (`<site>-1`, `<site>-2` …) and this site's wall clock for "now". */
  readonly opts: ClinicalCommandOptions;
  /** Every event this site holds. */
  readonly held: Map<string, ChartEvent>;
  tick(ms: number): void;
  /** Appends a command's draft and applies it locally. */
  record(draft: EventDraft): ChartEvent;
  patient(id: string): StreamState | undefined;
  schedule(clinic: string): StreamState | undefined;
}

export function site(
  name: string,
  startMs = T0,
  author: Author = { id: `dr-${name}`, role: 'gp', org: name },
): Site {
  let wall = startMs;
  let n = 0;
  const clock = createHybridClock({ wallClock: () => wall });
  const writer = createEventWriter({ site: siteId(name), clock });
  const chart = createChart({ schema: clinicalSchema });
  const held = new Map<string, ChartEvent>();
  return {
    name,
    chart,
    clock,
    author,
    held,
    opts: { newId: () => `${name}-${++n}`, now: () => new Date(wall) },
    tick: (ms) => void (wall += ms),
    record(draft) {
      wall += 1;
      const event = writer.append(draft);
      held.set(event.id, event);
      chart.apply([event]);
      return event;
    },
    patient: (id) => chart.state(patientStream(id)),
    schedule: (clinic) => chart.state(scheduleStream(clinic)),
  };
}

/** Reconnects sites: each receives every event any of them holds (and its clock observes them). */
export function sync(...sites: readonly Site[]): void {
  const all = new Map<string, ChartEvent>();
  for (const s of sites) for (const [id, e] of s.held) all.set(id, e);
  for (const s of sites) {
    const incoming = [...all.values()].filter((e) => !s.held.has(e.id));
    for (const e of incoming) {
      s.clock.observe(e.hlc);
      s.held.set(e.id, e);
    }
    s.chart.apply(incoming);
  }
}

/** The error a command throws, for `expect(...).toMatchObject`. */
export function refusal(command: () => unknown): unknown {
  try {
    command();
  } catch (e) {
    return e;
  }
  throw new Error('the command was not refused');
}
