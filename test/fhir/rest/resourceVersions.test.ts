import { describe, expect, it } from 'vitest';
import {
  createChart,
  createEventWriter,
  createHybridClock,
  siteId,
  type ChartEvent,
} from '../../../src/index.js';
import { clinicalSchema } from '../../../src/clinical/index.js';
import { fhirPatientStream } from '../../../src/fhir/fhirStreamOf.js';
import type { FhirResource } from '../../../src/fhir/fhirResource.js';
import { prepareFhirWrite } from '../../../src/fhir/prepareFhirWrite.js';
import { readFhirResource } from '../../../src/fhir/readFhirResource.js';
import { resourceVersions } from '../../../src/fhir/rest/resourceVersions.js';
import { PROVISIONAL_TAG } from '../../../src/fhir/toFhirResource.js';

const stream = fhirPatientStream('p1');
const key = 'AllergyIntolerance/a1';
const status = (code: string): unknown => ({
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code }],
});
const allergy = (changes: Record<string, unknown>): FhirResource =>
  ({
    resourceType: 'AllergyIntolerance',
    id: 'a1',
    patient: { reference: 'Patient/p1' },
    clinicalStatus: status('active'),
    code: { text: 'penicillin' },
    ...changes,
  }) as FhirResource;

function record() {
  let wall = Date.UTC(2026, 10, 27, 9);
  const chart = createChart({ schema: clinicalSchema });
  const writers = {
    a: createEventWriter({
      site: siteId('practice-a'),
      clock: createHybridClock({ wallClock: () => (wall += 1000) }),
    }),
    b: createEventWriter({
      site: siteId('hospital-b'),
      clock: createHybridClock({ wallClock: () => (wall += 1000) }),
    }),
  };
  const events: ChartEvent[] = [];
  const write = (
    site: 'a' | 'b',
    resource: FhirResource,
    seen?: Parameters<typeof prepareFhirWrite>[2]['seen'],
  ): void => {
    const draft = prepareFhirWrite(chart, resource, {
      author: { id: `dr-${site}` },
      ...(seen !== undefined ? { seen } : {}),
    });
    if (draft === undefined) return;
    const event = writers[site].append(draft);
    events.push(event);
    chart.apply([event]);
  };
  return { chart, events, write };
}

describe('resource versions and If-Match', () => {
  it('lists one version per write, oldest first, each as the record stood just after it', () => {
    const { chart, events, write } = record();
    write('a', allergy({}));
    write('b', allergy({ recordedDate: '2026-11-27' }));
    write('a', allergy({ recordedDate: '2026-11-27', clinicalStatus: status('inactive') }));
    const versions = resourceVersions(chart.schema, stream, key, events);
    expect(versions.map((v) => v.versionId)).toEqual(['practice-a.1', 'hospital-b.1', 'practice-a.2']);
    expect(versions.map((v) => v.state.fields['recordedDate'] !== undefined)).toEqual([false, true, true]);
    // The last version is what the record holds now.
    const now = readFhirResource(chart, stream, key);
    expect(now?.meta).toMatchObject({ versionId: 'practice-a.2' });
  });

  it('an update based on an old version keeps what was written since, and a safety-critical element both changed becomes a conflict', () => {
    const { chart, events, write } = record();
    write('a', allergy({}));
    const seen = resourceVersions(chart.schema, stream, key, events)[0]?.state;
    // Another site, having seen version 1, records a reaction date and marks the allergy inactive.
    write('b', allergy({ recordedDate: '2026-11-27', clinicalStatus: status('inactive') }));
    // An app that read version 1 marks it resolved; it never saw hospital-b's change.
    write('a', allergy({ clinicalStatus: status('resolved') }), seen);
    const now = readFhirResource(chart, stream, key) as Record<string, unknown>;
    expect(now['recordedDate']).toBe('2026-11-27');
    expect((now['meta'] as { tag?: unknown[] }).tag).toContainEqual(PROVISIONAL_TAG);
    const competing = JSON.stringify(now['extension']);
    expect(competing).toContain('inactive');
    expect(competing).toContain('resolved');
  });

  it('an update based on the current version supersedes it: no conflict', () => {
    const { chart, write } = record();
    write('a', allergy({}));
    write('b', allergy({ recordedDate: '2026-11-27', clinicalStatus: status('inactive') }));
    write('a', allergy({ recordedDate: '2026-11-27', clinicalStatus: status('resolved') }));
    const now = readFhirResource(chart, stream, key) as Record<string, unknown>;
    expect((now['meta'] as { tag?: unknown[] }).tag ?? []).not.toContainEqual(PROVISIONAL_TAG);
    expect(now['clinicalStatus']).toEqual(status('resolved'));
  });
});
