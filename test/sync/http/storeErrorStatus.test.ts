/**
 * A store that cannot take writes right now is the server's temporary trouble: 503 with
 * Retry-After (clients back off and retry), never a 500 that reads as a bug.
 */
import { describe, expect, it } from 'vitest';
import { ChartlogError, type ChartlogErrorCode } from '../../../src/error/chartlogError.js';
import type { HttpSyncReplica } from '../../../src/sync/http/index.js';
import { post, serveReplica, tokenOf, useServers } from './httpHarness.js';

const AUTH = { authorization: `Bearer ${tokenOf('practice-a')}` };

/** A replica whose store fails every ingest with `code`. */
function failingReplica(code: ChartlogErrorCode): HttpSyncReplica {
  return {
    site: 'hospital',
    versionVector: () => Promise.resolve({}),
    receiveSyncMessage: () =>
      Promise.reject(new ChartlogError(code, `append failed on hospital.chartlog: ${code}`)),
    generateSyncMessage: () => Promise.reject(new Error('not reached')),
  } as unknown as HttpSyncReplica;
}

describe('store errors over HTTP', () => {
  const serve = useServers();

  for (const code of ['STORE_FULL', 'STORE_READ_ONLY', 'STORE_LOCKED'] as const) {
    it(`${code} is answered 503 with Retry-After and the code, so clients retry later`, async () => {
      const { url } = await serveReplica(serve, failingReplica(code), ['practice-a']);
      const res = await post(url, '{"protocol":1,"vector":{}}\n', AUTH);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.json).toMatchObject({ error: { code } });
    });
  }
});
