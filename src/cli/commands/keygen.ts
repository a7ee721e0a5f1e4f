import { EXIT } from '../exitCodes.js';
import { out, outJson, requiredOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { writeSiteKeyFiles } from '../../sync/http/siteKeyFile.js';

/** `chartlog keygen`: a site's Ed25519 key pair as PEM files. */
export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: "make a site's Ed25519 key pair (FILE: private key, FILE.pub: public key for peers)",
  description: [
    'Writes the private key (PKCS#8 PEM, mode 0600) to FILE: keep it on the site, pass it as',
    '--key to serve and sync. Writes the public key (SPKI PEM) to FILE.pub: give it to peers for',
    'their peers files (publicKeyFile). Never overwrites a key unless --force.',
  ],
  options: {
    out: {
      type: 'string',
      valueName: 'FILE',
      required: true,
      description: 'where to write the private key (the public key goes to FILE.pub)',
    },
    force: { type: 'boolean', description: 'overwrite existing key files' },
  },
  examples: ['chartlog keygen --out practice-a.key'],
  async run(values) {
    const files = writeSiteKeyFiles(requiredOption(values, 'out'), values['force'] === true);
    if (wantsJson(values)) outJson(files);
    else {
      out(`private key: ${files.privateKeyFile} (keep it secret, on this site only)`);
      out(`public key:  ${files.publicKeyFile} (give it to peers)`);
      out(files.publicKey.trimEnd());
    }
    return EXIT.ok;
  },
};
