import { v7 as uuidv7 } from 'uuid';
import { prepareWrite } from '../chart/prepareWrite.js';
import type { ResourceState, StreamState } from '../chart/streamState.js';
import { ChartlogError, type ValidationIssue } from '../error/chartlogError.js';
import type { Author } from '../event/chartEvent.js';
import type { EventDraft } from '../event/eventWriter.js';
import type { EventId, StreamId } from '../event/ids.js';
import { checkJson, isPlainObject, type Json } from '../event/json.js';
import { clinicalSchema } from './clinicalSchema.js';
import { FHIR_ID_PATTERN } from './fhirChecks.js';
import { patientStream, scheduleStream } from './streams.js';

/** Options every clinical command helper takes (for reproducible ids and times in tests). */
export interface ClinicalCommandOptions {
  /** Makes the id of a new resource when the caller gives none. @defaultValue a UUIDv7 from the `uuid` package */
  readonly newId?: () => string;
  /** The current time, for fields that default to "now" (recorded date, encounter start). @defaultValue `() => new Date()` */
  readonly now?: () => Date;
  /**
   * Let this command write fields that have an open conflict, resolving it: pass it
   * only when the clinician was shown every competing value (see `prepareWrite`).
   * @defaultValue `false` — a command touching a conflicted field is refused
   */
  readonly resolveConflicts?: boolean;
}

/** The fields every command input has. */
export interface CommandInput {
  /** Who is recording it (clinician or service), for the audit trail. */
  readonly author: Author;
}

type Path = readonly (string | number)[];

/**
 * Collects one command's writes and problems, then turns them into one draft through
 * `prepareWrite` (so `pred` comes from the state the author saw) or throws
 * `INVALID_COMMAND` listing every problem: a command is recorded whole or not at all.
 * Internal to the pack.
 */
export interface CommandBuilder {
  /** Records a problem with the input at `path`. */
  problem(path: Path, message: string): void;
  /** Targets a patient's record; returns the `Patient/<id>` reference. */
  patient(patientId: string): string;
  /** Targets a clinic's appointment book; returns the `Schedule/<clinic>` reference. */
  clinic(clinic: string): string;
  /** The caller's id for a new resource, checked, or a fresh one. */
  newId(given: string | undefined, path: string): string;
  /** An existing resource the author is looking at, or a problem at `path`. */
  existing(key: string, path: Path): ResourceState | undefined;
  /** Writes `value` to `key.field` unless undefined, checked by the schema under the input's name. */
  set(key: string, field: string, value: unknown, path?: Path): void;
  /** Makes the write of `key.field` supersede exactly `ids` (instead of everything the author sees). */
  supersede(key: string, field: string, ids: readonly EventId[]): void;
  /** Now, as a UTC instant string. */
  now(): string;
  /** An ISO date-time (with a time and zone) or Date as a UTC instant, for `min`/`max` fields; now when undefined; a problem at `path` when unreadable. */
  instant(value: string | Date | undefined, path: string): string | undefined;
  /** Records "nothing to change" when the input is otherwise fine but writes nothing to `key`. */
  requireChange(key: string): void;
  /** The draft; throws `INVALID_COMMAND` when any problem was recorded. */
  draft(): EventDraft;
}

/** Starts building the event of one command of clinical event type `type`. */
export function startCommand(type: string, state: StreamState | undefined, input: CommandInput, options: ClinicalCommandOptions = {}): CommandBuilder {
  const issues: ValidationIssue[] = [];
  const writes: Record<string, Record<string, Json>> = {};
  const supersede: Record<string, Record<string, readonly EventId[]>> = {};
  let stream: StreamId | undefined;
  const now = (): string => (options.now ?? (() => new Date()))().toISOString();
  const author = input?.author as unknown;
  if (!isPlainObject(author) || typeof author['id'] !== 'string' || author['id'].trim() === '') issues.push({ path: ['author', 'id'], message: 'every command needs the id of its author' });
  else for (const key of ['role', 'org']) if (author[key] !== undefined && typeof author[key] !== 'string') issues.push({ path: ['author', key], message: 'must be a string' });

  const target = (id: unknown, path: string, make: (id: string) => StreamId, prefix: string): string => {
    if (typeof id !== 'string' || !FHIR_ID_PATTERN.test(id)) {
      issues.push({ path: [path], message: `must be a FHIR id (${FHIR_ID_PATTERN})` });
      return `${prefix}/invalid`;
    }
    stream = make(id);
    return `${prefix}/${id}`;
  };

  return {
    problem: (path, message) => void issues.push({ path, message }),
    patient: (patientId) => target(patientId, 'patientId', patientStream, 'Patient'),
    clinic: (clinic) => target(clinic, 'clinic', scheduleStream, 'Schedule'),
    newId(given, path) {
      if (given === undefined) return (options.newId ?? uuidv7)();
      if (typeof given !== 'string' || !FHIR_ID_PATTERN.test(given)) issues.push({ path: [path], message: `must be a FHIR id (${FHIR_ID_PATTERN})` });
      return given;
    },
    existing(key, path) {
      const resource = state?.resources[key];
      if (!resource) issues.push({ path, message: `there is no ${key} in this record` });
      return resource;
    },
    set(key, field, value, path = [field]) {
      if (value === undefined) return;
      const jsonIssues = checkJson(value, path, { requireNfc: false });
      if (jsonIssues.length > 0) {
        issues.push(...jsonIssues);
        return;
      }
      const resolved = clinicalSchema.field(key.slice(0, key.indexOf('/')), field);
      if (!resolved) throw new Error(`clinical pack bug: ${key} has no field ${field}`);
      const problem = resolved.rule.check(value as Json) ?? resolved.check?.(value as Json);
      if (problem) issues.push({ path, message: problem });
      else (writes[key] ??= {})[field] = value as Json;
    },
    supersede(key, field, ids) {
      (supersede[key] ??= {})[field] = ids;
    },
    now,
    instant(value, path) {
      if (value === undefined) return now();
      const ms = value instanceof Date ? value.getTime() : typeof value === 'string' && /T\d{2}:\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(ms)) {
        issues.push({ path: [path], message: 'must be a date-time with a time and zone, e.g. 2026-07-19T09:30:00Z' });
        return undefined;
      }
      return new Date(ms).toISOString();
    },
    requireChange(key) {
      if (issues.length === 0 && writes[key] === undefined) issues.push({ path: [], message: 'nothing to change' });
    },
    draft() {
      if (issues.length > 0 || stream === undefined) throw new ChartlogError('INVALID_COMMAND', `cannot record ${type}`, { issues });
      return prepareWrite(clinicalSchema, state, { stream, type, author: input.author, writes, supersede, resolveConflicts: options.resolveConflicts ?? false });
    },
  };
}

/** `value` as an array: the pack stores FHIR 0..* elements as arrays and accepts one for convenience. */
export function asArray<T>(value: T | readonly T[] | undefined): readonly T[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/** A note input as the stored `Annotation`. */
export function asNote(text: string | undefined): { readonly text: string } | undefined {
  return text === undefined ? undefined : { text };
}
