/**
 * Three sites as three real `chartlog serve` processes on 127.0.0.1, each with its own
 * SQLite file and key. Every site records synthetic clinical events about the same demo
 * patients (`--demo-activity`) and syncs with the other two over HTTP every few hundred
 * ms (`--sync-every`, peer URLs in its peers file). Mid-run, while it is recording,
 * practice-b is killed with SIGKILL — no shutdown, no flush — and restarted on the same
 * SQLite file and port; meanwhile the others log it as down and keep going. Each site
 * stops after `--events` events of its own; the script waits until all three report the
 * same version vector and state hash on GET /chartlog/status, stops them with SIGTERM,
 * and checks in every store that each event a site acknowledged (printed as durable)
 * is there — including practice-b's from before the kill.
 *
 *   node --import tsx examples/http-replicas.ts              progress on stderr, a table at the end
 *   node --import tsx examples/http-replicas.ts --json       one final JSON line on stdout
 *   node --import tsx examples/http-replicas.ts --events 300 --rate 50
 *
 * Options: --events N (own events per site, default 60), --rate R (events per second per
 * site, default 20), --sync-every MS (default 250), --timeout S (default 120), --dir DIR
 * (keep keys, peers files and stores there instead of a temporary directory).
 * Exit 0 when the sites converged and nothing acknowledged was lost, 1 otherwise, 2 for a
 * bad option. Children are killed however the script ends.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { siteId } from 'chartlog';
import { createHttpSyncClient, type HttpSyncStatus } from 'chartlog/http';
import { openSqliteEventLog } from 'chartlog/sqlite';

const SITES = ['practice-a', 'practice-b', 'hospital-d'] as const;
type Site = (typeof SITES)[number];
const VICTIM: Site = 'practice-b';

/** The result line printed with `--json` (and the data behind the table). */
export interface HttpReplicasResult {
  /** Every site ended with the same version vector and state hash, and nothing acknowledged is missing. */
  readonly converged: boolean;
  /** One row per site, as its GET /chartlog/status and its store showed at the end. */
  readonly sites: readonly {
    readonly site: string;
    readonly events: number;
    readonly stateHash: string;
    readonly vector: Readonly<Record<string, number>>;
  }[];
  /** The site killed with SIGKILL while it was recording. */
  readonly killed: string;
  /** It was restarted on the same SQLite file and port. */
  readonly restarted: boolean;
  /** Events the killed site acknowledged before the kill and after the restart; acknowledged events (any site) missing from any store. */
  readonly acknowledged: {
    readonly beforeKill: number;
    readonly afterRestart: number;
    readonly lost: number;
    readonly lastBeforeKill: Ack | null;
    readonly lastAfterRestart: Ack | null;
  };
  /** Every serve exited 0 on SIGTERM. */
  readonly cleanShutdown: boolean;
  readonly seconds: number;
  /** Where the files are (only with --dir; otherwise they were removed). */
  readonly dir?: string;
}

/** An event a serve printed as recorded: it was durable in its store by then. */
interface Ack {
  readonly seq: number;
  readonly id: string;
}

/** One running `chartlog serve`. */
interface Serve {
  readonly site: Site;
  readonly child: ChildProcess;
  readonly url: string;
  readonly acks: Ack[];
  /** Resolves as soon as the line of its `n`th acknowledged event has been read. */
  acked(n: number): Promise<void>;
  /** Resolves once the process has exited and its output has been read to the end. */
  readonly closed: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'src/cli/main.ts');
const live = new Set<ChildProcess>();
let temporary: string | undefined;
/** Kills every serve still running and removes the temporary directory (not a --dir). */
function cleanUp(): void {
  for (const child of live) child.kill('SIGKILL');
  if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
  temporary = undefined;
}
const say = (line: string): void => void process.stderr.write(`${line}\n`);

/** Runs the `chartlog` CLI from source (no build needed), as `node --import tsx src/cli/main.ts …`. */
function chartlog(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      { cwd: root, encoding: 'utf8' },
      (error, stdout, stderr) =>
        done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

/** Starts `chartlog serve … --json` and resolves once it prints its listening line. */
function startServe(site: Site, args: readonly string[]): Promise<Serve> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', ...args, '--json'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const acks: Ack[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const acked = (n: number): Promise<void> =>
    acks.length >= n ? Promise.resolve() : new Promise((resolve) => void waiters.push({ n, resolve }));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('close', (code, signal) => (live.delete(child), done({ code, signal }))),
  );
  return new Promise((started, failed) => {
    let buffered = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim() !== '') say(`  [${site}] ${line}`);
    });
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      buffered += text;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const raw = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let line: { listening?: true; url?: string; recorded?: true; seq?: number; id?: string };
        try {
          line = JSON.parse(raw) as typeof line;
        } catch {
          say(`  [${site}] ${raw}`);
          continue;
        }
        if (line.listening === true) started({ site, child, url: line.url as string, acks, acked, closed });
        if (line.recorded === true) {
          acks.push({ seq: line.seq as number, id: line.id as string });
          for (const w of waiters.filter((x) => acks.length >= x.n)) w.resolve();
        }
      }
    });
    void closed.then(({ code, signal }) =>
      failed(new Error(`chartlog serve for ${site} exited (${signal ?? code}) before it was listening`)),
    );
  });
}

/** Free TCP ports on 127.0.0.1, so every peers file can name every site's URL before any starts. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((ok, fail) => {
          const s = createServer().once('error', fail);
          s.listen(0, '127.0.0.1', () => ok(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((closed) => s.close(closed))));
  return ports;
}

/** `promise`, or an error naming `what` if it has not settled by `deadline`. */
async function beforeDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}`)),
        Math.max(0, deadline - Date.now()),
      )),
  );
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

const sameVector = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
const formatVector = (v: Readonly<Record<string, number>>): string =>
  SITES.map((s) => `${s}:${v[s] ?? 0}`).join(' ');

async function run(options: {
  events: number;
  rate: number;
  syncEvery: number;
  timeoutS: number;
  dir: string | undefined;
}): Promise<HttpReplicasResult> {
  const started = Date.now();
  const deadline = started + options.timeoutS * 1000;
  const dir = options.dir ?? (temporary = mkdtempSync(join(tmpdir(), 'chartlog-http-replicas-')));
  mkdirSync(dir, { recursive: true });
  const file = (name: string): string => join(dir, name);
  try {
    say(`keys, peers files and stores in ${dir}`);
    const keygens = await Promise.all(
      SITES.map((site) => chartlog(['keygen', '--out', file(`${site}.key`), '--json'])),
    );
    for (const [i, k] of keygens.entries())
      if (k.code !== 0) throw new Error(`chartlog keygen for ${SITES[i]} failed: ${k.stderr.trim()}`);

    // Every ordered pair gets its own token: the caller's "ourToken" is the callee's "token" for it.
    const ports = await freePorts(SITES.length);
    const urlOf = (site: Site): string => `http://127.0.0.1:${ports[SITES.indexOf(site)]}`;
    const tokens = new Map(
      SITES.flatMap((from) => SITES.map((to) => [`${from}>${to}`, randomBytes(16).toString('hex')] as const)),
    );
    const token = (from: Site, to: Site): string => tokens.get(`${from}>${to}`) as string;
    for (const site of SITES) {
      const peers = SITES.filter((p) => p !== site).map((p) => ({
        site: p,
        publicKeyFile: `${p}.key.pub`,
        token: token(p, site),
        url: urlOf(p),
        ourToken: token(site, p),
      }));
      writeFileSync(file(`${site}.peers.json`), `${JSON.stringify({ peers }, null, 2)}\n`);
    }
    const serveArgs = (site: Site): string[] => [
      '--store',
      file(`${site}.chartlog`),
      '--site',
      site,
      '--key',
      file(`${site}.key`),
      '--peers',
      file(`${site}.peers.json`),
      '--port',
      String(ports[SITES.indexOf(site)]),
      '--sync-every',
      String(options.syncEvery),
      '--demo-activity',
      String(options.rate),
      '--demo-events',
      String(options.events),
      '--demo-patients',
      '8',
    ];

    say(
      `starting ${SITES.join(', ')}: each records ${options.events} events at ${options.rate}/s and syncs every ${options.syncEvery} ms`,
    );
    const serves = new Map<Site, Serve>();
    for (const s of await beforeDeadline(
      Promise.all(SITES.map((site) => startServe(site, serveArgs(site)))),
      deadline,
      'the sites to listen',
    )) {
      serves.set(s.site, s);
      say(`${s.site} listening on ${s.url}`);
    }

    // Kill the victim a third of the way through its own events: mid-recording, mid-sync.
    const victim = serves.get(VICTIM) as Serve;
    const killAt = Math.max(1, Math.floor(options.events / 3));
    await beforeDeadline(victim.acked(killAt), deadline, `${VICTIM} to record ${killAt} events`);
    victim.child.kill('SIGKILL');
    await victim.closed; // every line it printed before dying has been read
    const beforeKill = [...victim.acks];
    if (beforeKill.length >= options.events)
      throw new Error(
        `${VICTIM} finished recording before it could be killed mid-run: lower --rate or raise --events`,
      );
    say(
      `KILLED ${VICTIM} with SIGKILL after it acknowledged ${beforeKill.length} of its ${options.events} events`,
    );

    // Down for a few sync rounds: the others log it as unreachable and keep recording.
    await new Promise((r) => setTimeout(r, Math.max(500, 4 * options.syncEvery)));
    const restarted = await beforeDeadline(
      startServe(VICTIM, serveArgs(VICTIM)),
      deadline,
      `${VICTIM} to restart`,
    );
    serves.set(VICTIM, restarted);
    say(`restarted ${VICTIM} on the same SQLite file and ${restarted.url}`);

    // Converged: every site holds every site's events and shows the same state hash.
    const clients = SITES.map((site) => {
      const caller = SITES[(SITES.indexOf(site) + 1) % SITES.length] as Site;
      return createHttpSyncClient({
        url: urlOf(site),
        token: token(caller, site),
        retries: 0,
        timeoutMs: 5000,
      });
    });
    let statuses: (HttpSyncStatus | undefined)[] = [];
    let last = '';
    const isConverged = (): boolean => {
      const [first] = statuses;
      if (first === undefined || statuses.some((s) => s === undefined)) return false;
      if (!SITES.every((s) => first.vector[s] === options.events)) return false;
      return statuses.every(
        (s) =>
          s !== undefined &&
          sameVector(s.vector, first.vector) &&
          s.stateHash !== undefined &&
          s.stateHash === first.stateHash,
      );
    };
    for (;;) {
      statuses = await Promise.all(clients.map((c) => c.status().catch(() => undefined)));
      const line = statuses
        .map(
          (s, i) =>
            `${SITES[i]} [${s === undefined ? 'unreachable' : `${formatVector(s.vector)} ${s.stateHash?.slice(0, 8) ?? '?'}`}]`,
        )
        .join('  ');
      if (line !== last) say(`status  ${line}`);
      last = line;
      if (isConverged()) break;
      if (Date.now() > deadline)
        throw new Error(`not converged within ${options.timeoutS} s; last status: ${line}`);
      await new Promise((r) => setTimeout(r, Math.max(100, options.syncEvery / 2)));
    }
    say(`converged: every site reports the same version vector and state hash`);

    say('stopping every site with SIGTERM');
    const exits = await beforeDeadline(
      Promise.all([...serves.values()].map((s) => (s.child.kill('SIGTERM'), s.closed))),
      Math.max(deadline, Date.now() + 10_000),
      'the sites to stop',
    );
    const cleanShutdown = exits.every((e) => e.code === 0);

    // Nothing acknowledged lost: every event any site printed as recorded is in every store.
    const acked = [...serves.values()]
      .flatMap((s) => s.acks.map((a) => ({ site: s.site, ...a })))
      .concat(beforeKill.map((a) => ({ site: VICTIM, ...a })));
    let lost = 0;
    const rows = [];
    for (const [i, site] of SITES.entries()) {
      const store = openSqliteEventLog(file(`${site}.chartlog`), { readOnly: true });
      try {
        for (const a of acked) if ((await store.get(siteId(a.site), a.seq))?.id !== a.id) lost++;
        const status = statuses[i] as HttpSyncStatus;
        rows.push({
          site,
          events: await store.count(),
          stateHash: status.stateHash as string,
          vector: status.vector,
        });
      } finally {
        await store.close();
      }
    }
    const afterRestart = restarted.acks;
    return {
      converged: lost === 0,
      sites: rows,
      killed: VICTIM,
      restarted: true,
      acknowledged: {
        beforeKill: beforeKill.length,
        afterRestart: afterRestart.length,
        lost,
        lastBeforeKill: beforeKill.at(-1) ?? null,
        lastAfterRestart: afterRestart.at(-1) ?? null,
      },
      cleanShutdown,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      ...(options.dir !== undefined ? { dir: resolve(options.dir) } : {}),
    };
  } finally {
    cleanUp();
  }
}

/** Parses the command line; a bad option is reported and exits 2. */
function readOptions(argv: readonly string[]): {
  json: boolean;
  events: number;
  rate: number;
  syncEvery: number;
  timeoutS: number;
  dir: string | undefined;
} {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      json: { type: 'boolean' },
      events: { type: 'string' },
      rate: { type: 'string' },
      'sync-every': { type: 'string' },
      timeout: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const number = (
    name: string,
    raw: string | undefined,
    fallback: number,
    min: number,
    max: number,
  ): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || !(n >= min && n <= max))
      throw new Error(`--${name} takes a number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
    return n;
  };
  if (values.dir !== undefined && existsSync(values.dir) && readdirSync(values.dir).length > 0)
    throw new Error(`--dir ${values.dir} is not empty: give a new or empty directory`);
  const events = number('events', values.events, 60, 3, 100_000);
  if (!Number.isInteger(events)) throw new Error('--events takes a whole number');
  return {
    json: values.json === true,
    events,
    rate: number('rate', values.rate, 20, 0.1, 1000),
    syncEvery: number('sync-every', values['sync-every'], 250, 10, 60_000),
    timeoutS: number('timeout', values.timeout, 120, 1, 3600),
    dir: values.dir,
  };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof readOptions>;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    say(
      `http-replicas: ${(error as Error).message} (options: --json --events N --rate R --sync-every MS --timeout S --dir DIR)`,
    );
    return 2;
  }
  // However the script ends, no serve outlives it.
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  let result: HttpReplicasResult;
  try {
    result = await run(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    say(`http-replicas: FAILED: ${message}`);
    if (options.json) process.stdout.write(`${JSON.stringify({ converged: false, error: message })}\n`);
    return 1;
  }
  const ok = result.converged && result.cleanShutdown;
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const a = result.acknowledged;
    console.log('\nsite          events  state hash        version vector');
    for (const r of result.sites)
      console.log(
        `${r.site.padEnd(12)}  ${String(r.events).padStart(6)}  ${r.stateHash.slice(0, 16)}  ${formatVector(r.vector)}`,
      );
    console.log(
      `\n${result.killed} was killed with SIGKILL after acknowledging ${a.beforeKill} events, restarted on the same file, and acknowledged ${a.afterRestart} more.`,
    );
    console.log(
      a.lost === 0
        ? 'Nothing acknowledged was lost: every acknowledged event is in every store.'
        : `LOST: ${a.lost} acknowledged events are missing from a store.`,
    );
    console.log(
      ok ? `Converged in ${result.seconds} s: every site shows the same records.` : 'NOT CONVERGED',
    );
    if (result.dir !== undefined)
      console.log(
        `\nThe files are in ${result.dir}: try chartlog status, conflicts or verify --store ${join(result.dir, 'practice-a.chartlog')}`,
      );
  }
  return ok ? 0 : 1;
}

process.exitCode = await main();
