import { ChartlogError } from '../../error/chartlogError.js';

/**
 * True when `text` is a sync server's base URL: `http://` or `https://`, with no user,
 * password, query or fragment (the endpoint paths are appended to it).
 *
 * @example
 * ```ts
 * isSyncBaseUrl('https://hospital.example:8443'); // true
 * isSyncBaseUrl('hospital.example'); // false
 * ```
 */
export function isSyncBaseUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      u.username === '' &&
      u.password === '' &&
      u.search === '' &&
      u.hash === ''
    );
  } catch {
    return false;
  }
}

/**
 * Checks a sync server's base URL, naming `what` (e.g. `--peer`) in the error.
 * @throws ChartlogError `INVALID_OPTION` when it is not one ({@link isSyncBaseUrl}).
 */
export function assertSyncBaseUrl(text: string, what: string): void {
  if (!isSyncBaseUrl(text))
    throw new ChartlogError(
      'INVALID_OPTION',
      `${what} ${JSON.stringify(text)} is not a sync server's base URL: give http:// or https://, a host ` +
        'and a port, without user, password, query or fragment (e.g. https://hospital.example:8443)',
      { details: { url: text } },
    );
}
