import { streamId } from '../event/ids.js';
import type { StreamId } from '../event/ids.js';
import { isPlainObject } from '../event/json.js';
import { R4_RESOURCES } from './r4/r4Definitions.generated.js';
import type { FhirResource } from './fhirResource.js';

const PATIENT_REFERENCE = /^Patient\/([A-Za-z0-9.-]{1,64})$/;

/** The stream of a patient's record: `patient/<id>`. */
export function fhirPatientStream(patientId: string): StreamId {
  return streamId(`patient/${patientId}`);
}

/** The stream of resources of a type in no patient's compartment (Organization, Practitioner …): `directory/<Type>`. */
export function fhirDirectoryStream(type: string): StreamId {
  return streamId(`directory/${type}`);
}

/**
 * The stream a FHIR resource is recorded on: a Patient its own record; a resource in a
 * patient's compartment (R4's patient CompartmentDefinition: `AllergyIntolerance.patient`,
 * `Observation.subject`, `Claim.patient` …) that patient's record, from the first of its
 * compartment elements that references a Patient (references resolved to `Patient/<id>`
 * first: see `readFhirInput`); anything else (Organization, Practitioner, Medication, or a
 * resource that names no patient) the directory stream of its type.
 *
 * @example fhirStreamOf({ resourceType: 'Observation', id: 'o1', subject: { reference: 'Patient/p1' }, … }) // 'patient/p1'
 */
export function fhirStreamOf(resource: FhirResource): StreamId {
  const type = resource.resourceType;
  if (type === 'Patient' && typeof resource.id === 'string') return fhirPatientStream(resource.id);
  const compartment = Object.hasOwn(R4_RESOURCES, type) ? (R4_RESOURCES[type]?.compartment ?? []) : [];
  const members = resource as unknown as Record<string, unknown>;
  for (const element of compartment) {
    const value = members[element];
    for (const ref of Array.isArray(value) ? value : [value]) {
      const m =
        isPlainObject(ref) && typeof ref['reference'] === 'string'
          ? PATIENT_REFERENCE.exec(ref['reference'])
          : null;
      if (m) return fhirPatientStream(m[1] as string);
    }
  }
  return fhirDirectoryStream(type);
}
