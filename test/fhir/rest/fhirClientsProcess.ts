/**
 * A real `chartlog serve` child process answering FHIR under `/fhir`, for tests that drive
 * it with FHIR clients nobody here wrote: a SQLite store in a temp dir, a key from
 * `chartlog keygen`, a peers file with `fhirClients`, `--port 0`.
 */
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { useTempDir } from '../../support/tempDir.js';
import { runChartlog, startServe, type ServeProcess } from '../../cli/runChartlog.js';

/** The tokens the served site's peers file lists. */
export const TOKENS = { writer: 'ehr-app-writes-0123456789', reader: 'dashboard-reads-0123456789' } as const;

/** The author the writer's events are recorded under. */
export const WRITER_AUTHOR = { id: 'ehr-app', role: 'system' } as const;

/** A served site: its FHIR base URL (`http://127.0.0.1:<port>/fhir`) and the process. */
export interface FhirServe {
  readonly fhirBase: string;
  readonly serve: ServeProcess;
}

/**
 * Registers a temp dir (call at the top level of a test file) and returns how to start a
 * `chartlog serve` for `site` with a read-write and a read-only FHIR client.
 */
export function useFhirServe(site = 'practice-a'): () => Promise<FhirServe> {
  const file = useTempDir('fhir-clients');
  return async () => {
    expect((await runChartlog(['keygen', '--out', file(`${site}.key`)])).code).toBe(0);
    writeFileSync(
      file('peers.json'),
      JSON.stringify({
        peers: [{ site, publicKeyFile: `${site}.key.pub` }],
        fhirClients: [
          { token: TOKENS.writer, scope: 'read-write', author: WRITER_AUTHOR },
          { token: TOKENS.reader, scope: 'read' },
        ],
      }),
    );
    const serve = await startServe([
      '--store',
      file(`${site}.chartlog`),
      '--site',
      site,
      '--key',
      file(`${site}.key`),
      '--peers',
      file('peers.json'),
    ]);
    return { fhirBase: `${serve.url}/fhir`, serve };
  };
}
