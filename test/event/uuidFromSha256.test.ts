import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uuidFromSha256 } from '../../src/event/uuidFromSha256.js';

/** The byte-level construction RFC 9562 §5.8 describes, written the long way as a reference. */
function reference(text: string): string {
  const b = createHash('sha256').update(text, 'utf8').digest().subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x80;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

describe('uuidFromSha256', () => {
  it('is the first 16 bytes of SHA-256 of the UTF-8 text with version 8 and variant 10', () => {
    for (const text of [
      '',
      'a',
      'index|chartlog-site-a|7|abc',
      'site|chartlog|practice-a',
      'Zoë’s 🧪',
      ...Array.from({ length: 200 }, (_, i) => `t${i}`),
    ]) {
      const id = uuidFromSha256(text);
      expect(id).toBe(reference(text));
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
