import { validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createChart,
  createEventWriter,
  createHybridClock,
  siteId,
  type Chart,
  type ChartEvent,
} from '../../src/index.js';
import { createFhirSchema } from '../../src/fhir/fhirSchema.js';
import { fhirDirectoryStream, fhirPatientStream } from '../../src/fhir/fhirStreamOf.js';
import { prepareFhirWrite } from '../../src/fhir/prepareFhirWrite.js';
import { readFhirResource } from '../../src/fhir/readFhirResource.js';
import { CONCURRENT_VALUES_EXTENSION, type FhirResource } from '../../src/fhir/fhirResource.js';
import { PROVISIONAL_TAG } from '../../src/fhir/toFhirResource.js';
import { indexR4Definitions } from '../support/fhirTesting.js';

const REVIEWED = 'https://example.org/fhir/StructureDefinition/last-reviewed';
const HOLDER = 'https://example.org/fhir/StructureDefinition/slot-holder';
const schema = createFhirSchema({
  extensions: {
    AllergyIntolerance: { lastReviewed: { url: REVIEWED, valueType: 'date', rule: 'max' } },
    Slot: { holder: { url: HOLDER, valueType: 'Reference', rule: 'mv' } },
  },
});

function site(name: string, offset = 0) {
  let wall = Date.UTC(2026, 6, 19) + offset;
  const writer = createEventWriter({
    site: siteId(name),
    clock: createHybridClock({ wallClock: () => (wall += 1) }),
  });
  const chart: Chart = createChart({ schema });
  return {
    chart,
    write(resource: FhirResource): ChartEvent {
      const event = writer.append(
        prepareFhirWrite(chart, resource, { author: { id: `dr-${name}` } }) as never,
      );
      chart.apply([event]);
      return event;
    },
  };
}

const allergy = {
  resourceType: 'AllergyIntolerance',
  id: 'a1',
  patient: { reference: 'Patient/p1' },
  extension: [
    { url: REVIEWED, valueDate: '2026-01-01' },
    { url: 'https://example.org/other', valueString: 'kept as it is' },
  ],
} as FhirResource & { extension: unknown[] };
const slot = {
  resourceType: 'Slot',
  id: 's1',
  schedule: { reference: 'Schedule/gp' },
  status: 'free',
  start: '2026-07-20T09:00:00Z',
  end: '2026-07-20T09:10:00Z',
} as FhirResource;

beforeAll(indexR4Definitions);

describe("a pack's extension fields", () => {
  it('hold what R4 has no element for, with their own rule, and read back as extensions', () => {
    const a = site('practice-a');
    const b = site('hospital-b', 5);
    const first = a.write(allergy);
    expect(
      Object.keys((first.data as Record<string, object>)['AllergyIntolerance/a1'] as object).sort(),
    ).toEqual(['extension', 'lastReviewed', 'patient']);
    b.chart.apply([first]);
    const later = {
      ...allergy,
      extension: [{ url: REVIEWED, valueDate: '2026-03-01' }, allergy.extension?.[1]],
    } as FhirResource;
    const earlier = {
      ...allergy,
      extension: [{ url: REVIEWED, valueDate: '2026-02-01' }, allergy.extension?.[1]],
    } as FhirResource;
    const ra = a.write(later);
    const rb = b.write(earlier); // later clock, earlier date: max keeps the later review
    a.chart.apply([rb]);
    b.chart.apply([ra]);
    for (const s of [a, b])
      expect(readFhirResource(s.chart, fhirPatientStream('p1'), 'AllergyIntolerance/a1')).toMatchObject({
        extension: [allergy.extension?.[1], { url: REVIEWED, valueDate: '2026-03-01' }],
      });
  });

  it('an extension field in conflict is marked like an element', () => {
    const a = site('practice-a');
    const b = site('hospital-b', 5);
    const open = a.write(slot);
    b.chart.apply([open]);
    const byA = a.write({
      ...slot,
      status: 'busy',
      extension: [{ url: HOLDER, valueReference: { reference: 'Appointment/from-a' } }],
    } as FhirResource);
    const byB = b.write({
      ...slot,
      status: 'busy',
      extension: [{ url: HOLDER, valueReference: { reference: 'Appointment/from-b' } }],
    } as FhirResource);
    a.chart.apply([byB]);
    b.chart.apply([byA]);
    const read = readFhirResource(a.chart, fhirDirectoryStream('Slot'), 'Slot/s1') as FhirResource & {
      extension: { url: string; extension?: { url: string; valueString?: string }[] }[];
    };
    expect(readFhirResource(b.chart, fhirDirectoryStream('Slot'), 'Slot/s1')).toEqual(read);
    expect(read.meta?.tag).toContainEqual(PROVISIONAL_TAG);
    const marker = read.extension.find((x) => x.url === CONCURRENT_VALUES_EXTENSION);
    expect(marker?.extension?.[0]).toEqual({ url: 'element', valueString: `Slot.extension('${HOLDER}')` });
    expect(marker?.extension?.filter((x) => x.url === 'candidate')).toHaveLength(2);
    expect(() => validateResource(read as unknown as Resource)).not.toThrow();
  });

  it('refuses an entry of the wrong type, and a schema naming an R4 element, a bad URL or value type', () => {
    const a = site('practice-a');
    expect(() =>
      prepareFhirWrite(
        a.chart,
        { ...slot, extension: [{ url: HOLDER, valueString: 'Appointment/x' }] } as FhirResource,
        { author: { id: 'dr' } },
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_COMMAND' }));
    for (const extensions of [
      { Slot: { status: { url: HOLDER, valueType: 'code' } } },
      { Slot: { holder: { url: 'not a url', valueType: 'Reference' } } },
      { Slot: { holder: { url: HOLDER, valueType: 'Patient' } } },
    ]) {
      expect(() => createFhirSchema({ extensions })).toThrow(
        expect.objectContaining({ code: 'INVALID_SCHEMA' }),
      );
    }
  });
});
