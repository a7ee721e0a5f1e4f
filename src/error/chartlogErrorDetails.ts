/**
 * What each {@link ChartlogErrorCode} carries in `details`: the facts its throw sites pass,
 * typed per code, so `isChartlogError(e, 'STORE_LOCKED')` gives `e.details.path` as a string.
 * The codes are this interface's keys: there is no second list to keep in step.
 */

/** A code whose throw sites pass no details. */
export type NoDetails = { readonly [key: string]: never };

/** Where a store failure happened: the store file, the action, and the driver's own error code. */
export interface StoreFailureDetails {
  /** The store's file (SQLite) or projection file. */
  readonly path?: string;
  /** What the store was doing (`append`, `open`, `putSnapshot`, …). */
  readonly action?: string;
  /** The SQLite or file-system error code (`SQLITE_BUSY`, `ENOSPC`). */
  readonly driverCode?: string;
  /** The EventStoreDB client's error type (`unavailable`, `access-denied`). */
  readonly driverType?: string;
  /** The EventStoreDB stream concerned. */
  readonly stream?: string;
}

/** The store file and the action a store refused. */
export interface StoreActionDetails {
  readonly path: string;
  readonly action: string;
  readonly driverCode?: string;
}

/** Which event of an append was refused: its index in the batch (or NDJSON line) and its site and seq. */
export interface AppendRefusalDetails {
  /** Its position in the appended batch. */
  readonly index?: number;
  /** Its 1-based line, when it came from an NDJSON import. */
  readonly line?: number;
  /** Its site, as given (it may be malformed). */
  readonly site?: unknown;
  /** Its seq, as given (it may be malformed). */
  readonly seq?: unknown;
}

/** The event of a site run that does not follow on from what the store holds. */
export interface SiteRunDetails {
  readonly site: string;
  readonly seq: number;
  /** Its position in the appended batch (a store's own check). */
  readonly index?: number;
  /** Its 1-based line, when it came from an NDJSON import. */
  readonly line?: number;
  /** The EventStoreDB stream of the site. */
  readonly stream?: string;
}

/** Which HTTP exchange failed, and whether trying again may help. */
export interface HttpExchangeDetails {
  /** The URL called. */
  readonly url?: string;
  /** Attempts made, this one included. */
  readonly attempts?: number;
  /** True when a retry may succeed (the network, a busy or unavailable server). */
  readonly retryable?: boolean;
}

/** What an HTTP error answer said. */
export interface HttpAnswerDetails extends HttpExchangeDetails {
  readonly url: string;
  readonly attempts: number;
  readonly retryable: boolean;
  /** The HTTP status. */
  readonly status: number;
  /** The `error.code` of the body, when the body was a chartlog error. */
  readonly code: string | undefined;
  /** How long the server asked us to wait (`Retry-After`), in ms, capped at 60 s. */
  readonly retryAfterMs?: number;
}

/** An example refusal, as a sync loop reports it when it gives up. */
export interface RefusedExampleDetails {
  readonly index: number;
  readonly site?: string;
  readonly seq?: number;
  readonly id?: string;
  readonly reason: { readonly code: string; readonly message: string };
}

/** An option (or argument) that was refused, and the value given where it helps. */
export interface InvalidOptionDetails {
  /** The option's name (`workers`, `schemaModule`, `limit`). */
  readonly option?: string;
  /** A file the option named (a peers file, a key file, a certificate). */
  readonly path?: string;
  /** A URL the option named. */
  readonly url?: string;
  /** A site the option named (a keyring entry). */
  readonly site?: string;
  /** A store marker's name. */
  readonly name?: string;
  /** An EventStoreDB stream prefix. */
  readonly prefix?: string;
  /** A readAll cursor as given. */
  readonly cursor?: unknown;
  /** A `limit` as given. */
  readonly limit?: unknown;
  /** A `fromSeq` as given. */
  readonly fromSeq?: unknown;
  /** The host and port a server could not listen on. */
  readonly host?: string;
  readonly port?: number;
}

/** Which kind of identifier a value failed to be. */
export type IdKind = 'site' | 'stream' | 'patient' | 'clinic' | 'hlc';

/** What a sync transport adds to its errors: the peer's URL, or a simulated network's last trace lines. */
export interface SyncTransportDetails {
  readonly url?: string;
  /** The last lines of a simulated network's trace. */
  readonly trace?: readonly string[];
}

/**
 * The details each error code carries. Codes are stable: callers may switch on them.
 *
 * @example
 * ```ts
 * if (isChartlogError(e, 'STORE_LOCKED')) console.error(`stop the other writer of ${e.details.path}`);
 * ```
 */
export interface ChartlogErrorDetailsByCode {
  /** An event (or draft) is not well-formed; `issues` say where. */
  readonly MALFORMED_EVENT: AppendRefusalDetails;
  /** An event is larger than the store or writer takes. */
  readonly OVERSIZE: AppendRefusalDetails;
  /** A schema is not valid; `issues` say where. */
  readonly INVALID_SCHEMA: NoDetails;
  /** A schema names a merge rule that does not exist. */
  readonly UNKNOWN_RULE: NoDetails;
  /** A write or command the record cannot hold as given; `issues` say where. */
  readonly INVALID_COMMAND: { readonly resource?: string; readonly streams?: readonly string[] };
  /** An option or argument is not valid. */
  readonly INVALID_OPTION: InvalidOptionDetails;
  /** A value is not the identifier (site id, stream id, FHIR id, HLC stamp) it must be. */
  readonly INVALID_ID: { readonly kind: IdKind; readonly value: unknown };
  /** An event's signature does not verify under its site's key (a refusal of ingest). */
  readonly BAD_SIGNATURE: NoDetails;
  /** A signed event's site has no key in the keyring (a refusal of ingest). */
  readonly UNKNOWN_SITE_KEY: NoDetails;
  /** An event's `prev` is not the hash of the event before it. */
  readonly CHAIN_BROKEN: SiteRunDetails & {
    readonly id?: string;
    readonly prev: string | null;
    readonly expected: string | null;
  };
  /** An event does not follow on from its site's head: `expected` is the next seq. */
  readonly SEQ_GAP: SiteRunDetails & { readonly expected: number };
  /** A second, different event for a site and seq already held. */
  readonly FORK: SiteRunDetails & {
    readonly id: string;
    readonly heldHash: string;
    readonly offeredHash: string;
  };
  /** What was asked for is not there. */
  readonly NOT_FOUND: {
    readonly patient?: string;
    /** `chartlog resolve`: the store, and the conflict asked for. */
    readonly path?: string;
    readonly stream?: string;
    readonly resource?: string;
    readonly field?: string;
    readonly keep?: string;
  };
  /** The store was closed. */
  readonly STORE_CLOSED: NoDetails;
  /** The store holds something damaged; `issues` may say where. */
  readonly STORE_CORRUPT: StoreFailureDetails & {
    readonly site?: string;
    readonly seq?: number;
    /** Which part is damaged: a signature, the projection. */
    readonly part?: 'sig' | 'projection';
    readonly revision?: string;
    readonly marker?: string;
    /** SQLite's integrity check's findings. */
    readonly problems?: readonly string[];
  };
  /** The store was written by another version, or is not a chartlog store. */
  readonly STORE_INCOMPATIBLE: {
    readonly path: string;
    readonly schemaVersion?: number;
    readonly supportedVersion?: number;
    readonly oldestReadableVersion?: number;
    readonly prefix?: string;
  };
  /** Another writer holds the store. */
  readonly STORE_LOCKED: StoreActionDetails & { readonly lockPath?: string };
  /** The store cannot be written (opened read-only, permissions, a read-only mount). */
  readonly STORE_READ_ONLY: StoreActionDetails;
  /** The disk, or the configured size cap, is full. */
  readonly STORE_FULL: StoreActionDetails;
  /** The store cannot be reached or opened now. */
  readonly STORE_UNAVAILABLE: StoreFailureDetails;
  /** The store failed in a way not listed above. */
  readonly STORE_FAILED: StoreFailureDetails & { readonly site?: string; readonly seq?: number };
  /** The projection is missing or out of date and the store is read-only. */
  readonly PROJECTION_STALE: { readonly path: string };
  /** The replica refuses to record until recovery ends (`Replica.recovery`). */
  readonly REPLICA_RECOVERING: {
    readonly site: string;
    readonly reason: 'restored-from-backup' | 'behind' | 'own-fork';
    readonly shownOwnSeq: number;
    readonly heldOwnSeq: number;
    readonly waitingFor: readonly string[];
  };
  /** The wall clock is outside what a stamp can say. */
  readonly CLOCK_OUT_OF_RANGE: { readonly wallMs: number; readonly counter?: number };
  /** A sync message is not well-formed; `issues` say where. */
  readonly MALFORMED_MESSAGE: HttpExchangeDetails & {
    /** Its 1-based line. */
    readonly line?: number;
    /** True when the message was cut short (the network's fault, not the peer's). */
    readonly truncated?: true;
  };
  /** A sync loop gave up before both sides had nothing more to say. */
  readonly SYNC_NOT_QUIET: SyncTransportDetails & {
    readonly refused?: readonly RefusedExampleDetails[];
    readonly rounds?: number;
    /** Events moved in all (`syncUntilQuiet`, which has no messages). */
    readonly transferred?: number;
    /** Messages sent, events accepted and duplicates, and refusals counted, over all rounds. */
    readonly messages?: number;
    readonly accepted?: number;
    readonly duplicates?: number;
    readonly refusedCount?: number;
  };
  /** The peer refused our token. */
  readonly SYNC_UNAUTHORIZED: HttpAnswerDetails;
  /** A sync message or line is over a limit. */
  readonly SYNC_TOO_LARGE: HttpExchangeDetails & {
    readonly what: 'body' | 'events' | 'line' | 'vector';
    readonly limit: number;
    readonly line?: number;
  };
  /** The server has too many requests of this peer in progress (an HTTP answer only). */
  readonly SYNC_BUSY: NoDetails;
  /** No complete answer in time. */
  readonly SYNC_TIMEOUT: HttpExchangeDetails;
  /** The HTTP exchange failed (the network, or an error answer). */
  readonly SYNC_HTTP_FAILED: HttpExchangeDetails & Partial<HttpAnswerDetails>;
  /** The TLS handshake failed, or the server's certificate does not match its pin. */
  readonly SYNC_TLS_FAILED: HttpExchangeDetails & {
    readonly fingerprint?: string;
    readonly tlsError?: string;
  };
  /** Wrong HTTP method (an HTTP answer only). */
  readonly SYNC_METHOD_NOT_ALLOWED: NoDetails;
  /** Wrong content type (an HTTP answer only). */
  readonly SYNC_UNSUPPORTED_MEDIA_TYPE: NoDetails;
  /** The server failed (an HTTP answer only). */
  readonly SYNC_SERVER_ERROR: NoDetails;
  /** The caller's AbortSignal stopped the work. */
  readonly ABORTED: NoDetails;
  /** A FHIR input could not be read. */
  readonly FHIR_INPUT_UNREADABLE: { readonly path?: string; readonly input?: string };
  /** FHIR import refusal: not JSON. */
  readonly FHIR_MALFORMED_JSON: NoDetails;
  /** FHIR import refusal: over a size limit. */
  readonly FHIR_TOO_LARGE: NoDetails;
  /** FHIR import refusal: not a resource. */
  readonly FHIR_NOT_A_RESOURCE: NoDetails;
  /** FHIR import refusal: a Bundle type import does not take. */
  readonly FHIR_UNSUPPORTED_BUNDLE: NoDetails;
  /** FHIR import refusal: a Bundle entry that cannot be read. */
  readonly FHIR_INVALID_ENTRY: NoDetails;
  /** FHIR import refusal: an entry request method import does not take. */
  readonly FHIR_UNSUPPORTED_METHOD: NoDetails;
  /** FHIR import refusal: a conditional request. */
  readonly FHIR_CONDITIONAL_REQUEST: NoDetails;
  /** FHIR import refusal: a reference to nothing in the input or the record. */
  readonly FHIR_UNRESOLVED_REFERENCE: NoDetails;
  /** FHIR import refusal: not a FHIR id. */
  readonly FHIR_INVALID_ID: NoDetails;
  /** FHIR import refusal: not valid R4. */
  readonly FHIR_INVALID_RESOURCE: NoDetails;
  /** FHIR validation needs @medplum/core, which is not installed. */
  readonly FHIR_VALIDATOR_UNAVAILABLE: NoDetails;
  /** The FHIR REST API refused a request (`FhirRequestRefusal`): its HTTP status. */
  readonly FHIR_REQUEST_REFUSED: { readonly status: number };
  /** Replicas that should agree do not (the testing kit's convergence checks). */
  readonly CONVERGENCE_FAILED: NoDetails;
  /** A merge rule breaks a law it claims (the testing kit's `checkRuleLaws`). */
  readonly RULE_LAW_VIOLATED: NoDetails;
}

/** Every error code chartlog can raise. Stable: callers may switch on it. */
export type ChartlogErrorCode = keyof ChartlogErrorDetailsByCode;

/**
 * The `details` of an error of code `C`. For an error of any code, narrow the code first
 * (`isChartlogError(e, 'STORE_LOCKED')`, or `e.code === …` on what `isChartlogError(e)` gives)
 * to read the typed facts.
 */
export type ChartlogErrorDetails<C extends ChartlogErrorCode> = ChartlogErrorDetailsByCode[C];
