import { jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';
import type { SiteId } from '../../event/ids.js';
import { isSiteId } from '../../event/ids.js';
import { uuidFromSha256 } from '../../event/uuidFromSha256.js';
import { tailStream } from './readEvents.js';
import type { StreamNames } from './streamNames.js';
import { translateEventStoreDbError } from './translateEventStoreDbError.js';

/** The sites a store holds events of, from the `<prefix>-sites` stream. */
export interface SiteRegistry {
  /** Catches up with registrations made by any process. */
  refresh(): Promise<void>;
  /** Sites registered so far (as of the last refresh or register). */
  list(): SiteId[];
  /**
   * Registers sites before their first event is written, so a site stream never exists
   * without its registration (a crash in between leaves a registered site with no
   * events: head 0, harmless).
   */
  register(sites: readonly SiteId[]): Promise<void>;
}

/** The {@link SiteRegistry} of a store. */
export function createSiteRegistry(client: EventStoreDBClient, names: StreamNames): SiteRegistry {
  const known = new Set<SiteId>();
  const tail = tailStream(client, names.sites, 'reading the site registry', (e) => {
    const site = (e.event?.data as { site?: unknown } | undefined)?.site;
    if (isSiteId(site)) known.add(site);
  });
  return {
    refresh: () => tail.refresh(),
    list: () => [...known],
    async register(sites) {
      const fresh = sites.filter((s) => !known.has(s));
      if (fresh.length === 0) return;
      // Ids derive from the site, so a retried registration is recognised by the server.
      const events = fresh.map((site) =>
        jsonEvent({
          id: uuidFromSha256(`site|${names.prefix}|${site}`),
          type: 'chartlog.site-registered',
          data: { site },
        }),
      );
      try {
        await client.appendToStream(names.sites, events);
      } catch (error) {
        throw translateEventStoreDbError(error, 'registering sites', names.sites);
      }
      for (const s of fresh) known.add(s);
    },
  };
}
