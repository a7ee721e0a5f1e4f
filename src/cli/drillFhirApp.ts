import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Author } from '../event/chartEvent.js';
import { siteId } from '../event/ids.js';
import { createFhirHandler } from '../fhir/rest/createFhirHandler.js';
import { checkFhirClients } from '../fhir/rest/fhirClients.js';
import type { Replica } from '../replica/replica.js';

/** What the outage drill hands a practice's FHIR app: its local site's FHIR API. */
export interface FhirAppSite {
  /** The site the app works through, e.g. `practice-a`. */
  readonly name: string;
  /** The site's FHIR R4 base URL, on 127.0.0.1: `http://127.0.0.1:<port>/fhir`. */
  readonly fhirBaseUrl: string;
  /** A read-write bearer token (`Authorization: Bearer <token>`); its writes are recorded under {@link FhirAppSite.author}. */
  readonly token: string;
  /** Who the app's writes are recorded under (every write is audited as any event is). */
  readonly author: Author;
  /** Today's list at the practice: ids of its patients the app works on, in order. */
  readonly patients: readonly string[];
}

/** One request the app made, as it reports it. */
export interface FhirAppAction {
  /** What it did, in a receptionist's or prescriber's words, e.g. `prescribed amoxicillin for Patient/p7`. */
  readonly did: string;
  /** The request, e.g. `PUT MedicationRequest/rx-p4 (If-Match: W/"practice-a.12")`. */
  readonly request: string;
  /** The HTTP status the site answered. */
  readonly status: number;
  /** The versions written, `<Type>/<id>/_history/<versionId>` (Location headers, transaction entries). */
  readonly wrote: readonly string[];
}

/** What a FHIR app did during the outage. */
export interface FhirAppReport {
  /** The client library it used, e.g. `fhir-kit-client`. */
  readonly client: string;
  readonly actions: readonly FhirAppAction[];
}

/**
 * A practice's app that keeps working through its local site's FHIR API during the outage
 * (e.g. `examples/practice-fhir-app.ts`, written with fhir-kit-client).
 */
export type FhirApp = (site: FhirAppSite) => Promise<FhirAppReport>;

/** What the drill reports of the FHIR app: what it did, and what became of its writes. */
export interface DrillFhirAppResult extends FhirAppReport {
  /** The site it worked through. */
  readonly site: string;
  /** Its author. */
  readonly author: Author;
  /** The events its requests recorded at its site (`<site>.<seq>`), in order. */
  readonly events: readonly string[];
  /** True when every site holds every one of those events after reconnection. */
  readonly heldEverywhere: boolean;
  /** The open conflicts (`<resource>.<field>`) one of its writes is part of. */
  readonly conflicts: readonly string[];
}

/**
 * Serves `replica` as a FHIR R4 API on 127.0.0.1 (a free port) to one read-write client,
 * runs `app` against it (the resources it creates get ids from `newId` when given, else
 * random UUIDs), closes the server, and returns the app's report with the seqs
 * of the events its requests recorded (`<site>.<seq>`).
 */
export async function runDrillFhirApp(
  replica: Replica,
  app: FhirApp,
  patients: readonly string[],
  newId?: () => string,
): Promise<{ report: FhirAppReport; site: string; author: Author; events: string[] }> {
  const token = randomBytes(24).toString('hex');
  const author: Author = { id: `fhir-app-${replica.site}`, role: 'system', org: replica.site };
  const { clients } = checkFhirClients([{ token, scope: 'read-write', author }], ['fhirClients']);
  const server = createServer(
    createFhirHandler(replica, { clients, ...(newId !== undefined ? { newId } : {}) }),
  );
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const before = (await replica.store.head(siteId(replica.site))).seq;
  try {
    const fhirBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
    const report = await app({ name: replica.site, fhirBaseUrl, token, author, patients });
    const recorded = await replica.store.readSite(siteId(replica.site), before + 1);
    const events = recorded.filter((e) => e.author.id === author.id).map((e) => `${e.site}.${e.seq}`);
    return { report, site: replica.site, author, events };
  } finally {
    // The app's client may keep connections alive: drop them so close() returns.
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeAllConnections();
    await closed;
  }
}
