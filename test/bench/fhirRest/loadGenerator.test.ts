import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../../bench/fhirRest/loadGenerator.js';
import {
  measurePatientSearch,
  measureReads,
  measureWrites,
} from '../../../bench/fhirRest/measureFhirRest.js';

/** A stand-in server on 127.0.0.1 that records what it saw. */
interface StandIn {
  readonly base: string;
  readonly seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  /** Sockets opened by clients. */
  connections: number;
  /** Most requests in flight at once. */
  maxInFlight: number;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((done) => {
          s.close(() => done());
          s.closeAllConnections();
        }),
    ),
  );
});

async function standIn(
  answer: (
    req: { method: string; url: string; headers: IncomingMessage['headers']; body: string },
    res: ServerResponse,
  ) => void,
): Promise<StandIn> {
  const state: StandIn = { base: '', seen: [], connections: 0, maxInFlight: 0 };
  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.seen.push(seen);
      // Answer on a later turn, so concurrent requests really overlap.
      setImmediate(() => {
        inFlight--;
        answer(seen, res);
      });
    });
  });
  server.on('connection', () => state.connections++);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return Object.assign(state, { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir` });
}

const json = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
  res.end(JSON.stringify(body));
};

describe('the fhir-rest load generator', () => {
  it('sends the warm-up untimed, then exactly the measured requests, never more in flight or more connections than its concurrency', async () => {
    const server = await standIn((_req, res) => json(res, 200, { resourceType: 'Patient' }));
    const result = await runLoad({
      baseUrl: server.base,
      concurrency: 4,
      warmupRequests: 20,
      requests: 200,
      headers: { authorization: 'Bearer t' },
      next: (i) => ({ method: 'GET', path: `/Patient/p${i}` }),
    });
    expect(server.seen).toHaveLength(220);
    expect(result.ok).toBe(200);
    expect(result.latenciesMs).toHaveLength(200);
    expect(result.failed).toBe(0);
    expect(result.statuses).toEqual({ '200': 200 });
    expect(result.perSecond).toBeGreaterThan(0);
    expect(server.maxInFlight).toBeLessThanOrEqual(4);
    expect(server.maxInFlight).toBeGreaterThan(1);
    // Keep-alive: the workers reuse their connections instead of opening one per request.
    expect(server.connections).toBeLessThanOrEqual(4);
    expect(new Set(server.seen.map((s) => s.url)).size).toBe(220);
    expect(server.seen.every((s) => s.headers.authorization === 'Bearer t')).toBe(true);
  });

  it('counts refused statuses as failures, by status, and keeps the first one to report', async () => {
    const server = await standIn((req, res) =>
      req.url.endsWith('3')
        ? json(res, 412, { resourceType: 'OperationOutcome', issue: [{ code: 'conflict' }] })
        : json(res, 200, {}),
    );
    const result = await runLoad({
      baseUrl: server.base,
      concurrency: 2,
      requests: 20,
      next: (i) => ({ method: 'GET', path: `/Patient/p${i}` }),
    });
    expect(result.ok).toBe(18);
    expect(result.failed).toBe(2);
    expect(result.statuses).toEqual({ '200': 18, '412': 2 });
    expect(result.firstFailure).toContain('412');
    expect(result.firstFailure).toContain('conflict');
  });

  it('stops when the requests run out, and reports a server that cannot be reached as failures, not a crash', async () => {
    const server = await standIn((_req, res) => json(res, 200, {}));
    const short = await runLoad({
      baseUrl: server.base,
      concurrency: 3,
      requests: 100,
      next: (i) => (i < 7 ? { method: 'GET', path: `/Patient/p${i}` } : undefined),
    });
    expect(short.ok).toBe(7);
    const unreachable = await runLoad({
      baseUrl: 'http://127.0.0.1:1/fhir',
      concurrency: 2,
      requests: 4,
      next: () => ({ method: 'GET', path: '/Patient/x' }),
    });
    expect(unreachable.ok).toBe(0);
    expect(unreachable.failed).toBe(4);
    expect(unreachable.statuses).toEqual({ error: 4 });
    expect(unreachable.firstFailure).toBeDefined();
  });

  it('starts no measured or warm-up request once its time is up', async () => {
    const server = await standIn((_req, res) => json(res, 200, {}));
    const result = await runLoad({
      baseUrl: server.base,
      concurrency: 2,
      warmupRequests: 5,
      warmupMaxMs: 60_000,
      requests: 100,
      maxMs: 0,
      next: (i) => ({ method: 'GET', path: `/Patient/p${i}` }),
    });
    expect(server.seen).toHaveLength(5);
    expect(result.ok).toBe(0);
    // A slow server's warm-up is bounded too (by default by maxMs).
    const warm = await runLoad({
      baseUrl: server.base,
      concurrency: 2,
      warmupRequests: 1000,
      warmupMaxMs: 0,
      requests: 3,
      next: (i) => ({ method: 'GET', path: `/Patient/q${i}` }),
    });
    expect(warm.ok).toBe(3);
    expect(server.seen.filter((s) => s.url.startsWith('/fhir/Patient/q'))).toHaveLength(3);
  });
});

describe('the fhir-rest measurements against a stand-in FHIR server', () => {
  const sample = {
    patients: ['p0', 'p1'],
    resources: ['Patient/p0', 'Observation/o1'],
    observations: ['Observation/o1', 'Observation/o2', 'Observation/o3', 'Observation/o4'],
  };
  const sizes = { concurrency: 2, warmup: 1, reads: 10, searches: 4, writes: 3, maxS: 60 };

  it('reads and searches with the bearer token, and counts a search only when it is a searchset Bundle', async () => {
    const server = await standIn((req, res) =>
      req.url.startsWith('/fhir/Observation?')
        ? json(res, 200, { resourceType: 'Bundle', type: 'searchset', entry: [{}, {}] })
        : json(res, 200, { resourceType: 'Patient', id: 'p0' }),
    );
    const reads = await measureReads({ baseUrl: server.base, token: 'tok' }, sample, sizes);
    expect(reads).toMatchObject({ metric: 'read', requests: 10, failed: 0 });
    expect(reads.p99Ms).not.toBeNull();
    const search = await measurePatientSearch({ baseUrl: server.base, token: 'tok' }, sample, sizes);
    expect(search).toMatchObject({ metric: 'search_patient', requests: 4, failed: 0, meanEntries: 2 });
    const searches = server.seen.filter((s) => s.url.startsWith('/fhir/Observation?'));
    expect(searches.every((s) => /^\/fhir\/Observation\?patient=Patient\/p[01]&_count=50$/.test(s.url))).toBe(
      true,
    );
    expect(server.seen.every((s) => s.headers.authorization === 'Bearer tok')).toBe(true);
  });

  it('writes each Observation once with If-Match set to the ETag it just read, and a new note', async () => {
    const versions = new Map<string, number>();
    const server = await standIn((req, res) => {
      const id = req.url.slice('/fhir/'.length);
      const v = versions.get(id) ?? 1;
      if (req.method === 'GET')
        return json(
          res,
          200,
          {
            resourceType: 'Observation',
            id: id.split('/')[1],
            status: 'final',
            meta: { versionId: String(v) },
          },
          { etag: `W/"${v}"` },
        );
      if (req.headers['if-match'] !== `W/"${v}"`) return json(res, 412, { resourceType: 'OperationOutcome' });
      versions.set(id, v + 1);
      return json(res, 200, JSON.parse(req.body) as unknown, { etag: `W/"${v + 1}"` });
    });
    const writes = await measureWrites({ baseUrl: server.base, token: 'tok' }, sample, sizes, 'run-1');
    expect(writes).toMatchObject({ metric: 'put_if_match', requests: 3, failed: 0 });
    const puts = server.seen.filter((s) => s.method === 'PUT');
    // One warm-up write and three measured, each on a different Observation.
    expect(puts).toHaveLength(4);
    expect(new Set(puts.map((p) => p.url)).size).toBe(4);
    for (const p of puts) {
      expect(p.headers['content-type']).toBe('application/fhir+json');
      const body = JSON.parse(p.body) as { status: string; note: { text: string }[] };
      expect(body.status).toBe('final');
      expect(body.note[0]?.text).toMatch(/^fhir-rest bench run-1 write \d+$/);
    }
  });

  it('says why when the resources to write come back without an ETag', async () => {
    const server = await standIn((_req, res) => json(res, 200, { resourceType: 'Observation' }));
    const writes = await measureWrites({ baseUrl: server.base, token: 'tok' }, sample, sizes, 'run-2');
    expect(writes.perSecond).toBeNull();
    expect(writes.firstFailure).toContain('no ETag');
    expect(server.seen.some((s) => s.method === 'PUT')).toBe(false);
  });
});
