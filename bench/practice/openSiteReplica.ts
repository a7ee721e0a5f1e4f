/**
 * Opening one site's replica of the practice, as the practice worker and the catch-up's
 * site processes both do: that site's key, a keyring of every site's public key, the
 * clinical schema, a hybrid clock on a wall clock the caller may drive.
 */
import { readFileSync } from 'node:fs';
import { createHybridClock, createKeyring, createReplica, type EventLog, type Replica } from 'chartlog';
import { clinicalSchema } from 'chartlog/clinical';
import { readSiteKeyFile } from 'chartlog/http';

/** What {@link openSiteReplica} needs. */
export interface SiteReplicaOptions {
  readonly site: string;
  /** The site's store (already open). */
  readonly store: EventLog;
  /** Private key file per site; each has its public key beside it (`<file>.pub`). */
  readonly keyFiles: Readonly<Record<string, string>>;
  readonly wallClock?: () => number;
  /** The replica's `cacheBytes`; its default when absent. */
  readonly cacheBytes?: number | undefined;
}

/** Opens `site`'s replica on `store` with every site's public key trusted. */
export async function openSiteReplica(options: SiteReplicaOptions): Promise<Replica> {
  const publicKeys = Object.fromEntries(
    Object.entries(options.keyFiles).map(([s, f]) => [s, readFileSync(`${f}.pub`, 'utf8')]),
  );
  return createReplica({
    site: options.site,
    keys: readSiteKeyFile(options.keyFiles[options.site] as string),
    store: options.store,
    schema: clinicalSchema,
    keyring: createKeyring(publicKeys),
    clock: createHybridClock({ wallClock: options.wallClock ?? Date.now }),
    ...(options.cacheBytes !== undefined ? { cacheBytes: options.cacheBytes } : {}),
  });
}
