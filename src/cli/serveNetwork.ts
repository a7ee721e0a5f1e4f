import { readFileSync } from 'node:fs';
import type { RequestListener, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ChartlogError } from '../error/chartlogError.js';
import {
  createSyncServer,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  type SyncServerOptions,
} from '../sync/http/createSyncServer.js';
import { integerOption, stringOption, type CliOption, type CliValues } from './cliCommand.js';

/** The `chartlog serve` options that say how it faces the network: TLS and connection limits. */
export const SERVE_NETWORK_OPTIONS: Readonly<Record<string, CliOption>> = {
  'tls-cert': {
    type: 'string',
    valueName: 'FILE',
    description:
      'serve HTTPS with this certificate (PEM; with --tls-key). Without it, plain HTTP: fine on 127.0.0.1, warned about anywhere else',
  },
  'tls-key': { type: 'string', valueName: 'FILE', description: "the TLS certificate's private key (PEM)" },
  'tls-client-ca': {
    type: 'string',
    valueName: 'FILE',
    description: 'mutual TLS: refuse clients without a certificate issued by this CA (PEM; needs --tls-cert)',
  },
  'headers-timeout': {
    type: 'string',
    valueName: 'MS',
    description: 'drop a connection that has not finished its TLS handshake or request headers within MS',
    defaultValue: String(DEFAULT_HEADERS_TIMEOUT_MS),
  },
  'max-connections': {
    type: 'string',
    valueName: 'N',
    description: 'most open connections; more are dropped as they arrive',
    defaultValue: String(DEFAULT_MAX_CONNECTIONS),
  },
};

/**
 * Reads {@link SERVE_NETWORK_OPTIONS} into {@link createSyncServer}'s options, reading the
 * certificate files now so a wrong path is a configuration error before anything starts.
 * @throws ChartlogError `INVALID_OPTION` (exit 2) for an unreadable file, `--tls-cert` without `--tls-key`
 * (or the reverse), `--tls-client-ca` without TLS, or a limit out of range.
 */
export function readServeNetwork(values: CliValues): SyncServerOptions {
  const [cert, key, clientCa] = ['tls-cert', 'tls-key', 'tls-client-ca'].map((name) =>
    readPemOption(values, name),
  );
  if ((cert === undefined) !== (key === undefined))
    throw new ChartlogError(
      'INVALID_OPTION',
      '--tls-cert and --tls-key go together (see chartlog serve --help)',
    );
  if (clientCa !== undefined && cert === undefined)
    throw new ChartlogError(
      'INVALID_OPTION',
      '--tls-client-ca needs --tls-cert and --tls-key: mutual TLS is TLS first',
    );
  const limits = {
    headersTimeoutMs: integerOption(values, 'headers-timeout', DEFAULT_HEADERS_TIMEOUT_MS, 10, 600_000),
    maxConnections: integerOption(values, 'max-connections', DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
  };
  if (cert === undefined || key === undefined) return limits;
  return { ...limits, tls: { cert, key, ...(clientCa !== undefined ? { clientCa } : {}) } };
}

/** A PEM file named by option `name`, read; undefined when the option is absent. */
export function readPemOption(values: CliValues, name: string): string | undefined {
  const file = stringOption(values, name);
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `cannot read --${name} ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      { cause, details: { path: file } },
    );
  }
}

/** True for an address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Creates the server for `listener` and listens on `host:port`; resolves to its base URL
 * (`https://` with TLS). Warns on stderr when it serves plain HTTP on an address other
 * machines can reach.
 * @throws ChartlogError `INVALID_OPTION` (exit 2) naming the address when it cannot listen
 *   (the port is in use, the host is not an address of this machine) or the TLS files are unusable.
 */
export async function listenSyncServer(
  listener: RequestListener,
  network: SyncServerOptions,
  host: string,
  port: number,
): Promise<{ readonly server: HttpServer | HttpsServer; readonly url: string }> {
  const server = createSyncServer(listener, network);
  await new Promise<void>((listening, failed) => {
    server.once('error', (cause: NodeJS.ErrnoException) =>
      failed(
        new ChartlogError(
          'INVALID_OPTION',
          `cannot listen on ${host}:${port}: ${cause.code ?? cause.message}${LISTEN_HINTS[cause.code ?? ''] ?? ''}`,
          { cause, details: { host, port } },
        ),
      ),
    );
    server.listen(port, host, listening);
  });
  const address = server.address() as AddressInfo;
  const scheme = network.tls !== undefined ? 'https' : 'http';
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${scheme}://${hostPart}:${address.port}`;
  if (network.tls === undefined && !isLoopbackHost(host)) {
    process.stderr.write(
      `chartlog serve: WARNING: serving plain HTTP on ${host}: ` +
        'health data and bearer tokens cross the network in clear text. ' +
        'Use --tls-cert and --tls-key (see chartlog serve --help).\n',
    );
  }
  return { server, url };
}

const LISTEN_HINTS: Readonly<Record<string, string>> = {
  EADDRINUSE: ' (another process uses that port: pick another --port, or stop it)',
  EADDRNOTAVAIL: ' (not an address of this machine: check --host)',
  ENOTFOUND: ' (no such host: check --host)',
  EACCES: ' (ports below 1024 need privileges: pick another --port)',
};
