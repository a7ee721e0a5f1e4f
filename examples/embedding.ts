import { createChart, createEventWriter, listConflicts, siteId } from 'chartlog';
import { clinicalSchema, patientStream, readAllergies, recordAllergy } from 'chartlog/clinical';

const writer = createEventWriter({ site: siteId('practice-a') }); // one per site: seq, clock, hash chain
const chart = createChart({ schema: clinicalSchema }); // the projection every read comes from
const author = { id: 'gmc-7012345', role: 'gp' };
const stream = patientStream('ann-jones');

// A clinical action becomes one event; its pred comes from the state the clinician saw.
const draft = recordAllergy(chart.state(stream), {
  patientId: 'ann-jones',
  code: { coding: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }] },
  criticality: 'high',
  author,
});
const event = writer.append(draft); // then store it (chartlog/sqlite) and sync it to peers
chart.apply([event]);

console.log(readAllergies(chart.state(stream))[0]?.criticality); // 'high'
console.log(listConflicts(chart).length); // 0: the clinician review queue is empty
console.log(chart.hash()); // equal on every site that holds the same events
