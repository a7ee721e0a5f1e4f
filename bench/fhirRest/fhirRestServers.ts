/**
 * The servers the fhir-rest benchmark measures, each started as a child process on
 * 127.0.0.1 with a free port and stopped afterwards:
 * - `chartlog serve` on a store copy, with a peers file whose `fhirClients` holds one
 *   read-write client (the token the benchmark uses);
 * - the comparison: Medplum's FHIR router over its in-memory repository
 *   (medplumRouterServer.ts), loaded from an NDJSON export of the same store.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { progress } from '../emit.js';
import { startChildServer, type ChildServer } from './startChildServer.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The version of `@medplum/fhir-router` the comparison runs: the `@medplum/core` chartlog's FHIR layer uses. */
export const MEDPLUM_ROUTER_VERSION = '4.5.2';

/** A started server with its FHIR base. */
export interface FhirServer extends ChildServer {
  /** E.g. `http://127.0.0.1:40123/fhir`. */
  readonly fhirBase: string;
}

const listeningUrl = (line: string): string | undefined => {
  try {
    const json = JSON.parse(line) as { listening?: unknown; url?: unknown };
    return json.listening === true && typeof json.url === 'string' ? json.url : undefined;
  } catch {
    return undefined;
  }
};

/** Options of {@link startChartlogServe}. */
export interface ChartlogServeOptions {
  /** The store file (a copy: serve writes to it). */
  readonly store: string;
  /** This site's id; its key is `<keyDir>/<site>.key`. */
  readonly site: string;
  /** Every site of the store, whose `<keyDir>/<site>.key.pub` the peers file lists. */
  readonly sites: readonly string[];
  readonly keyDir: string;
  /** Where the peers file is written. */
  readonly dir: string;
  /** The FHIR client's bearer token (16+ characters). */
  readonly token: string;
}

/** Starts `chartlog serve` (from source, through tsx, as the other benchmarks run the CLI). */
export async function startChartlogServe(o: ChartlogServeOptions): Promise<FhirServer> {
  mkdirSync(o.dir, { recursive: true });
  const peers = join(o.dir, 'peers.json');
  writeFileSync(
    peers,
    JSON.stringify({
      peers: o.sites.map((site) => ({ site, publicKeyFile: join(o.keyDir, `${site}.key.pub`) })),
      fhirClients: [{ token: o.token, scope: 'read-write', author: { id: 'bench-app', role: 'clinician' } }],
    }),
  );
  const args = [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'serve',
    '--store',
    o.store,
    '--site',
    o.site,
    '--key',
    join(o.keyDir, `${o.site}.key`),
    '--peers',
    peers,
    '--port',
    '0',
    '--json',
  ];
  const server = await startChildServer('chartlog serve', args, root, listeningUrl, 600_000);
  return { ...server, fhirBase: `${server.url}/fhir` };
}

/** Installs `@medplum/fhir-router` into `dir` (its own node_modules, not the project's) unless it is there. */
export function installMedplumRouter(dir: string): void {
  if (existsSync(join(dir, 'node_modules', '@medplum', 'fhir-router', 'package.json'))) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ private: true, description: 'the fhir-rest benchmark comparison server' }),
  );
  progress(`fhir-rest: npm install @medplum/fhir-router@${MEDPLUM_ROUTER_VERSION} into ${dir}`);
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-save', `@medplum/fhir-router@${MEDPLUM_ROUTER_VERSION}`],
    { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

/** Options of {@link startMedplumRouter}. */
export interface MedplumRouterOptions {
  /** Where `@medplum/fhir-router` is (installed there if missing). */
  readonly medplumDir: string;
  /** The NDJSON to load. */
  readonly ndjson: string;
  /** A JSON file listing the patient ids to load; undefined: all. */
  readonly patientsFile?: string;
  readonly token: string;
}

/** Starts the comparison server and waits until it has loaded the NDJSON and listens. */
export async function startMedplumRouter(
  o: MedplumRouterOptions,
): Promise<FhirServer & { readonly resources: number }> {
  installMedplumRouter(o.medplumDir);
  let resources = 0;
  const args = [
    '--import',
    'tsx',
    'bench/fhirRest/medplumRouterServer.ts',
    '--medplum',
    o.medplumDir,
    '--ndjson',
    o.ndjson,
    '--token',
    o.token,
    '--port',
    '0',
    ...(o.patientsFile !== undefined ? ['--patients', o.patientsFile] : []),
  ];
  const server = await startChildServer(
    'medplum router',
    args,
    root,
    (line) => {
      const url = listeningUrl(line);
      if (url !== undefined) resources = (JSON.parse(line) as { resources: number }).resources;
      return url;
    },
    3_600_000,
  );
  return { ...server, fhirBase: `${server.url}/fhir`, resources };
}
