import type { KeyObject } from 'node:crypto';
import type { ChartView } from '../../chart/chartView.js';
import { isChartlogError } from '../../error/chartlogError.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import { eventHash } from '../../event/eventHash.js';
import type { EventHash, SiteId, StreamId } from '../../event/ids.js';
import { verifyEventSignature } from '../../event/signature.js';
import { validateEvent } from '../../event/validateEvent.js';
import type { EventLog } from '../eventLog.js';
import type { VerifyProblem, VerifyProgress } from './verifyProblem.js';
import { verifyProjection } from './verifyProjection.js';

export type { VerifyProblem, VerifyProblemKind, VerifyProgress } from './verifyProblem.js';

/** Options for {@link verifyEventLog}. */
export interface VerifyEventLogOptions {
  /** Public keys by site: signatures of those sites are verified. @defaultValue none (signatures not checked) */
  readonly keys?: ReadonlyMap<string, KeyObject> | Readonly<Record<string, KeyObject>>;
  /** Called after each page with how far it got. */
  readonly onProgress?: (progress: VerifyProgress) => void;
  /** Events read per call. @defaultValue `1000` */
  readonly pageSize?: number;
  /** Stop listing problems after this many (counting goes on). @defaultValue `1000` */
  readonly maxProblems?: number;
  /** The store's persisted projection, to check against the events too (see `verifyProjection`). @defaultValue not checked */
  readonly projection?: ChartView;
}

/**
 * What checking the projection found: `checked` (its problems are among the report's), or
 * `unsettled` when the store was written meanwhile (events and projection were read at
 * different moments, so a difference proves nothing: run it again with the writer stopped).
 */
export type VerifiedProjection =
  | {
      readonly status: 'checked';
      readonly streams: number;
      readonly events: number;
      readonly hash: string;
      readonly projectedHash: string;
      readonly problemCount: number;
    }
  | { readonly status: 'unsettled'; readonly message: string };

/** What {@link verifyEventLog} found. */
export interface VerifyReport {
  /** True when nothing is wrong. */
  readonly ok: boolean;
  /** Events checked. */
  readonly events: number;
  /** Sites checked, sorted, each with the number of its events held (its seq in the version vector). */
  readonly sites: readonly { readonly site: SiteId; readonly events: number }[];
  /** Signatures verified good, and signed events whose site had no key given. */
  readonly signatures: { readonly verified: number; readonly unchecked: number };
  /** How many problems in all (the list stops at `maxProblems`). */
  readonly problemCount: number;
  /** The problems, in site then seq order (then the projection's, by stream). */
  readonly problems: readonly VerifyProblem[];
  /** The projection check, when a projection was given. */
  readonly projection?: VerifiedProjection;
}

/**
 * Checks a whole store through the {@link EventLog} port, in pages (constant memory):
 * each site's events are contiguous from 1, each `prev` names the previous event's
 * hash, each event is well-formed and readable intact (stores re-hash rows on read),
 * the heads match, the count adds up, and — for sites whose key is given — every
 * signature verifies. With `projection`, then checks it is exactly the fold of the
 * events, one stream at a time (`verifyProjection`). Reports problems; does not throw on them.
 *
 * @example
 * ```ts
 * const report = await verifyEventLog(log, { keys: { 'practice-a': publicKey } });
 * if (!report.ok) console.error(report.problems);
 * ```
 */
export async function verifyEventLog(
  log: EventLog,
  options: VerifyEventLogOptions = {},
): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? 1000;
  const maxProblems = options.maxProblems ?? 1000;
  const keys =
    options.keys instanceof Map
      ? options.keys
      : new Map(Object.entries((options.keys ?? {}) as Record<string, KeyObject>));
  const problems: VerifyProblem[] = [];
  let problemCount = 0;
  const report = (p: VerifyProblem): void => {
    problemCount++;
    if (problems.length < maxProblems) problems.push(p);
  };
  const vector = await log.versionVector();
  const total = await log.count();
  let checked = 0;
  let verified = 0;
  let unchecked = 0;
  const sites = Object.keys(vector).sort() as SiteId[];
  // Kept only to check a projection: ids, not events.
  const streams = options.projection !== undefined ? new Set<StreamId>() : undefined;
  // Damage a read works around (a signature left out) is still damage.
  const stopListening = log.onDamage?.((damage) => {
    const { site, seq } = damage.details as { site?: SiteId; seq?: number };
    report({
      kind: 'corrupt',
      ...(site === undefined ? {} : { site }),
      ...(seq === undefined ? {} : { seq }),
      message: damage.message,
    });
  });
  try {
    for (const site of sites) await verifySite(site);
  } finally {
    stopListening?.();
  }
  if (checked !== total)
    report({
      kind: 'count-mismatch',
      message: `the store counts ${total} events, but the sites' chains hold ${checked}`,
    });
  options.onProgress?.({ phase: 'events', checked, total });
  const projection =
    options.projection !== undefined && streams !== undefined
      ? await checkProjection(options.projection, streams)
      : undefined;
  return {
    ok: problemCount === 0,
    events: checked,
    sites: sites.map((site) => ({ site, events: vector[site] ?? 0 })),
    signatures: { verified, unchecked },
    problemCount,
    problems,
    ...(projection !== undefined ? { projection } : {}),
  };

  async function checkProjection(view: ChartView, held: Set<StreamId>): Promise<VerifiedProjection> {
    const found = await verifyProjection(log, view, {
      streams: held,
      total,
      maxProblems,
      ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    });
    if ((await log.count()) !== total)
      return {
        status: 'unsettled',
        message:
          'the store was written during verification, so its events and projection were read at different ' +
          'moments: run verify again with the writer (chartlog serve) stopped to check the projection',
      };
    for (const p of found.problems) report(p);
    problemCount += found.problemCount - found.problems.length;
    return {
      status: 'checked',
      streams: found.streams,
      events: found.events,
      hash: found.hash,
      projectedHash: found.projectedHash,
      problemCount: found.problemCount,
    };
  }

  async function verifySite(site: SiteId): Promise<void> {
    const last = vector[site] ?? 0;
    // `undefined` after a corrupt event: its hash is unknown, so the next link cannot be judged.
    let prevHash: EventHash | null | undefined = null;
    for (let from = 1; from <= last; from += pageSize) {
      const want = Math.min(pageSize, last - from + 1);
      const page = await readPage(log, site, from, want, report);
      for (let i = 0; i < want; i++) {
        const seq = from + i;
        const event = page[i];
        checked++;
        if (event !== null && event !== undefined) streams?.add(event.stream);
        if (event === null) {
          prevHash = undefined;
          continue;
        }
        if (event === undefined || event.site !== site || event.seq !== seq) {
          report({
            kind: 'missing',
            site,
            seq,
            message: `${site} seq ${seq} is not stored (the site's head is ${last})`,
          });
          prevHash = undefined;
          continue;
        }
        const issues = validateEvent(event);
        if (issues.length > 0)
          report({
            kind: 'malformed',
            site,
            seq,
            message: `${site} seq ${seq} is malformed: ${issues.map((x) => x.message).join('; ')}`,
          });
        if (prevHash !== undefined && event.prev !== prevHash) {
          report({
            kind: 'chain-broken',
            site,
            seq,
            message: `${site} seq ${seq} names prev ${String(event.prev)}, but seq ${seq - 1} hashes to ${String(prevHash)}`,
          });
        }
        prevHash = eventHash(event);
        if (event.sig !== undefined) {
          const key = keys.get(site);
          if (!key) unchecked++;
          else if (verifyEventSignature(event, key)) verified++;
          else
            report({
              kind: 'bad-signature',
              site,
              seq,
              message: `${site} seq ${seq} carries a signature that does not verify with the site's key`,
            });
        }
      }
      options.onProgress?.({ phase: 'events', checked, total });
    }
    const head = await log.head(site);
    if (head.seq !== last || (prevHash !== undefined && head.hash !== prevHash)) {
      report({
        kind: 'head-mismatch',
        site,
        seq: head.seq,
        message:
          `the store's head for ${site} is seq ${head.seq} (${String(head.hash)}), but its chain ends at seq ` +
          `${last} (${String(prevHash)})`,
      });
    }
  }
}

/**
 * One page of a site; when the store refuses the page as corrupt, falls back to one
 * event at a time so every readable event is still checked. `null` marks a corrupt seq.
 */
async function readPage(
  log: EventLog,
  site: SiteId,
  from: number,
  want: number,
  report: (p: VerifyProblem) => void,
): Promise<(ChartEvent | null | undefined)[]> {
  try {
    return await log.readSite(site, from, want);
  } catch (e) {
    if (!isChartlogError(e) || e.code !== 'STORE_CORRUPT') throw e;
  }
  const out: (ChartEvent | null | undefined)[] = [];
  for (let seq = from; seq < from + want; seq++) {
    try {
      out.push(await log.get(site, seq));
    } catch (e) {
      if (!isChartlogError(e) || e.code !== 'STORE_CORRUPT') throw e;
      report({ kind: 'corrupt', site, seq, message: e.message });
      out.push(null);
    }
  }
  return out;
}
