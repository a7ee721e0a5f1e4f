import { invalidId, streamId, type StreamId } from '../event/ids.js';
import { FHIR_ID_PATTERN } from './inputChecks.js';

/**
 * The stream of one patient's record: `patient/<patientId>`. Every clinical resource of
 * the patient (allergies, problems, medications, observations …) lives in it.
 *
 * @throws ChartlogError `INVALID_ID` when `patientId` is not a FHIR id (`[A-Za-z0-9.-]{1,64}`).
 * @example patientStream('0192f5b4-7a3e-7c6e-9d2a-4f1e8b3c5a77') // 'patient/0192f5b4-…'
 */
export function patientStream(patientId: string): StreamId {
  if (!FHIR_ID_PATTERN.test(patientId)) throw invalidId('patient', patientId, FHIR_ID_PATTERN);
  return streamId(`patient/${patientId}`);
}

/**
 * The stream of one clinic's appointment book: `schedule/<clinic>`, shared by every
 * patient booked there (its slots and appointments).
 *
 * @throws ChartlogError `INVALID_ID` when `clinic` is not a FHIR id (`[A-Za-z0-9.-]{1,64}`).
 * @example scheduleStream('leeds-road-surgery') // 'schedule/leeds-road-surgery'
 */
export function scheduleStream(clinic: string): StreamId {
  if (!FHIR_ID_PATTERN.test(clinic)) throw invalidId('clinic', clinic, FHIR_ID_PATTERN);
  return streamId(`schedule/${clinic}`);
}
