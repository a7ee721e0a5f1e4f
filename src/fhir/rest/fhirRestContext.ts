import type { Replica } from '../../replica/replica.js';

/** What the FHIR API needs of a replica ({@link Replica} is one). */
export type FhirReplica = Pick<Replica, 'site' | 'chart' | 'record' | 'recordAll'> & {
  readonly store: Pick<Replica['store'], 'readStream'>;
};

/** One request's surroundings, as the route handlers see them. */
export interface FhirRestContext {
  /** The replica served. */
  readonly replica: FhirReplica;
  /** The absolute URL of the API's base (`http://127.0.0.1:8080/fhir`), for `fullUrl`, `Location` and links. */
  readonly base: string;
  /** Runs a write (prepare, record) after every earlier one has finished: drafts are prepared from the record as it stands. */
  readonly serial: <T>(task: () => Promise<T>) => Promise<T>;
  /** Makes the id of a created resource (`POST`). @defaultValue a random UUID */
  readonly newId?: () => string;
}
