import type { StreamState } from '../chart/streamState.js';
import { recordAllergy, updateAllergy } from '../clinical/allergyCommands.js';
import { changeDose, prescribe } from '../clinical/medicationCommands.js';
import { VITAL_SIGNS } from '../clinical/observation.js';
import { recordObservation } from '../clinical/observationCommands.js';
import { registerPatient } from '../clinical/patientCommands.js';
import { patientStream } from '../clinical/streams.js';
import { isChartlogError } from '../error/chartlogError.js';
import type { EventDraft } from '../event/eventWriter.js';
import type { StreamId } from '../event/ids.js';

/** What {@link demoDraft} needs: the site, how many shared patients, and a random source. */
export interface DemoDraftInput {
  /** The recording site (the author's organisation). */
  readonly site: string;
  /** How many shared demo patients to choose from (`demo-patient-001` …). */
  readonly patients: number;
  /** A number in [0, 1), as `Math.random` returns. */
  readonly random: () => number;
}

const PENICILLIN = {
  coding: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }],
};
const RAMIPRIL = {
  coding: [{ system: 'https://dmd.nhs.uk', code: '318901009', display: 'Ramipril 2.5mg capsules' }],
};
const CRITICALITIES = ['low', 'high', 'unable-to-assess'] as const;
const DOSES = ['1.25 mg once daily', '2.5 mg once daily', '5 mg once daily', '10 mg once daily'];
// Fixed dates for the `once` fields, so two sites creating the same resource agree on them.
const RECORDED = '2024-07-19T09:00:00.000Z';

/** The id of shared demo patient `n` (1-based): the same at every site, so sites edit the same records. */
export function demoPatientId(n: number): string {
  return `demo-patient-${String(n).padStart(3, '0')}`;
}

/**
 * One synthetic but valid clinical event for a site, built through the clinical commands
 * from the state the site sees (so `pred` is right): it registers a shared demo patient
 * the site has not seen yet, or records or changes that patient's penicillin allergy
 * criticality, prescribes or changes a ramipril dose, or records a heart rate. Sites that
 * change one criticality or dose concurrently open a conflict, and a later change at a
 * site that shows the conflict resolves it (`resolveConflicts`, as a clinician who was
 * shown every competing value would). Pure apart from `random`.
 *
 * @example
 * ```ts
 * await replica.record(demoDraft((s) => replica.chart.state(s), { site: replica.site, patients: 10, random: Math.random }));
 * ```
 */
export function demoDraft(
  state: (stream: StreamId) => StreamState | undefined,
  input: DemoDraftInput,
): EventDraft {
  const { random } = input;
  const n = 1 + Math.floor(random() * input.patients);
  const patientId = demoPatientId(n);
  const s = state(patientStream(patientId));
  const author = { id: `demo-clinician-${input.site}`, role: 'gp', org: input.site };
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)] as T;
  const observation = (): EventDraft =>
    recordObservation(s, {
      patientId,
      code: VITAL_SIGNS.heartRate,
      category: 'vital-signs',
      value: { valueQuantity: { value: 55 + Math.floor(random() * 50), unit: '/min' } },
      author,
    });

  if (s?.resources[`Patient/${patientId}`] === undefined) {
    // Every site registers a patient it has not seen with the same demographics: no conflict.
    return registerPatient(s, {
      patientId,
      name: { family: `Demo${n}`, given: ['Alex'] },
      birthDate: `${1940 + (n % 60)}-06-15`,
      gender: n % 2 === 0 ? 'female' : 'male',
      author,
    });
  }
  try {
    const roll = random();
    if (roll < 0.3) {
      const allergyId = `allergy-${patientId}`;
      const key = `AllergyIntolerance/${allergyId}`;
      const allergy = s.resources[key];
      if (allergy === undefined)
        return recordAllergy(s, {
          patientId,
          allergyId,
          code: PENICILLIN,
          criticality: 'low',
          recordedDate: RECORDED,
          author,
        });
      const current = allergy.fields['criticality']?.value;
      return updateAllergy(
        s,
        { patientId, allergyId, criticality: pick(CRITICALITIES.filter((c) => c !== current)), author },
        { resolveConflicts: s.conflicts.includes(`${key}#criticality`) },
      );
    }
    if (roll < 0.55) {
      const medicationRequestId = `rx-${patientId}`;
      const key = `MedicationRequest/${medicationRequestId}`;
      const request = s.resources[key];
      if (request === undefined)
        return prescribe(s, {
          patientId,
          medicationRequestId,
          medication: RAMIPRIL,
          dosage: { text: '2.5 mg once daily' },
          authoredOn: RECORDED,
          author,
        });
      const current = JSON.stringify(request.fields['dosageInstruction']?.value);
      const dose = pick(DOSES.filter((d) => JSON.stringify([{ text: d }]) !== current));
      return changeDose(
        s,
        { patientId, medicationRequestId, dosage: { text: dose }, author },
        { resolveConflicts: s.conflicts.includes(`${key}#dosageInstruction`) },
      );
    }
    return observation();
  } catch (error) {
    // A state this generator did not foresee: record something always valid instead.
    if (isChartlogError(error) && error.code === 'INVALID_COMMAND') return observation();
    throw error;
  }
}
