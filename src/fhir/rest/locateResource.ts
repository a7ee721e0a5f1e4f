import type { ChartView } from '../../chart/chartView.js';
import type { StreamId } from '../../event/ids.js';
import { fhirPatientStream } from '../fhirStreamOf.js';

/**
 * The stream holding resource `<type>/<id>`, from the projection's resource index (a
 * Patient is its own record); undefined when the record holds no such resource.
 */
export function locateResource(view: ChartView, type: string, id: string): StreamId | undefined {
  if (type === 'Patient') {
    const stream = fhirPatientStream(id);
    return view.resource(stream, `Patient/${id}`) !== undefined ? stream : undefined;
  }
  return view.locate(`${type}/${id}`)[0];
}
