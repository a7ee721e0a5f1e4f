import type { KeyObject } from 'node:crypto';
import { verifyEventLog } from '../../store/tools/index.js';
import { EXIT } from '../exitCodes.js';
import { out, outJson, requiredOption, stringOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { readPeersConfig } from '../peersConfig.js';

/** `chartlog verify`: hash chains, row hashes and signatures of a whole store. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'check a store: hash chains, row hashes, signatures; exit 1 with a report if damaged',
  description: [
    "Reads the whole store read-only, in pages: each site's events are contiguous from 1, each",
    "prev is the previous event's hash, every row re-hashes to what was stored, heads and the",
    'count add up, and, for every site in the --keys file (the peers file format; list your own',
    "site there too), every signature verifies. Signed events of sites without a key are",
    'counted as unchecked. Exit 0 clean, 1 with the problems listed.',
  ],
  options: {
    store: { type: 'string', valueName: 'FILE', required: true, description: 'SQLite store file' },
    keys: { type: 'string', valueName: 'PEERS.json', description: 'public keys to check signatures with', defaultValue: 'signatures not checked' },
  },
  examples: ['chartlog verify --store practice-a.chartlog --keys peers.json'],
  async run(values) {
    const keysFile = stringOption(values, 'keys');
    const keys: Map<string, KeyObject> = keysFile !== undefined ? readPeersConfig(keysFile).keys() : new Map();
    const store = await openStoreFile(requiredOption(values, 'store'), 'read');
    try {
      const report = await verifyEventLog(store, { keys });
      if (wantsJson(values)) outJson(report);
      else {
        out(`${report.ok ? 'ok' : 'DAMAGED'}: ${report.events} events from ${report.sites} sites; ${report.signatures.verified} signatures verified, ${report.signatures.unchecked} unchecked${keysFile === undefined ? ' (no --keys given)' : ''}`);
        for (const p of report.problems) out(`  ${p.kind}${p.site !== undefined ? ` ${p.site}` : ''}${p.seq !== undefined ? `#${p.seq}` : ''}: ${p.message}`);
        if (report.problemCount > report.problems.length) out(`  … and ${report.problemCount - report.problems.length} more`);
      }
      return report.ok ? EXIT.ok : EXIT.problems;
    } finally {
      await store.close();
    }
  },
};
