import { describe, expect, it } from 'vitest';
import {
  createChart,
  createEventWriter,
  createHybridClock,
  siteId,
  streamId,
  type Chart,
} from '../../src/index.js';
import { createFhirSchema } from '../../src/fhir/fhirSchema.js';
import { fhirPatientStream } from '../../src/fhir/fhirStreamOf.js';
import type { FhirResource } from '../../src/fhir/fhirResource.js';
import { prepareFhirWrite } from '../../src/fhir/prepareFhirWrite.js';
import { readFhirResource } from '../../src/fhir/readFhirResource.js';

const schema = createFhirSchema();
const author = { id: 'dr-a', role: 'gp' };

function site(): { chart: Chart; write: (resource: FhirResource) => void } {
  let wall = Date.UTC(2026, 0, 1);
  const writer = createEventWriter({
    site: siteId('practice-a'),
    clock: createHybridClock({ wallClock: () => (wall += 1) }),
  });
  const chart = createChart({ schema });
  return {
    chart,
    write(resource) {
      const draft = prepareFhirWrite(chart, resource, { author });
      if (draft !== undefined) chart.apply([writer.append(draft)]);
    },
  };
}

/** Every record whose state holds `key`: what a reader scanning the whole chart would find. */
function recordsHolding(chart: Chart, key: string): string[] {
  return chart.streams().filter((s) => chart.state(s)?.resources[key] !== undefined);
}

const observation = (subject: string, value: number): FhirResource =>
  ({
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    code: { text: 'heart rate' },
    subject: { reference: subject },
    valueQuantity: { value, unit: '/min' },
  }) as FhirResource;

describe('prepareFhirWrite', () => {
  it('an update that names another patient stays on the one record that holds the resource, the changed link shown as a conflict', () => {
    const a = site();
    a.write(observation('Patient/p1', 70));
    a.write(observation('Patient/p2', 72));
    expect(recordsHolding(a.chart, 'Observation/o1')).toEqual(['patient/p1']);
    expect(a.chart.locate('Observation/o1')).toEqual([fhirPatientStream('p1')]);
    // The compartment link is `once`: the first patient holds, the other is a conflict, never a silent move.
    expect(a.chart.openConflicts(fhirPatientStream('p1'))).toContain('Observation/o1#subject');
    expect(readFhirResource(a.chart, fhirPatientStream('p1'), 'Observation/o1')).toMatchObject({
      subject: { reference: 'Patient/p1' },
      valueQuantity: { value: 72 },
    });
  });

  it('a resource already held on two records is refused, naming both, and nothing is recorded', () => {
    const a = site();
    const writer = createEventWriter({ site: siteId('practice-b'), clock: createHybridClock() });
    // Two records holding one resource: what a store written before locate() may hold.
    for (const patient of ['p1', 'p2']) {
      const draft = prepareFhirWrite(createChart({ schema }), observation(`Patient/${patient}`, 70), {
        author,
      });
      a.chart.apply([writer.append(draft as never)]);
    }
    const before = a.chart.hash();
    let error: unknown;
    try {
      prepareFhirWrite(a.chart, observation('Patient/p1', 75), { author });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'INVALID_COMMAND',
      message: expect.stringContaining('patient/p1, patient/p2'),
    });
    expect(a.chart.hash()).toBe(before);
  });

  it('a resource given an explicit stream other than the one that holds it is refused', () => {
    const a = site();
    a.write(observation('Patient/p1', 70));
    expect(() =>
      prepareFhirWrite(a.chart, observation('Patient/p1', 71), { author, stream: streamId('patient/p9') }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_COMMAND' }));
    expect(
      prepareFhirWrite(a.chart, observation('Patient/p1', 71), { author, stream: fhirPatientStream('p1') }),
    ).toBeDefined();
  });
});
