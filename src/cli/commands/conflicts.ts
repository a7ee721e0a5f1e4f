import {
  countOpenConflicts,
  readConflicts,
  type Conflict,
  type ConflictPosition,
} from '../../chart/conflicts.js';
import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { ChartlogError } from '../../error/chartlogError.js';
import { isStreamId } from '../../event/ids.js';
import { EXIT } from '../exitCodes.js';
import {
  integerOption,
  out,
  outJson,
  requiredOption,
  stringOption,
  wantsJson,
  type CliCommand,
  type CliValues,
} from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { readStoreProjection } from '../readStoreProjection.js';
import { storeOption } from '../siteOptions.js';

/** Conflicts on one page of `chartlog conflicts` unless `--limit` or `--all` says otherwise. */
export const CONFLICTS_PAGE_SIZE = 100;

/** `chartlog conflicts`: the clinician review queue of a store, a page at a time. */
export const conflictsCommand: CliCommand = {
  name: 'conflicts',
  summary: 'list open conflicts (the clinician review queue) with values, sites, authors, times',
  description: [
    "Reads the store's persisted projection (read-only, safe next to a running chartlog serve;",
    'nothing is folded): open conflicts from its conflict index, by record, resource and field,',
    'with its merge rule, the value shown until a clinician resolves it, and each competing write',
    "with its author (read from the write's event), site and HLC time. It shows the number open",
    `and the first ${CONFLICTS_PAGE_SIZE} (--limit N for another page size, --all for every one),`,
    'then the command for the next page (--after TOKEN): a page costs the same however long the',
    'queue is. Open conflicts are not a failure: exit 0. A store whose projection is missing or out',
    'of date is PROJECTION_STALE, exit 3: chartlog replay --store FILE rebuilds it.',
    'With --json: {"count":n,"conflicts":[{stream,resource,field,rule,provisional,writes:[…]}],"next":TOKEN},',
    'count being every open conflict and next there only when more follow.',
  ],
  options: {
    store: storeOption(),
    limit: {
      type: 'string',
      valueName: 'N',
      defaultValue: String(CONFLICTS_PAGE_SIZE),
      description: 'conflicts on this page',
    },
    all: { type: 'boolean', description: 'every open conflict, on one page' },
    after: {
      type: 'string',
      valueName: 'TOKEN',
      description: 'the page after the one that printed TOKEN as its next',
    },
  },
  examples: [
    'chartlog conflicts --store hospital-d.chartlog',
    'chartlog conflicts --store hospital-d.chartlog --after WyJwYXRpZW50L3AxIiwiQ29uZGl0aW9uL2MxIiwic3RhdHVzIl0',
    'chartlog conflicts --store hospital-d.chartlog --all --json',
  ],
  async run(values) {
    const path = requiredOption(values, 'store');
    const limit = pageLimit(values);
    const afterToken = stringOption(values, 'after');
    const after = afterToken === undefined ? undefined : parsePageToken(afterToken);
    const store = await openStoreFile(path, 'read');
    let conflicts: Conflict[];
    let count: number;
    try {
      const projection = await readStoreProjection(store, clinicalSchema);
      count = countOpenConflicts(projection);
      // One more than the page, to know whether another follows.
      conflicts = await readConflicts(projection, async (w) => (await store.get(w.site, w.seq))?.author, {
        ...(limit === undefined ? {} : { limit: limit + 1 }),
        ...(after === undefined ? {} : { after }),
      });
    } finally {
      await store.close();
    }
    const more = limit !== undefined && conflicts.length > limit;
    if (more) conflicts = conflicts.slice(0, limit);
    const last = conflicts[conflicts.length - 1];
    const next = more && last !== undefined ? pageToken(last) : undefined;
    if (wantsJson(values)) outJson({ count, conflicts, ...(next === undefined ? {} : { next }) });
    else {
      out(`${count} open conflict${count === 1 ? '' : 's'} for clinician review`);
      for (const c of conflicts) {
        out(
          `\n${c.stream}  ${c.resource}.${c.field}  (${c.rule})  shown until resolved: ${JSON.stringify(c.provisional)}`,
        );
        for (const w of c.writes) {
          const role = w.author.role !== undefined ? ` (${w.author.role})` : '';
          out(`    ${JSON.stringify(w.value)}  by ${w.author.id}${role} at ${w.site}, ${w.hlc}  [${w.id}]`);
        }
      }
      if (next !== undefined)
        out(`\n${conflicts.length} shown; next page: chartlog conflicts --store ${path} --after ${next}`);
    }
    return EXIT.ok;
  },
};

/** The page size asked for: undefined for `--all`. */
function pageLimit(values: CliValues): number | undefined {
  // One below the largest safe integer: the command asks for one more, to know whether a next page follows.
  if (values['all'] !== true)
    return integerOption(values, 'limit', CONFLICTS_PAGE_SIZE, 1, Number.MAX_SAFE_INTEGER - 1);
  if (values['limit'] !== undefined)
    throw new ChartlogError('INVALID_OPTION', '--all and --limit cannot be given together', {
      details: { option: 'limit' },
    });
  return undefined;
}

/** The token for the page after `last`: its position as base64url JSON, opaque to whoever pastes it. */
function pageToken(last: ConflictPosition): string {
  return Buffer.from(JSON.stringify([last.stream, last.resource, last.field]), 'utf8').toString('base64url');
}

/**
 * The position a {@link pageToken} holds.
 * @throws ChartlogError `INVALID_OPTION` when `token` is not one.
 */
function parsePageToken(token: string): ConflictPosition {
  let value: unknown;
  try {
    value = /^[A-Za-z0-9_-]+$/.test(token)
      ? JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
      : undefined;
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 3 &&
    isStreamId(value[0]) &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'string'
  )
    return { stream: value[0], resource: value[1], field: value[2] };
  throw new ChartlogError(
    'INVALID_OPTION',
    `--after must be the token a page of chartlog conflicts printed as its next, not ${JSON.stringify(token)}`,
    { details: { option: 'after' } },
  );
}
