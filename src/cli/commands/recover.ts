import { existsSync } from 'node:fs';
import { ChartlogError } from '../../error/chartlogError.js';
import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { describeRecovery } from '../../replica/recoveryGuard.js';
import { createReplica } from '../../replica/replica.js';
import { EXIT } from '../exitCodes.js';
import { out, outJson, requiredOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { readPeersConfig, recoveryPeersOf } from '../peersConfig.js';
import { readSiteKeyFile } from '../../sync/http/siteKeyFile.js';
import { countOf } from '../countOf.js';
import { SITE_OPTION, keyOption, storeOption } from '../siteOptions.js';

/** `chartlog recover`: an operator confirms a recovering store may record again. */
export const recoverCommand: CliCommand = {
  name: 'recover',
  summary: 'confirm by hand that a recovering store may record again (clears its recovery)',
  description: [
    'A store is recovering after serve or sync was given --restored-from-backup, or after a peer',
    "gave back this site's own events or showed a second history of it; it records nothing until",
    'every peer has been heard from (a fork: until an operator decides). This command is that',
    "operator's decision: it prints why the store was recovering, then lets it record again, for",
    'good (the store keeps the decision). Stop chartlog serve on the store first (one writer).',
    '',
    "Use it only once you have checked that no peer holds more of this site's own events than",
    'the store (e.g. the peer that did is gone for good): events recorded afterwards reuse seqs',
    'a peer holds and are reported as a fork. When a peer has shown more than the store holds,',
    'it prints a WARNING saying how many. A store that is not recovering is left as it is.',
  ],
  options: {
    store: storeOption('must exist'),
    site: SITE_OPTION,
    key: keyOption("proves this is the site's operator"),
    peers: {
      type: 'string',
      valueName: 'PEERS.json',
      required: true,
      description: 'trusted peers (same file as serve)',
    },
  },
  examples: [
    'chartlog recover --store practice-a.chartlog --site practice-a --key practice-a.key --peers peers.json',
  ],
  async run(values) {
    const json = wantsJson(values);
    const keys = readSiteKeyFile(requiredOption(values, 'key'));
    const peers = readPeersConfig(requiredOption(values, 'peers'));
    const path = requiredOption(values, 'store');
    // Never create a store here: a mistyped path must not become a new, empty, ready one.
    if (!existsSync(path))
      throw new ChartlogError('STORE_UNAVAILABLE', `${path} does not exist`, { details: { path } });
    const store = await openStoreFile(path, 'write');
    try {
      const site = requiredOption(values, 'site');
      const recoveryPeers = recoveryPeersOf(peers, site);
      const replica = await createReplica({
        site,
        keys,
        keyring: peers.keyring(),
        schema: clinicalSchema,
        store,
        recoveryPeers,
      });
      const was = replica.recovery;
      if (was === undefined) {
        if (json) outJson({ site, recovered: false, status: 'ready' });
        else out(`${site} was not recovering: nothing to do`);
        return EXIT.ok;
      }
      await replica.markRecovered();
      const reused = Math.max(0, was.shownOwnSeq - was.heldOwnSeq);
      if (json) outJson({ site, recovered: true, status: replica.status, was });
      else {
        out(`${site} was recovering: ${describeRecovery(site, was)}`);
        if (reused > 0)
          out(
            `WARNING: a peer has shown ${site}'s own events up to seq ${was.shownOwnSeq}, ` +
              `the store holds ${was.heldOwnSeq}: the next ${countOf(reused, 'event')} recorded will fork from the peer's`,
          );
        out(`${site} is ready: it records again (recovery confirmed by an operator, kept in the store)`);
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
