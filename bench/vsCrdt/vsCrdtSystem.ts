import type { Save } from '../workload/primaryCareSaves.js';
import type { FieldKind } from './fieldKind.js';

/** What one merge phase put on the wire. */
export interface MergeResult {
  /** Bytes every site sent to every other, requests (state vectors, heads, sync vectors) included. */
  readonly wireBytes: number;
  /** Messages sent. */
  readonly messages: number;
}

/**
 * Receives one field of a materialized state: a register's value, a set's elements
 * (any order) or a log's entries (any order), as plain JSON.
 */
export type FieldVisitor = (resource: string, field: string, value: unknown) => void;

/** What a system is set up with (outside every timed phase). */
export interface SystemSetup {
  /** The sites, in the workload's order; a save's `site` is one of them. */
  readonly sites: readonly string[];
  /** Every patient id the saves may name (`p0`, `p1` …). */
  readonly patients: readonly string[];
  /** Wall-clock ms of the first save (chartlog's simulated clocks start there). */
  readonly startMs: number;
}

/**
 * One system under comparison, driven phase by phase by the worker (which times each
 * call): every site records its saves while cut off from the others, then every site
 * takes in everything the others recorded, then each site's full state is read out.
 * Implementations: `yjsSystem.ts`, `automergeSystem.ts`, `chartlogSystem.ts`.
 */
export interface VsCrdtSystem {
  /**
   * Records every save at its own site, one unit of the system per save (a transaction,
   * a change, an event). `kinds[i][j]` is the kind of `saves[i].writes[j]`, worked out
   * before the clock starts: an application knows statically which of its fields are
   * sets or logs, so looking it up is no part of any system's cost.
   */
  record(saves: readonly Save[], kinds: readonly (readonly FieldKind[])[]): Promise<void>;
  /** Every site takes in everything every other site recorded; the sites then agree. */
  merge(): Promise<MergeResult>;
  /** Reads site `site`'s (an index into {@link SystemSetup.sites}) full state out as the system's plain JavaScript form. */
  materialize(site: number): unknown;
  /** Walks a {@link materialize} result field by field (untimed: the harness's normalization, not the system's work). */
  visitFields(materialized: unknown, visit: FieldVisitor): void;
  /** Facts worth printing about the run (e.g. whether an option took effect). */
  notes(): Promise<Readonly<Record<string, string | number | boolean>>>;
  /** Releases what the system holds outside the JS heap. */
  dispose(): void;
}

/** Builds a system's sites, empty (not timed). */
export type SystemFactory = (setup: SystemSetup) => Promise<VsCrdtSystem>;
