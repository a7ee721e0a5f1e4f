import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createChart, createEventWriter, createHybridClock, siteId, type Json } from '../../src/index.js';
import { canonicalJson } from '../../src/event/canonicalJson.js';
import { createFhirSchema } from '../../src/fhir/fhirSchema.js';
import { fhirPatientStream } from '../../src/fhir/fhirStreamOf.js';
import { prepareFhirWrite } from '../../src/fhir/prepareFhirWrite.js';
import { readFhirResource } from '../../src/fhir/readFhirResource.js';
import type { FhirResource } from '../../src/fhir/fhirResource.js';
import { propertyParameters } from '../../src/testing/index.js';

const schema = createFhirSchema();
const author = { id: 'dr-a', role: 'gp' };
// Few distinct values, so lists repeat elements and versions share them.
const contact = fc.constantFrom(...['1', '2', '3'].map((value) => ({ system: 'phone', value })));
const telecom = fc.array(contact, { maxLength: 5 });
const sorted = (list: readonly Json[]): string[] => list.map((e) => canonicalJson(e)).sort();

describe('FHIR writes', () => {
  it('every version of a list reads back as that list (duplicates included), and writing it again adds nothing', () => {
    fc.assert(
      fc.property(fc.array(telecom, { minLength: 1, maxLength: 6 }), (versions) => {
        let wall = Date.UTC(2026, 0, 1);
        const writer = createEventWriter({
          site: siteId('practice-a'),
          clock: createHybridClock({ wallClock: () => (wall += 1) }),
        });
        const chart = createChart({ schema });
        for (const list of versions) {
          const patient = {
            resourceType: 'Patient',
            id: 'p1',
            ...(list.length > 0 ? { telecom: list } : {}),
          } as FhirResource;
          const draft = prepareFhirWrite(chart, patient, { author });
          if (draft !== undefined) chart.apply([writer.append(draft)]);
          const read = readFhirResource(chart, fhirPatientStream('p1'), 'Patient/p1') as
            { telecom?: Json[] } | undefined;
          expect(sorted(read?.telecom ?? [])).toEqual(sorted(list));
          expect(prepareFhirWrite(chart, patient, { author })).toBeUndefined();
        }
      }),
      propertyParameters({ label: 'fhir list versions' }),
    );
  });

  it('a list written in one version reads back in its order', () => {
    const chart = createChart({ schema });
    const writer = createEventWriter({ site: siteId('practice-a'), clock: createHybridClock() });
    const list = [
      { system: 'phone', value: '3' },
      { system: 'phone', value: '1' },
      { system: 'phone', value: '3' },
      { system: 'email', value: 'a@example.org' },
    ];
    chart.apply([
      writer.append(
        prepareFhirWrite(chart, { resourceType: 'Patient', id: 'p1', telecom: list } as FhirResource, {
          author,
        }) as never,
      ),
    ]);
    expect(
      (readFhirResource(chart, fhirPatientStream('p1'), 'Patient/p1') as unknown as { telecom: unknown })
        .telecom,
    ).toEqual(list);
  });
});
