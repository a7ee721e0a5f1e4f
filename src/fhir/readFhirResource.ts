import type { ChartView } from '../chart/chartView.js';
import type { StreamId } from '../event/ids.js';
import type { FhirResource } from './fhirResource.js';
import { toFhirResource } from './toFhirResource.js';

/**
 * One resource of a chart as FHIR R4 JSON ({@link toFhirResource}), loading only that
 * resource; undefined when the record does not hold it.
 *
 * @example readFhirResource(replica.chart, fhirPatientStream('p1'), 'AllergyIntolerance/a1')
 */
export function readFhirResource(view: ChartView, stream: StreamId, key: string): FhirResource | undefined {
  const state = view.resource(stream, key);
  return state === undefined ? undefined : toFhirResource(view.schema, state, view.lastWrite(stream, key));
}
