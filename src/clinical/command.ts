import { v7 as uuidv7 } from 'uuid';
import { prepareWrite } from '../chart/prepareWrite.js';
import type { ResourceState, StreamState } from '../chart/streamState.js';
import { ChartlogError, type ValidationIssueInput } from '../error/chartlogError.js';
import type { Author } from '../event/chartEvent.js';
import type { EventDraft } from '../event/eventWriter.js';
import type { EventId, StreamId } from '../event/ids.js';
import { checkJson, isPlainObject, type Json } from '../event/json.js';
import { clinicalSchema, type ClinicalEventType } from './clinicalSchema.js';
import { FHIR_ID_PATTERN, nonEmptyString, type ValueCheck } from './inputChecks.js';
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

/** How {@link CommandBuilder.set} takes an input: where it came from, what the pack asks of it, and the R4 value it becomes. */
export interface SetHow<T> {
  /** The input's path, for issues. @defaultValue `[field]` */
  readonly path?: Path;
  /** What the pack asks of the input beyond R4 (a value set, a readable dose). @defaultValue none */
  readonly check?: ValueCheck;
  /** The R4 value the (checked) input is written as. @defaultValue the input as it is */
  readonly as?: (input: T) => unknown;
}

/** How one input of a command is written: to which field, checked how, as what R4 value (see {@link SetHow}). */
export interface FieldInput<T> extends SetHow<T> {
  /** The field it is written to. @defaultValue the input's name */
  readonly field?: string;
}

/**
 * How a resource's command inputs are written, by input name: declared once per resource
 * and shared by its commands (the record and the update of one resource write their
 * common inputs through one table, {@link CommandBuilder.setFields}).
 */
export type FieldInputs<I> = { readonly [K in keyof I]?: FieldInput<Exclude<I[K], undefined>> };

/** Values of the inputs a {@link FieldInputs} table declares, any of them left out or undefined. */
export type InputValues<I> = { readonly [K in keyof I]?: I[K] | undefined };

/**
 * Collects one command's writes and problems, then turns them into one draft through
 * `prepareWrite` (so `pred` comes from the state the author saw) or throws
 * `INVALID_COMMAND` listing every problem: a command is recorded whole or not at all.
 * Internal to the pack.
 */
export interface CommandBuilder {
  /** Records a problem with the input at `path`. */
  problem(path: Path, message: string): void;
  /**
   * Checks an input that is not written as it is (e.g. a part of another element); true when fine or
   * undefined, else records the problem.
   */
  check(path: Path, input: unknown, check: ValueCheck): boolean;
  /** Targets a patient's record; returns the `Patient/<id>` key. */
  patient(patientId: string): string;
  /** Targets a clinic's appointment book; returns the `Schedule/<clinic>` key. */
  clinic(clinic: string): string;
  /** The caller's id for a new resource, checked, or a fresh one. */
  newId(given: string | undefined, path: string): string;
  /** An existing resource the author is looking at, or a problem at `path`. */
  existing(key: string, path: Path): ResourceState | undefined;
  /**
   * Writes `input` to `key.field` unless undefined: checked by `how.check`, turned into
   * its R4 value by `how.as`, that checked by the schema (its R4 type and the rule's
   * write shape); every problem under the input's name.
   */
  set<T>(key: string, field: string, input: T | undefined, how?: SetHow<T>): void;
  /**
   * Writes each input of `input` that `inputs` declares (and is not undefined) to `key`, as
   * {@link CommandBuilder.set} does, in `inputs`' order.
   */
  setFields<I extends object>(key: string, inputs: FieldInputs<I>, input: InputValues<NoInfer<I>>): void;
  /**
   * Adds a note (an R4 `Annotation` with `text`) to a `log` field of `key` unless undefined.
   * @defaultValue field `note`, path `['note']`
   */
  note(key: string, text: string | undefined, path?: Path, field?: string): void;
  /** Makes the write of `key.field` supersede exactly `ids` (instead of everything the author sees). */
  supersede(key: string, field: string, ids: readonly EventId[]): void;
  /** Now, as a UTC instant string. */
  now(): string;
  /**
   * An ISO date-time (with a time and zone) or Date as a UTC instant, for `min`/`max` fields; now when
   * undefined; a problem at `path` when unreadable.
   */
  instant(value: string | Date | undefined, path: string): string | undefined;
  /** Records "nothing to change" when the input is otherwise fine but writes nothing to `key`. */
  requireChange(key: string): void;
  /** The draft; throws `INVALID_COMMAND` when any problem was recorded. */
  draft(): EventDraft;
}

/** Starts building the event of one command of clinical event type `type`. */
export function startCommand(
  type: ClinicalEventType,
  state: StreamState | undefined,
  input: CommandInput,
  options: ClinicalCommandOptions = {},
): CommandBuilder {
  const issues: ValidationIssueInput[] = [];
  const writes: Record<string, Record<string, Json>> = {};
  const supersede: Record<string, Record<string, readonly EventId[]>> = {};
  let stream: StreamId | undefined;
  const now = (): string => (options.now ?? (() => new Date()))().toISOString();
  const author = input?.author as unknown;
  if (!isPlainObject(author) || typeof author['id'] !== 'string' || author['id'].trim() === '')
    issues.push({ path: ['author', 'id'], message: 'every command needs the id of its author' });
  else
    for (const key of ['role', 'org'])
      if (author[key] !== undefined && typeof author[key] !== 'string')
        issues.push({ path: ['author', key], message: 'must be a string' });

  const target = (id: unknown, path: string, make: (id: string) => StreamId, prefix: string): string => {
    if (typeof id !== 'string' || !FHIR_ID_PATTERN.test(id)) {
      issues.push({ path: [path], message: `must be a FHIR id (${FHIR_ID_PATTERN})` });
      return `${prefix}/invalid`;
    }
    stream = make(id);
    return `${prefix}/${id}`;
  };

  const builder: CommandBuilder = {
    problem: (path, message) => void issues.push({ path, message }),
    check(path, input, check) {
      const problem = input === undefined ? undefined : check(input as Json);
      if (problem !== undefined) issues.push({ path, message: problem });
      return problem === undefined;
    },
    patient: (patientId) => target(patientId, 'patientId', patientStream, 'Patient'),
    clinic: (clinic) => target(clinic, 'clinic', scheduleStream, 'Schedule'),
    newId(given, path) {
      if (given === undefined) return (options.newId ?? uuidv7)();
      if (typeof given !== 'string' || !FHIR_ID_PATTERN.test(given))
        issues.push({ path: [path], message: `must be a FHIR id (${FHIR_ID_PATTERN})` });
      return given;
    },
    existing(key, path) {
      const resource = state?.resources[key];
      if (!resource) issues.push({ path, message: `there is no ${key} in this record` });
      return resource;
    },
    set<T>(key: string, field: string, input: T | undefined, how: SetHow<T> = {}) {
      if (input === undefined) return;
      const path = how.path ?? [field];
      const jsonIssues = checkJson(input, path, { requireNfc: false });
      if (jsonIssues.length > 0) {
        issues.push(...jsonIssues);
        return;
      }
      const inputProblem = how.check?.(input as Json);
      if (inputProblem) {
        issues.push({ path, message: inputProblem });
        return;
      }
      const value = (how.as === undefined ? input : how.as(input)) as Json;
      const resolved = clinicalSchema.field(key.slice(0, key.indexOf('/')), field);
      if (!resolved) throw new Error(`clinical pack bug: ${key} has no field ${field}`);
      const problem = resolved.rule.check(value) ?? resolved.check?.(value);
      if (problem) issues.push({ path, message: problem });
      else (writes[key] ??= {})[field] = value;
    },
    setFields<I extends object>(key: string, inputs: FieldInputs<I>, input: InputValues<I>) {
      for (const name of Object.keys(inputs) as (keyof I & string)[]) {
        const how = inputs[name] as FieldInput<unknown>;
        builder.set(key, how.field ?? name, input[name], { path: [name], ...how });
      }
    },
    note(key, text, path = ['note'], field = 'note') {
      builder.set(key, field, text, { path, check: nonEmptyString, as: (t) => [{ text: t }] });
    },
    supersede(key, field, ids) {
      (supersede[key] ??= {})[field] = ids;
    },
    now,
    instant(value, path) {
      if (value === undefined) return now();
      const ms =
        value instanceof Date
          ? value.getTime()
          : typeof value === 'string' && /T\d{2}:\d{2}/.test(value)
            ? Date.parse(value)
            : Number.NaN;
      if (Number.isNaN(ms)) {
        issues.push({
          path: [path],
          message: 'must be a date-time with a time and zone, e.g. 2026-07-19T09:30:00Z',
        });
        return undefined;
      }
      return new Date(ms).toISOString();
    },
    requireChange(key) {
      if (issues.length === 0 && writes[key] === undefined)
        issues.push({ path: [], message: 'nothing to change' });
    },
    draft() {
      if (issues.length > 0 || stream === undefined)
        throw new ChartlogError('INVALID_COMMAND', `cannot record ${type}`, { issues });
      return prepareWrite(clinicalSchema, state, {
        stream,
        type,
        author: input.author,
        writes,
        supersede,
        resolveConflicts: options.resolveConflicts ?? false,
      });
    },
  };
  return builder;
}

/** `value` as an array: FHIR 0..* elements are arrays, and the commands accept one for convenience. */
export function asArray<T>(value: T | readonly T[] | undefined): readonly T[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
