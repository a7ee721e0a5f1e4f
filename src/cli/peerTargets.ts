import { ChartlogError } from '../error/chartlogError.js';
import { assertSyncBaseUrl } from '../sync/http/syncBaseUrl.js';
import { checkTlsOptions, type HttpSyncTlsOptions } from '../sync/http/tlsFetch.js';
import { listOption, stringOption, type CliOption, type CliValues } from './cliCommand.js';
import type { PeersConfig } from './peersConfig.js';
import { readPemOption } from './serveNetwork.js';
import { countOf } from './countOf.js';

/** Options of the commands that call peers (`sync`, `status`): how their `https://` servers are checked. */
export const PEER_TLS_OPTIONS: Readonly<Record<string, CliOption>> = {
  'tls-ca': {
    type: 'string',
    valueName: 'FILE',
    description: "accept an https:// peer's certificate only when issued by this CA (PEM)",
    defaultValue: "the peers file's ca/pin for that url, else the public CAs",
  },
  'tls-pin': {
    type: 'string',
    valueName: 'SHA256',
    description:
      'accept only the peer certificate with this SHA-256 fingerprint ' +
      '(openssl x509 -noout -fingerprint -sha256 -in peer.crt); not with --tls-ca',
  },
  'tls-client-cert': {
    type: 'string',
    valueName: 'FILE',
    description: 'our client certificate (PEM) for peers that require mutual TLS; with --tls-client-key',
  },
  'tls-client-key': {
    type: 'string',
    valueName: 'FILE',
    description: "our client certificate's private key (PEM)",
  },
};

/** A peer a command calls: where, with which token, and how its certificate is checked. */
export interface PeerTarget {
  readonly url: string;
  readonly token: string;
  readonly tls?: HttpSyncTlsOptions;
}

/**
 * The `--peer URL` / `--token T` pairs of a command, checked before anything is opened,
 * with the TLS settings for each: the `--tls-*` options when given (for every peer, which
 * must then all be `https://`), else those of the peers-file entry with the same `url`.
 *
 * @throws ChartlogError `INVALID_OPTION` (exit 2) for a `--peer` that is not an http(s) URL,
 *   a count of `--token` that does not match, or TLS options that do not fit.
 */
export function readPeerTargets(values: CliValues, command: string, peers?: PeersConfig): PeerTarget[] {
  const urls = listOption(values, 'peer');
  const tokens = listOption(values, 'token');
  if (urls.length !== tokens.length)
    throw new ChartlogError(
      'INVALID_OPTION',
      `give one --token per --peer (${countOf(urls.length, 'peer')}, ${countOf(tokens.length, 'token')}; see chartlog ${command} --help)`,
    );
  for (const url of urls) assertSyncBaseUrl(url, '--peer');
  const given = readTlsOptions(values);
  return urls.map((url, i) => {
    const token = tokens[i] as string;
    if (given !== undefined) {
      if (!url.startsWith('https://'))
        throw new ChartlogError(
          'INVALID_OPTION',
          `--tls-* options were given, but --peer ${url} is not https://`,
        );
      return { url, token, tls: given };
    }
    const tls = peers?.peers.find((p) => p.url !== undefined && sameUrl(p.url, url))?.tls;
    return tls !== undefined && url.startsWith('https://') ? { url, token, tls } : { url, token };
  });
}

function readTlsOptions(values: CliValues): HttpSyncTlsOptions | undefined {
  const ca = readPemOption(values, 'tls-ca');
  const pin = stringOption(values, 'tls-pin');
  const cert = readPemOption(values, 'tls-client-cert');
  const key = readPemOption(values, 'tls-client-key');
  if (ca === undefined && pin === undefined && cert === undefined && key === undefined) return undefined;
  const tls = {
    ...(ca !== undefined ? { ca } : {}),
    ...(pin !== undefined ? { pin } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
  };
  try {
    checkTlsOptions(tls);
  } catch (error) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `--tls-* options: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return tls;
}

const sameUrl = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
