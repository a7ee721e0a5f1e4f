import type { KeyObject } from 'node:crypto';
import { ChartlogError } from '../error/chartlogError.js';
import type { SiteId } from '../event/ids.js';
import { verifyEventSignature } from '../event/signature.js';
import type { EventLog } from '../store/eventLog.js';

/**
 * How many of the site's latest events to look through for a signed one: twice the writer's
 * default signing interval (`signEvery`, 256), so a store written with the defaults always
 * shows one when it holds that many.
 */
const LOOK_BACK = 512;

/**
 * Refuses a key that is not the site's own, before anything is recorded with it: the site's
 * latest signed event in the store must verify with `publicKey`. Events signed with another
 * key would be refused by every peer (a bad signature), stranding the site's chain. A store
 * with none of the site's events, or none signed among its latest, says nothing either way.
 *
 * @throws ChartlogError `INVALID_OPTION` (`details`: `site`, `option: 'keys'`) when the site's
 * latest signed event does not verify with `publicKey`.
 */
export async function checkOwnKey(store: EventLog, site: SiteId, publicKey: KeyObject): Promise<void> {
  const head = await store.head(site);
  if (head.seq === 0) return;
  const from = Math.max(1, head.seq - LOOK_BACK + 1);
  const latest = await store.readSite(site, from, head.seq - from + 1);
  const signed = latest.findLast((event) => event.sig !== undefined);
  if (signed === undefined || verifyEventSignature(signed, publicKey)) return;
  throw new ChartlogError(
    'INVALID_OPTION',
    `the key given is not ${site}'s key: ${site}'s event seq ${signed.seq} in the store is signed ` +
      `with another. Give ${site}'s own key pair (the one chartlog keygen wrote for it): events ` +
      'signed with this one would be refused by every peer',
    { details: { site, option: 'keys' } },
  );
}
