import type { ChartView } from '../../chart/chartView.js';
import type { StreamId } from '../../event/ids.js';
import { fhirPatientStream } from '../fhirStreamOf.js';
import { readFhirResource } from '../readFhirResource.js';
import type { FhirSearchSource } from '../search/fhirSearchSource.js';
import { toFhirResource } from '../toFhirResource.js';

/** Index pages read at a time by a type scan. */
const SCAN_PAGE = 500;

/**
 * A search source over a projection: a patient's record is its stream's state; a type
 * scan walks the resource-key index (`ChartView.resourceKeys`) page by page, reading each
 * resource only when the search asks for it; a read goes through `ChartView.locate`.
 * `visible` leaves out what the client may not read (a patient-scoped client sees its
 * own record only).
 */
export function projectionSearchSource(
  view: ChartView,
  visible: (type: string, stream: StreamId) => boolean = () => true,
): FhirSearchSource {
  return {
    *patientRecord(patientId, type) {
      const stream = fhirPatientStream(patientId);
      if (type !== undefined) {
        if (!visible(type, stream)) return;
        // The index lists the record's resources of that type: only those are read.
        for (let after: string | undefined; ;) {
          const page = view.resourceKeys(type, {
            stream,
            limit: SCAN_PAGE,
            ...(after !== undefined ? { after } : {}),
          });
          for (const { key } of page) {
            const resource = readFhirResource(view, stream, key);
            if (resource !== undefined) yield resource;
          }
          if (page.length < SCAN_PAGE) return;
          after = page[page.length - 1]?.key;
        }
      }
      const state = view.state(stream);
      if (state === undefined) return;
      for (const [key, resource] of Object.entries(state.resources))
        if (visible(resource.type, stream))
          yield toFhirResource(view.schema, resource, view.lastWrite(stream, key));
    },
    *ofType(type, after) {
      let cursor = after;
      for (;;) {
        const page = view.resourceKeys(type, {
          ...(cursor !== undefined ? { after: cursor } : {}),
          limit: SCAN_PAGE,
        });
        if (page.length === 0) return;
        for (const { stream, key } of page) {
          if (!visible(type, stream)) continue;
          const resource = readFhirResource(view, stream, key);
          if (resource !== undefined) yield resource;
        }
        cursor = page[page.length - 1]?.key;
      }
    },
    read(key) {
      const type = key.slice(0, key.indexOf('/'));
      const stream =
        type === 'Patient' ? fhirPatientStream(key.slice(key.indexOf('/') + 1)) : view.locate(key)[0];
      return stream !== undefined && visible(type, stream) ? readFhirResource(view, stream, key) : undefined;
    },
  };
}
