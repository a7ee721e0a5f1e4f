import { hashCanonical } from './eventHash.js';

/**
 * A name-based UUID (RFC 9562 version 8, variant `10`) from text: the first 16 bytes of
 * SHA-256 of the UTF-8 text, with the version nibble set to 8 and the variant bits to
 * `10`. The same text always gives the same id; different texts collide only as often
 * as 122 bits of SHA-256 do. Event ids ({@link eventIdOf}) and EventStoreDB's own
 * record ids are made this way.
 *
 * @example uuidFromSha256('index|patient/p1|3') // '…-8…-[89ab]…-…'
 */
export function uuidFromSha256(text: string): string {
  // hashCanonical is plain SHA-256 (hex) of UTF-8 text; no need to make bytes of it.
  const h = hashCanonical(text);
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
