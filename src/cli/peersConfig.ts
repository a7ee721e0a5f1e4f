import { ChartlogError } from '../error/chartlogError.js';
import { checkFhirClients, type FhirClient } from '../fhir/rest/fhirClients.js';
import { checkPeersFile, type PeersFile } from '../sync/http/readPeersFile.js';

/** A peers file as the CLI uses it: {@link PeersFile} with its `fhirClients` checked. */
export interface PeersConfig extends Omit<PeersFile, 'fhirClients'> {
  /**
   * The clients of the FHIR API (`fhirClients`), checked; undefined when the file has no
   * `fhirClients` list, and then `chartlog serve` does not answer FHIR (an empty list: it
   * answers, and refuses every caller).
   */
  readonly fhirClients?: readonly FhirClient[];
}

/**
 * Reads a peers file (`--peers` / `--keys`) with `readPeersFile`'s checks and its
 * `fhirClients` checked by `checkFhirClients`, reporting every problem of the file in one error.
 * @throws ChartlogError `INVALID_OPTION` with `issues` pointing at the offending fields.
 */
export function readPeersConfig(path: string): PeersConfig {
  const { file, fhirClients, issues } = checkPeersFile(path);
  const fhir = fhirClients !== undefined ? checkFhirClients(fhirClients, ['fhirClients']) : undefined;
  issues.push(...(fhir?.issues ?? []));
  if (file === undefined || issues.length > 0)
    throw new ChartlogError('INVALID_OPTION', `peers file ${path} is not valid`, {
      issues,
      details: { path },
    });
  return {
    path: file.path,
    peers: file.peers,
    tokens: file.tokens,
    ...(fhir !== undefined ? { fhirClients: fhir.clients } : {}),
    keyring: file.keyring,
    keys: file.keys,
  };
}

/**
 * The peers a recovering site must hear from again before it records (`recoveryPeers`): the
 * ones it talks to (a `token`: they call it; a `url`: it calls them), not entries that only
 * lend a public key. `serve` and `recover` take them from here, so what `recover` says a
 * site waits for is what `serve` waits for.
 */
export function recoveryPeersOf(peers: PeersConfig, site: string): string[] {
  return peers.peers
    .filter((p) => p.site !== site && (p.token !== undefined || p.url !== undefined))
    .map((p) => p.site);
}
