/**
 * Real sockets for HTTP sync tests: servers on 127.0.0.1 with ephemeral ports, every one
 * closed (connections and all) after each test.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import {
  createSyncHandler,
  type HttpSyncReplica,
  type SyncHandlerOptions,
} from '../../../src/sync/http/index.js';

/** A token of the right length for `site`. */
export const tokenOf = (site: string): string => `token-of-${site}-0123456789`;

/** Token table trusting every site of `sites`. */
export const peersOf = (sites: readonly string[]): Record<string, string> =>
  Object.fromEntries(sites.map((s) => [tokenOf(s), s]));

export interface Started {
  readonly url: string;
  readonly server: Server;
}

/** Registers the afterEach that closes every server started by the returned `serve`. */
export function useServers(): (listener: RequestListener) => Promise<Started> {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
  });
  return (listener) =>
    new Promise((resolve) => {
      const server = createServer(listener);
      servers.push(server);
      server.listen(0, '127.0.0.1', () =>
        resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
      );
    });
}

/** Serves a replica's sync, trusting `peers` (site ids). */
export function serveReplica(
  serve: (l: RequestListener) => Promise<Started>,
  replica: HttpSyncReplica,
  peers: readonly string[],
  options: Partial<SyncHandlerOptions> = {},
): Promise<Started> {
  return serve(createSyncHandler(replica, { ...options, peers: peersOf(peers) } as SyncHandlerOptions));
}

/** Raw POST to a sync endpoint. */
export async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const res = await fetch(`${url}/chartlog/sync`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-ndjson', ...headers },
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** A handler wrapper: the first `n` requests get what `fail` does, the rest go to `inner`. */
export function failingFirst(
  n: number,
  fail: (req: IncomingMessage, res: ServerResponse) => void,
  inner: RequestListener,
): RequestListener & { calls: number } {
  const wrapper = Object.assign(
    (req: IncomingMessage, res: ServerResponse) => {
      wrapper.calls++;
      if (wrapper.calls <= n) fail(req, res);
      else inner(req, res);
    },
    { calls: 0 },
  );
  return wrapper;
}
