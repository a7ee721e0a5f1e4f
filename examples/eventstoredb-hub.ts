/**
 * Sites that share an EventStoreDB/KurrentDB cluster as their durable hub.
 *
 * Two GP practices and a hospital each keep their own replica — a SQLite file, their
 * own Ed25519 keys, the clinical commands — and reach one EventStoreDB cluster when the
 * network allows. `syncWithHub` pushes what the hub lacks (a site's own events and any
 * it relays) and pulls what the site lacks, in bounded batches; every pulled event is
 * checked on ingest as from any peer (hashes, chains, signatures): the hub is durable
 * storage, not a trusted party. The story: a morning with the hub reachable; an outage
 * in which every site keeps recording, including the same patient's allergy criticality
 * changed at a practice and at the hospital; the hub back; the sites sync one by one and
 * converge — the same version vector, the same state hash, the conflict listed.
 *
 *   CHARTLOG_ESDB_URL='esdb://127.0.0.1:2113?tls=false' node --import tsx examples/eventstoredb-hub.ts
 *   node --import tsx examples/eventstoredb-hub.ts --esdb 'esdb://127.0.0.1:2113?tls=false' --json
 *
 * Progress goes to stderr; a table (or, with --json, one JSON line) to stdout. Exit code
 * 0 when every site converged, 1 when not, 2 without a usable hub address or prefix, 3
 * when the hub fails (unreachable at the start, say).
 * Without a hub address it says how to get one rather than starting the in-process
 * EventStoreDB test server itself: that server is test code (test/support/esdb), not
 * part of the package; `npm test` runs this example against it
 * (test/examples/eventstoreDbHub.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ChartlogError,
  createHybridClock,
  createKeyring,
  createReplica,
  generateSiteKeys,
  isChartlogError,
  syncWithHub,
  vectorsEqual,
  type Conflict,
  type EventDraft,
  type EventLog,
  type Replica,
  type StreamState,
  type VersionVector,
} from 'chartlog';
import {
  addConsultationNote,
  clinicalSchema,
  patientStream,
  prescribe,
  recordAllergy,
  recordObservation,
  registerPatient,
  startEncounter,
  updateAllergy,
  VITAL_SIGNS,
} from 'chartlog/clinical';
import { createEventStoreDbEventLog } from 'chartlog/eventstoredb';
import { openSqliteEventLog } from 'chartlog/sqlite';

/** Options of {@link runEventStoreDbHub}. */
export interface EventStoreDbHubOptions {
  /** The hub, e.g. `esdb://node1:2113,node2:2113,node3:2113?tls=true`. */
  readonly connectionString: string;
  /** Stream prefix of this run's hub (each run's sites have new keys, so each needs its own). @defaultValue `hub` + the time in base 36 */
  readonly prefix?: string;
  /** Events per push or pull batch. @defaultValue `25` */
  readonly batchSize?: number;
  /** Simulated hours of outage. @defaultValue `4` */
  readonly outageHours?: number;
  /** Takes the hub away and brings it back. @defaultValue each site's link to the hub is cut: its calls fail with `STORE_UNAVAILABLE`, as the driver's do */
  readonly outage?: { readonly begin: () => Promise<void>; readonly end: () => Promise<void> };
  /** Where progress lines go. @defaultValue nowhere */
  readonly onProgress?: (line: string) => void;
}

/** What every site, and the hub, ended with. */
export interface EventStoreDbHubResult {
  /** True when every site holds what the hub holds and shows the same state hash. */
  readonly converged: boolean;
  /** The hub's stream prefix. */
  readonly prefix: string;
  readonly sites: readonly {
    readonly site: string;
    readonly events: number;
    readonly stateHash: string;
    readonly vector: VersionVector;
  }[];
  /** Events the hub holds. */
  readonly hubEvents: number;
  readonly hubVector: VersionVector;
  /** Open conflicts, as the hospital lists them. */
  readonly conflicts: readonly Conflict[];
}

interface Site {
  readonly name: string;
  readonly replica: Replica;
  /** This site's own connection to the hub. */
  readonly hub: EventLog;
  /** Own events the hub held after the site's last successful sync. */
  synced: number;
}

const PENICILLIN = {
  coding: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }],
};
const AMLODIPINE = {
  coding: [{ system: 'https://dmd.nhs.uk', code: '319283006', display: 'Amlodipine 5mg tablets' }],
};

/** Runs the story against the hub at `connectionString`; see the file comment. */
export async function runEventStoreDbHub(options: EventStoreDbHubOptions): Promise<EventStoreDbHubResult> {
  const say = options.onProgress ?? (() => {});
  const prefix = options.prefix ?? `hub${Date.now().toString(36)}`;
  const batch = { maxEvents: options.batchSize ?? 25 };
  const link = { up: true };
  const outage = options.outage ?? {
    begin: async () => void (link.up = false),
    end: async () => void (link.up = true),
  };
  let now = Date.UTC(2024, 6, 19, 8, 0, 0);
  const at = { now: () => new Date(now) }; // clinical commands date their records by the story's clock

  // Each site has its own key pair; the vendor distributes the public keys to every site.
  const names = ['practice-a', 'practice-b', 'hospital'] as const;
  const keys = names.map(() => generateSiteKeys());
  const trusted = Object.fromEntries(names.map((name, i) => [name, keys[i]!.publicKey]));
  const dir = mkdtempSync(join(tmpdir(), 'chartlog-esdb-hub-'));
  const sites = new Map<string, Site>();
  try {
    say(
      `hub: EventStoreDB at ${options.connectionString.replace(/\/\/[^@/]*@/, '//***@')}, streams ${prefix}-*; sites' SQLite files in ${dir}`,
    );
    for (const [i, name] of names.entries()) {
      const store = openSqliteEventLog(join(dir, `${name}.chartlog`));
      const replica = await createReplica({
        site: name,
        keys: keys[i]!,
        keyring: createKeyring(trusted),
        schema: clinicalSchema,
        store,
        clock: createHybridClock({ wallClock: () => now + i * 250 }),
      });
      const hub = behindLink(
        await createEventStoreDbEventLog({ connectionString: options.connectionString, prefix }),
        link,
      );
      sites.set(name, { name, replica, hub, synced: 0 });
    }
    const site = (name: (typeof names)[number]): Site => sites.get(name)!;
    const [a, b, hospital] = [site('practice-a'), site('practice-b'), site('hospital')];
    const author = (s: Site) => ({
      id: `clinician-${s.name}`,
      role: s === hospital ? 'registrar' : 'gp',
      org: s.name,
    });
    const chart = (s: Site, patient: string): StreamState | undefined =>
      s.replica.chart.state(patientStream(patient));
    const record = async (s: Site, drafts: readonly EventDraft[]): Promise<void> => {
      await s.replica.recordAll(drafts);
      now += 5 * 60_000;
    };

    /** One sync with the hub; an unreachable hub is reported and the site carries on. */
    const sync = async (s: Site, indent = '       '): Promise<number> => {
      const own = async () => (await s.replica.versionVector())[s.name] ?? 0;
      try {
        const r = await syncWithHub(s.replica, s.hub, batch);
        s.synced = await own();
        say(
          `${indent}${s.name.padEnd(10)} <-> hub: pushed ${r.pushed}, pulled ${r.pulled} (${r.messages} messages)${r.refused.count ? `, REFUSED ${r.refused.count}` : ''}`,
        );
        return r.pushed + r.pulled;
      } catch (error) {
        if (!isChartlogError(error) || error.code !== 'STORE_UNAVAILABLE') throw error;
        say(
          `${indent}${s.name.padEnd(10)}: hub unreachable (${error.code}); ${(await own()) - s.synced} events waiting locally`,
        );
        return 0;
      }
    };

    say('08:00  a normal morning, hub reachable: each site syncs with it as it works');
    const patients = {
      'practice-a': ['ann-jones', 'raj-patel', 'mia-wong'],
      'practice-b': ['bob-smith', 'eve-adams', 'tom-okafor'],
    } as const;
    for (const s of [a, b]) {
      for (const [i, pid] of patients[s.name as keyof typeof patients].entries()) {
        await record(s, [
          registerPatient(
            undefined,
            {
              patientId: pid,
              name: { family: pid.split('-')[1]!, given: [pid.split('-')[0]!] },
              birthDate: `19${50 + i * 9}-03-1${i}`,
              gender: i % 2 ? 'male' : 'female',
              generalPractitioner: `Organization/${s.name}`,
              author: author(s),
            },
            at,
          ),
        ]);
      }
      await sync(s);
    }
    await record(a, [
      recordAllergy(
        chart(a, 'ann-jones'),
        {
          patientId: 'ann-jones',
          allergyId: 'allergy-ann-penicillin',
          code: PENICILLIN,
          criticality: 'low',
          author: author(a),
        },
        at,
      ),
    ]);
    await record(b, [
      prescribe(
        chart(b, 'bob-smith'),
        {
          patientId: 'bob-smith',
          medicationRequestId: 'rx-bob-amlodipine',
          medication: AMLODIPINE,
          dosage: { text: '5 mg once daily' },
          author: author(b),
        },
        at,
      ),
    ]);
    for (const s of [a, b]) await sync(s);
    // Ann arrives at the hospital: it pulls her record from the hub, then sees her.
    await sync(hospital);
    await record(hospital, [
      startEncounter(
        chart(hospital, 'ann-jones'),
        { patientId: 'ann-jones', encounterId: 'enc-ann-ed', author: author(hospital) },
        at,
      ),
    ]);
    await record(hospital, [
      addConsultationNote(
        chart(hospital, 'ann-jones'),
        {
          patientId: 'ann-jones',
          encounterId: 'enc-ann-ed',
          text: 'Admitted with a rash after amoxicillin; penicillin allergy on the GP record',
          author: author(hospital),
        },
        at,
      ),
    ]);
    for (const s of [hospital, a, b]) await sync(s);

    const hours = options.outageHours ?? 4;
    now = Math.max(now, Date.UTC(2024, 6, 19, 10, 0, 0));
    say(`10:00  OUTAGE: the hub is unreachable for ${hours} hours; every site keeps recording locally`);
    await outage.begin();
    // The same allergy's criticality, changed at two sites that cannot see each other.
    await record(a, [
      updateAllergy(
        chart(a, 'ann-jones'),
        {
          patientId: 'ann-jones',
          allergyId: 'allergy-ann-penicillin',
          criticality: 'high',
          note: 'Hospital phoned: anaphylaxis',
          author: author(a),
        },
        at,
      ),
    ]);
    await record(hospital, [
      updateAllergy(
        chart(hospital, 'ann-jones'),
        {
          patientId: 'ann-jones',
          allergyId: 'allergy-ann-penicillin',
          criticality: 'unable-to-assess',
          note: 'Reaction under investigation',
          author: author(hospital),
        },
        at,
      ),
    ]);
    for (let hour = 0; hour < hours; hour++) {
      for (const s of [a, b]) {
        for (const pid of patients[s.name as keyof typeof patients]) {
          const encounterId = `enc-${pid}-${hour}`;
          await record(s, [
            startEncounter(chart(s, pid), { patientId: pid, encounterId, author: author(s) }, at),
          ]);
          await record(s, [
            recordObservation(
              chart(s, pid),
              {
                patientId: pid,
                code: VITAL_SIGNS.heartRate,
                value: { valueQuantity: { value: 64 + hour * 3, unit: '/min' } },
                author: author(s),
              },
              at,
            ),
            addConsultationNote(
              chart(s, pid),
              {
                patientId: pid,
                encounterId,
                text: `Seen at ${s.name} during the outage, hour ${hour + 1}; recorded locally`,
                author: author(s),
              },
              at,
            ),
          ]);
        }
      }
      await record(hospital, [
        recordObservation(
          chart(hospital, 'ann-jones'),
          {
            patientId: 'ann-jones',
            code: VITAL_SIGNS.oxygenSaturation,
            value: { valueQuantity: { value: 95 + (hour % 3), unit: '%' } },
            author: author(hospital),
          },
          at,
        ),
      ]);
      now = Date.UTC(2024, 6, 19, 11 + hour, 0, 0);
      if (hour === hours - 1) break;
      say(`${String(11 + hour).padStart(2, '0')}:00  still cut off; every site tries the hub:`);
      for (const s of sites.values()) await sync(s);
    }

    say(
      `${String(10 + hours).padStart(2, '0')}:00  the hub is back: the sites sync one by one until nothing moves`,
    );
    await outage.end();
    for (let pass = 1; pass <= 3; pass++) {
      let moved = 0;
      for (const s of sites.values()) moved += await sync(s);
      if (moved === 0) break;
    }

    const hubVector = await a.hub.versionVector();
    const rows: EventStoreDbHubResult['sites'][number][] = [];
    for (const s of sites.values())
      rows.push({
        site: s.name,
        events: await s.replica.store.count(),
        stateHash: s.replica.chart.hash(),
        vector: await s.replica.versionVector(),
      });
    const hubEvents = Object.values(hubVector).reduce((n, seq) => n + seq, 0);
    const converged = rows.every(
      (r) =>
        vectorsEqual(r.vector, hubVector) && r.events === hubEvents && r.stateHash === rows[0]!.stateHash,
    );
    return {
      converged,
      prefix,
      sites: rows,
      hubEvents,
      hubVector,
      conflicts: await hospital.replica.conflicts(),
    };
  } finally {
    for (const s of sites.values()) await Promise.all([s.hub.close(), s.replica.store.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The hub as a site reaches it: while `link.up` is false every call fails as an unreachable node's does. */
function behindLink(hub: EventLog, link: { readonly up: boolean }): EventLog {
  const via = <T>(call: () => Promise<T>): Promise<T> =>
    link.up
      ? call()
      : Promise.reject(
          new ChartlogError(
            'STORE_UNAVAILABLE',
            'the hub is unreachable: the link is down (simulated outage)',
          ),
        );
  return {
    append: (events) => via(() => hub.append(events)),
    readSite: (site, fromSeq, limit) => via(() => hub.readSite(site, fromSeq, limit)),
    readStream: (stream) => via(() => hub.readStream(stream)),
    readAll: (cursor, limit) => via(() => hub.readAll(cursor, limit)),
    get: (site, seq) => via(() => hub.get(site, seq)),
    versionVector: () => via(() => hub.versionVector()),
    head: (site) => via(() => hub.head(site)),
    count: () => via(() => hub.count()),
    close: () => hub.close(),
  };
}

const USAGE = `examples/eventstoredb-hub.ts needs an EventStoreDB/KurrentDB node to use as the hub.
  Start one:  docker run --rm -d -p 2113:2113 kurrentplatform/kurrentdb:latest --insecure
  Then:       CHARTLOG_ESDB_URL='esdb://127.0.0.1:2113?tls=false' node --import tsx examples/eventstoredb-hub.ts
         or:  node --import tsx examples/eventstoredb-hub.ts --esdb 'esdb://127.0.0.1:2113?tls=false' [--json] [--prefix P]
  With no server at hand, \`npx vitest run test/examples/eventstoreDbHub.test.ts\` runs this example
  against the in-process EventStoreDB test server (test/support/esdb).`;

/** The command line: see the file comment. Returns the exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: {
    esdb?: string | undefined;
    prefix?: string | undefined;
    json?: boolean | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        esdb: { type: 'string' },
        prefix: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const connectionString = values.esdb ?? env['CHARTLOG_ESDB_URL'];
  if (values.help || !connectionString) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  let result: EventStoreDbHubResult;
  try {
    result = await runEventStoreDbHub({
      connectionString,
      ...(values.prefix ? { prefix: values.prefix } : {}),
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    const code = isChartlogError(error) ? error.code : undefined;
    process.stderr.write(`error: ${code ? `${code}: ` : ''}${(error as Error).message}\n`);
    if (code === 'STORE_UNAVAILABLE')
      process.stderr.write('Is the hub running at that address? --help shows how to start one.\n');
    return code === 'INVALID_OPTION' ? 2 : code?.startsWith('STORE_') ? 3 : 1;
  }
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  if (values.json) {
    out(
      JSON.stringify({
        converged: result.converged,
        prefix: result.prefix,
        sites: result.sites.map(({ site, events, stateHash }) => ({ site, events, stateHash })),
        hubEvents: result.hubEvents,
        conflicts: result.conflicts,
      }),
    );
    return result.converged ? 0 : 1;
  }
  out('site          events  state hash');
  for (const r of result.sites)
    out(`${r.site.padEnd(12)}  ${String(r.events).padStart(6)}  ${r.stateHash.slice(0, 16)}`);
  out(`hub           ${String(result.hubEvents).padStart(6)}  (EventStoreDB streams ${result.prefix}-*)`);
  out(
    result.converged
      ? '\nconverged: every site holds every event in the hub and shows the same records.'
      : '\nNOT CONVERGED',
  );
  out(`\nopen conflicts for clinician review (${result.conflicts.length}):`);
  for (const c of result.conflicts) {
    out(`  ${c.stream} ${c.resource}.${c.field} (${c.rule}) provisional ${JSON.stringify(c.provisional)}`);
    for (const w of c.writes)
      out(`      ${JSON.stringify(w.value)}  by ${w.author.id} at ${w.site}, ${w.hlc}`);
  }
  return result.converged ? 0 : 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? ''))
  process.exitCode = await main(process.argv.slice(2));
