import type { HttpSyncClient } from '../sync/http/index.js';
import type { PeersConfig } from './peersConfig.js';

/**
 * The sites `chartlog sync` talks to, for `recoveryPeers`: the peers-file entry whose
 * `url` is the `--peer`, else (with `ask`, for a store recovering at open) the site the
 * peer's status names. A peer not asked, or that cannot be asked, is named by its URL: no
 * connection is ever named so, which keeps a store that is (or becomes) recovering in
 * this run recovering, as it must be while a peer was not heard from by name; the next
 * run starts recovering and asks.
 */
export async function syncPeerSites(
  clients: readonly HttpSyncClient[],
  urls: readonly string[],
  peers: PeersConfig,
  ask: boolean,
): Promise<string[]> {
  const sites: string[] = [];
  for (const [i, client] of clients.entries()) {
    const url = urls[i] as string;
    const listed = peers.peers.find(
      (p) => p.url !== undefined && p.url.replace(/\/+$/, '') === url.replace(/\/+$/, ''),
    )?.site;
    if (listed !== undefined || !ask) {
      sites.push(listed ?? url);
      continue;
    }
    try {
      sites.push((await client.status()).site);
    } catch {
      sites.push(url); // the sync itself reports the failure
    }
  }
  return sites;
}
