import type { CliOption } from './cliCommand.js';

/**
 * `--store FILE`: the SQLite store file a command works on. `whenMissing` says what the
 * command does without one, for `--help`.
 * @defaultValue `whenMissing`: nothing said (read-only commands, which say so themselves)
 */
export function storeOption(whenMissing?: 'must exist' | 'created if missing'): CliOption {
  const description = `SQLite store file${whenMissing === undefined ? '' : ` (${whenMissing})`}`;
  return { type: 'string', valueName: 'FILE', required: true, description };
}

/** `--site ID`: the site a command records or syncs as. */
export const SITE_OPTION: CliOption = {
  type: 'string',
  valueName: 'ID',
  required: true,
  description: "this site's id",
};

/** `--key KEYFILE`: the site's private key (as `chartlog keygen` writes it); `use` says what it is for here. */
export function keyOption(use: string): CliOption {
  return {
    type: 'string',
    valueName: 'KEYFILE',
    required: true,
    description: `this site's private key (${use})`,
  };
}
