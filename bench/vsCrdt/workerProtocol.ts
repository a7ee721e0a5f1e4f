import type { StateDigest } from './logicalDigest.js';
import type { SystemName, SystemOptions } from './systems.js';

/** What the parent asks one worker process to run (passed as JSON in argv). */
export interface WorkerJob {
  readonly system: SystemName;
  /** Saves per site (the workload generates 3 × this many, sites picked at random). */
  readonly perSite: number;
  readonly patients: number;
  readonly seed: number;
  /** JSON file with the multi-site register fields: `[[key, [candidate…]], …]`. */
  readonly multiSiteFile: string;
  /** Modelling choices. */
  readonly options: SystemOptions;
  /** Write each site's normalized fields here (`<system>-<site>.tsv`), to diff when digests differ. */
  readonly dumpDir?: string;
}

/** Memory as sampled at the end of a phase. */
export interface MemorySample {
  readonly phase: string;
  /** `heapUsed` as the phase left it (garbage included), MiB. */
  readonly heapMb: number;
  /** `heapUsed` after a full GC: what the system keeps, MiB. */
  readonly liveHeapMb: number;
  /** `external` (ArrayBuffers, WebAssembly memory), MiB. */
  readonly externalMb: number;
  /** Resident set size, MiB. */
  readonly rssMb: number;
}

/** One timed phase, reported as soon as it ends (so a run killed later still tells what it did). */
export interface PhaseReport {
  readonly phase: 'record' | 'merge' | 'materialize';
  readonly seconds: number;
}

/** Everything a worker measured, printed as its last stdout line. */
export interface WorkerResult {
  readonly system: SystemName;
  readonly perSite: number;
  readonly saves: number;
  /** {@link hashSaves} of the saves it generated. */
  readonly savesHash: string;
  readonly recordS: number;
  readonly mergeS: number;
  /** Summed over the sites. */
  readonly materializeS: number;
  readonly wireBytes: number;
  readonly messages: number;
  /** The kernel's high-water mark for the worker process up to the end of the timed phases (before the checks), MiB. */
  readonly peakRssMb: number;
  /** RSS once the saves were generated, before the system was set up, MiB. */
  readonly baselineRssMb: number;
  /** Largest `heapUsed + external` sampled at a phase end, MiB. */
  readonly peakHeapMb: number;
  readonly memory: readonly MemorySample[];
  /** One digest per site. */
  readonly digests: readonly StateDigest[];
  readonly notes: Readonly<Record<string, string | number | boolean>>;
}

/** Prefix of the line a worker prints as a timed phase starts (followed by the phase name). */
export const START_PREFIX = 'VSCRDT_START ';
/** Prefix of a worker's phase lines on stdout. */
export const PHASE_PREFIX = 'VSCRDT_PHASE ';
/** Prefix of a worker's result line on stdout. */
export const RESULT_PREFIX = 'VSCRDT_RESULT ';
