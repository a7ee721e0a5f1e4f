import type { Conflict } from '../../chart/conflicts.js';
import { prepareConflictResolution } from '../../chart/prepareWrite.js';
import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { ChartlogError, isChartlogError, type ValidationIssueInput } from '../../error/chartlogError.js';
import type { Author } from '../../event/chartEvent.js';
import { checkAuthor } from '../../event/checkAuthor.js';
import { isEventId, isStreamId } from '../../event/ids.js';
import type { Json } from '../../event/json.js';
import { createReplica } from '../../replica/replica.js';
import { readSiteKeyFile } from '../../sync/http/siteKeyFile.js';
import { EXIT } from '../exitCodes.js';
import { out, outJson, requiredOption, stringOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { SITE_OPTION, keyOption, storeOption } from '../siteOptions.js';

/** `chartlog resolve`: a clinician settles one open conflict of a store. */
export const resolveCommand: CliCommand = {
  name: 'resolve',
  summary: 'settle one open conflict (from chartlog conflicts) with the value a clinician chose',
  description: [
    'Records, as this site (its key signs the chain), a resolution of one open conflict: the chosen',
    'value with every competing write named as superseded, so every site that receives it shows',
    'that value and no longer the conflict. --keep EVENT_ID keeps the value of one competing write',
    '(the id in brackets in chartlog conflicts); --value JSON gives another value, as JSON',
    '(\'"high"\' for the text high). --stream, --resource and --field name the conflict (required with',
    '--value; with --keep only when that write competes in more than one). The author is who made',
    'the decision, recorded and audited with it. A conflict that is not open (already resolved,',
    'or never was) is NOT_FOUND, exit 2, and nothing is recorded.',
    'It writes the store, so stop chartlog serve on the store first (one writer at a time:',
    'STORE_LOCKED, exit 3, otherwise) and start it again after: it carries the resolution to the peers.',
    'With --json: {"resolved":true,stream,resource,field,value,kept?,superseded:[…],event:{id,site,seq,hlc}}.',
  ],
  options: {
    store: storeOption('must exist'),
    site: SITE_OPTION,
    key: keyOption('the resolution is recorded as this site'),
    stream: { type: 'string', valueName: 'STREAM', description: 'the record, e.g. patient/p1' },
    resource: { type: 'string', valueName: 'KEY', description: 'the resource, e.g. AllergyIntolerance/al1' },
    field: { type: 'string', valueName: 'NAME', description: 'the field in conflict, e.g. criticality' },
    keep: { type: 'string', valueName: 'EVENT_ID', description: 'keep the value this competing write wrote' },
    value: { type: 'string', valueName: 'JSON', description: 'the value to record instead, as JSON' },
    'author-id': {
      type: 'string',
      valueName: 'ID',
      required: true,
      description: 'who decided (e.g. a GMC number): the resolution is recorded under this author',
    },
    'author-role': { type: 'string', valueName: 'ROLE', description: "the author's role, e.g. gp" },
  },
  examples: [
    'chartlog resolve --store practice-a.chartlog --site practice-a --key practice-a.key ' +
      '--keep 5ecf85cd-5eb7-8b8b-9f0a-d2a234d0787a --author-id dr-okafor --author-role gp',
    'chartlog resolve --store practice-a.chartlog --site practice-a --key practice-a.key ' +
      '--stream patient/p1 --resource AllergyIntolerance/al1 --field criticality --value \'"high"\' --author-id dr-okafor',
  ],
  async run(values) {
    const request = readResolveRequest(values);
    const keys = readSiteKeyFile(requiredOption(values, 'key'));
    const path = requiredOption(values, 'store');
    // 'update': a mistyped path must not become a new, empty store.
    const store = await openStoreFile(path, 'update');
    try {
      const site = requiredOption(values, 'site');
      const replica = await createReplica({ site, keys, store, schema: clinicalSchema });
      const open = await replica.conflicts(request.stream !== undefined ? { stream: request.stream } : {});
      const conflict = pickConflict(open, request, path);
      const kept = conflict.writes.find((w) => w.id === request.keep);
      const value = kept !== undefined ? kept.value : (request.value as Json);
      const event = await replica.record(
        resolutionDraft(replica.chart.state(conflict.stream), conflict, value, request),
      );
      const superseded = conflict.writes.map((w) => w.id).sort();
      const where = `${conflict.stream} ${conflict.resource}.${conflict.field}`;
      if (wantsJson(values))
        outJson({
          resolved: true,
          stream: conflict.stream,
          resource: conflict.resource,
          field: conflict.field,
          value,
          ...(kept !== undefined ? { kept: kept.id } : {}),
          superseded,
          event: { id: event.id, site: event.site, seq: event.seq, hlc: event.hlc },
        });
      else {
        const from = kept !== undefined ? ` (the value of ${kept.site}'s write ${kept.id})` : '';
        out(`resolved ${where}: ${JSON.stringify(value)}${from}`);
        out(
          `recorded as ${event.site} seq ${event.seq} (event ${event.id}) by ${request.author.id}, ` +
            `superseding ${superseded.length} competing writes`,
        );
        out(
          'chartlog serve (or sync) carries it to the other sites; until then they still show the conflict',
        );
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

/** What `resolve` was asked to do, checked before any file is opened. */
interface ResolveRequest {
  readonly stream?: Conflict['stream'];
  readonly resource?: string;
  readonly field?: string;
  readonly keep?: string;
  readonly value?: Json;
  readonly author: Author;
}

function readResolveRequest(values: Parameters<CliCommand['run']>[0]): ResolveRequest {
  const [stream, resource, field, keep, rawValue] = ['stream', 'resource', 'field', 'keep', 'value'].map(
    (name) => stringOption(values, name),
  );
  if ((keep === undefined) === (rawValue === undefined))
    throw new ChartlogError(
      'INVALID_OPTION',
      keep === undefined
        ? 'give --keep EVENT_ID or --value JSON: the value the conflict is settled with (see chartlog resolve --help)'
        : 'give --keep or --value, not both',
    );
  if (rawValue !== undefined && (stream === undefined || resource === undefined || field === undefined))
    throw new ChartlogError(
      'INVALID_OPTION',
      '--value needs --stream, --resource and --field: the conflict it settles (chartlog conflicts lists them)',
    );
  if (stream !== undefined && !isStreamId(stream))
    throw new ChartlogError(
      'INVALID_OPTION',
      `--stream must be a record such as patient/p1, not ${JSON.stringify(stream)}`,
    );
  if (keep !== undefined && !isEventId(keep))
    throw new ChartlogError(
      'INVALID_OPTION',
      `--keep must be an event id as chartlog conflicts prints it in brackets, not ${JSON.stringify(keep)}`,
    );
  const role = stringOption(values, 'author-role');
  const author: Author = {
    id: stringOption(values, 'author-id') ?? '',
    ...(role !== undefined ? { role } : {}),
  };
  const issues: ValidationIssueInput[] = [];
  checkAuthor(author, (path, message) => issues.push({ path, message }));
  if (issues.length > 0)
    throw new ChartlogError('INVALID_OPTION', '--author-id and --author-role are not valid', { issues });
  return {
    ...(stream !== undefined ? { stream } : {}),
    ...(resource !== undefined ? { resource } : {}),
    ...(field !== undefined ? { field } : {}),
    ...(keep !== undefined ? { keep } : {}),
    ...(rawValue !== undefined ? { value: parseValue(rawValue) } : {}),
    author,
  };
}

function parseValue(raw: string): Json {
  try {
    return JSON.parse(raw) as Json;
  } catch {
    throw new ChartlogError(
      'INVALID_OPTION',
      `--value must be JSON: for the text ${raw} give --value '${JSON.stringify(raw)}' (quotes included), a number or an object as JSON`,
    );
  }
}

/**
 * The one open conflict the request names.
 * @throws ChartlogError `NOT_FOUND` when none is open, `INVALID_OPTION` when the request fits several.
 */
function pickConflict(open: readonly Conflict[], request: ResolveRequest, path: string): Conflict {
  const named = open.filter(
    (c) =>
      (request.resource === undefined || c.resource === request.resource) &&
      (request.field === undefined || c.field === request.field),
  );
  const fits =
    request.keep === undefined ? named : named.filter((c) => c.writes.some((w) => w.id === request.keep));
  const [first, second] = fits;
  if (first !== undefined && second === undefined) return first;
  const list = `chartlog conflicts --store ${path} lists the open ones`;
  if (first !== undefined)
    throw new ChartlogError(
      'INVALID_OPTION',
      `event ${request.keep} competes in ${fits.length} open conflicts (${fits.map(describe).join(', ')}): give --resource and --field`,
    );
  if (request.keep !== undefined && named.length > 0 && request.field !== undefined) {
    const competing = named.flatMap((c) => c.writes.map((w) => w.id));
    throw new ChartlogError(
      'NOT_FOUND',
      `event ${request.keep} is not one of the competing writes of ${named.map(describe).join(', ')}: ` +
        `keep one of ${competing.join(', ')}`,
      { details: { keep: request.keep } },
    );
  }
  const { stream, resource, field, keep } = request;
  const parts = [
    stream,
    resource !== undefined && field !== undefined ? `${resource}.${field}` : resource,
    resource === undefined && field !== undefined ? `field ${field}` : undefined,
  ].filter((part) => part !== undefined);
  const where =
    keep !== undefined && field === undefined
      ? `with event ${keep} among its competing writes${parts.length > 0 ? ` on ${parts.join(' ')}` : ''}`
      : `on ${parts.join(' ')}`;
  throw new ChartlogError(
    'NOT_FOUND',
    `no open conflict ${where} (resolved already, or never one): ${list}`,
    {
      details: {
        path,
        ...(stream !== undefined ? { stream } : {}),
        ...(resource !== undefined ? { resource } : {}),
        ...(field !== undefined ? { field } : {}),
        ...(keep !== undefined ? { keep } : {}),
      },
    },
  );
}

const describe = (c: Conflict): string => `${c.stream} ${c.resource}.${c.field}`;

/** The resolution's draft; a value the field's schema refuses is the operator's to fix (INVALID_OPTION, exit 2). */
function resolutionDraft(
  state: Parameters<typeof prepareConflictResolution>[1],
  conflict: Conflict,
  value: Json,
  request: ResolveRequest,
): ReturnType<typeof prepareConflictResolution> {
  try {
    return prepareConflictResolution(clinicalSchema, state, {
      stream: conflict.stream,
      resource: conflict.resource,
      field: conflict.field,
      value,
      author: request.author,
    });
  } catch (error) {
    if (!isChartlogError(error) || error.code !== 'INVALID_COMMAND') throw error;
    throw new ChartlogError(
      'INVALID_OPTION',
      `--value ${JSON.stringify(value)} cannot be recorded in ${conflict.resource}.${conflict.field}`,
      { cause: error, issues: error.issues },
    );
  }
}
