import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';
import { fieldKind } from './fieldKind.js';
import type { FieldVisitor } from './vsCrdtSystem.js';

/**
 * Register fields written at two or more sites while cut off from each other, with the
 * canonical JSON of each writing site's last value: the values a system may show there
 * once merged (Yjs and Automerge pick one, chartlog's `mv` shows the latest and flags
 * the conflict). Key `<resource>#<field>`.
 */
export type MultiSiteFields = ReadonlyMap<string, ReadonlySet<string>>;

/** What {@link digestFields} found in one site's state. */
export interface StateDigest {
  /** Order-independent hash over every field except the multi-site registers: equal across systems for equal logical values. */
  readonly logical: string;
  /** The same over every field: equal across one system's sites once they converged. */
  readonly full: string;
  /** Fields seen. */
  readonly fields: number;
  /** Multi-site register fields seen (left out of `logical`). */
  readonly multiSite: number;
  /** Multi-site register fields whose value is none of the writing sites' last values: must be 0. */
  readonly notCandidate: number;
  /** A few of those, for the error message. */
  readonly notCandidateExamples: readonly string[];
}

/**
 * One field's value in a form every system shares: a register's canonical JSON, a set's
 * or log's sorted canonical elements (a set or log has no order that every system
 * keeps: Yjs and Automerge order concurrent appends by actor, chartlog by clock).
 */
export function normalizedValue(resource: string, field: string, value: unknown): string {
  if (fieldKind(resource, field) === 'register') return canonicalJson(value);
  if (!Array.isArray(value)) throw new Error(`${resource}#${field}: a set or log must read out as an array`);
  return JSON.stringify(value.map((v) => canonicalJson(v)).sort());
}

/**
 * Hashes a state given as a walk over its fields. The hash is a lane-wise sum of one
 * SHA-256 per field, so it does not depend on the order a system enumerates fields in
 * and needs no sorted copy of the state (the worker digests in the process it measures).
 * `onField` sees every normalized field (for dumps when digests differ).
 */
export function digestFields(
  walk: (visit: FieldVisitor) => void,
  multiSite: MultiSiteFields,
  onField?: (key: string, normalized: string) => void,
): StateDigest {
  const logical = new Uint32Array(8);
  const full = new Uint32Array(8);
  let fields = 0;
  let multi = 0;
  let notCandidate = 0;
  const examples: string[] = [];
  walk((resource, field, value) => {
    const key = `${resource}#${field}`;
    const normalized = normalizedValue(resource, field, value);
    onField?.(key, normalized);
    const h = createHash('sha256').update(key).update('\0').update(normalized).digest();
    const lanes = new Uint32Array(h.buffer, h.byteOffset, 8);
    fields++;
    for (let i = 0; i < 8; i++) full[i] = ((full[i] as number) + (lanes[i] as number)) >>> 0;
    const candidates = fieldKind(resource, field) === 'register' ? multiSite.get(key) : undefined;
    if (candidates !== undefined) {
      multi++;
      if (!candidates.has(normalized)) {
        notCandidate++;
        if (examples.length < 5)
          examples.push(`${key} = ${normalized} (candidates ${[...candidates].join(' | ')})`);
      }
      return;
    }
    for (let i = 0; i < 8; i++) logical[i] = ((logical[i] as number) + (lanes[i] as number)) >>> 0;
  });
  const hex = (lanes: Uint32Array): string => Buffer.from(lanes.buffer).toString('hex');
  return {
    logical: hex(logical),
    full: hex(full),
    fields,
    multiSite: multi,
    notCandidate,
    notCandidateExamples: examples,
  };
}
