/**
 * A practice's app that keeps working through its local site during the outage drill
 * (`npm run demo`): it speaks nothing but FHIR R4 REST, with fhir-kit-client, to
 * practice-a's own `chartlog` site, as an existing appointment-book and prescribing app
 * would. For the first patient on today's list it books the earliest free slot of the
 * shared clinic (a transaction: the Appointment, and the Slot made busy and held by it,
 * under the version of the Slot it read) and changes the ramipril dose under the version
 * it read; for the second it prescribes amoxicillin.
 *
 * Cut off, practice-a cannot know that the hospital booked the same slot and changed the
 * same dose: the site accepts the writes (the app's `If-Match` says what it saw), and
 * once links return every site shows both bookings and both doses as conflicts for a
 * clinician, never a silently lost booking or dose.
 */
import { randomUUID } from 'node:crypto';
import { Client, type FhirResource } from 'fhir-kit-client';
import type { FhirApp, FhirAppAction } from '../src/cli/drillFhirApp.js';

const SLOT_HOLDER = 'https://chartlog.dev/fhir/StructureDefinition/slot-holder';
const RAMIPRIL = '318901009';
const AMOXICILLIN = {
  coding: [{ system: 'https://dmd.nhs.uk', code: '323509004', display: 'Amoxicillin 500mg capsules' }],
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The resources of a search Bundle. */
const resourcesOf = (bundle: FhirResource): Json[] =>
  ((bundle as Json)['entry'] ?? []).map((e: Json) => e['resource'] as Json);
const statusOf = (result: FhirResource): number => Client.httpFor(result).response?.status ?? 0;
const locationOf = (result: FhirResource): string[] => {
  const location = Client.httpFor(result).response?.headers.get('location');
  return location ? [location.replace(/^.*\/fhir\//, '')] : [];
};

/** The app: books, prescribes and changes a dose through `site`'s FHIR API. */
export const practiceFhirApp: FhirApp = async (site) => {
  const fhir = new Client({ baseUrl: site.fhirBaseUrl, bearerToken: site.token });
  const actions: FhirAppAction[] = [];
  const [first, second] = site.patients;
  if (first === undefined) return { client: 'fhir-kit-client', actions };

  // Booking: the earliest free slot this site knows of.
  const free = resourcesOf(
    await fhir.search({ resourceType: 'Slot', searchParams: { status: 'free', _count: 100 } }),
  );
  const slot = free.sort((a, b) => String(a['start']).localeCompare(String(b['start'])))[0];
  if (slot !== undefined) {
    const appointment = `urn:uuid:${randomUUID()}`;
    const holder = { url: SLOT_HOLDER, valueReference: { reference: appointment } };
    const booked = await fhir.transaction({
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: appointment,
            resource: {
              resourceType: 'Appointment',
              status: 'booked',
              slot: [{ reference: `Slot/${slot['id']}` }],
              start: slot['start'],
              end: slot['end'],
              participant: [{ actor: { reference: `Patient/${first}` }, status: 'accepted' }],
            },
            request: { method: 'POST', url: 'Appointment' },
          },
          {
            resource: {
              ...slot,
              status: 'busy',
              extension: [
                ...((slot['extension'] ?? []) as Json[]).filter((e) => e['url'] !== SLOT_HOLDER),
                holder,
              ],
            },
            request: {
              method: 'PUT',
              url: `Slot/${slot['id']}`,
              ifMatch: `W/"${slot['meta']['versionId']}"`,
            },
          },
        ],
      },
    });
    actions.push({
      did: `booked Patient/${first} into Slot/${slot['id']} at ${slot['start']}`,
      request: `POST [base] transaction (POST Appointment; PUT Slot/${slot['id']} If-Match W/"${slot['meta']['versionId']}")`,
      status: statusOf(booked),
      wrote: ((booked as Json)['entry'] as Json[]).map((e) => e['response']['location'] as string),
    });
  }

  // Prescribing: a new prescription for the second patient.
  if (second !== undefined) {
    const body = {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: `Patient/${second}` },
      medicationCodeableConcept: AMOXICILLIN,
      dosageInstruction: [{ text: '500 mg three times a day for 5 days' }],
    };
    const created = await fhir.create({ resourceType: 'MedicationRequest', body });
    actions.push({
      did: `prescribed amoxicillin for Patient/${second}`,
      request: 'POST MedicationRequest',
      status: statusOf(created),
      wrote: locationOf(created),
    });
  }

  // A dose change, under the version the app read: it cannot see the hospital's change.
  const active = resourcesOf(
    await fhir.search({
      resourceType: 'MedicationRequest',
      searchParams: { patient: first, status: 'active' },
    }),
  );
  const ramipril = active.find((r) =>
    JSON.stringify(r['medicationCodeableConcept'] ?? {}).includes(RAMIPRIL),
  );
  if (ramipril !== undefined) {
    const seen = `W/"${ramipril['meta']['versionId']}"`;
    const body = { ...ramipril, dosageInstruction: [{ text: '5 mg once daily' }] } as unknown as FhirResource;
    const changed = await fhir.update({
      resourceType: 'MedicationRequest',
      id: ramipril['id'],
      body,
      options: { headers: { 'If-Match': seen } },
    });
    actions.push({
      did: `changed the ramipril dose of Patient/${first} to 5 mg once daily`,
      request: `PUT MedicationRequest/${ramipril['id']} If-Match ${seen}`,
      status: statusOf(changed),
      wrote: locationOf(changed),
    });
  }
  return { client: 'fhir-kit-client', actions };
};
