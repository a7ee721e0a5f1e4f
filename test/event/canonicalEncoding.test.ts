import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventHash, type ChartEvent, type Json } from '../../src/index.js';
import { canonicalJson } from '../../src/event/canonicalJson.js';
import { encodeEvent } from '../../src/event/eventHash.js';
import { fixedWriter, PATIENT, T0 } from './fixtures.js';

/**
 * Golden encodings: these bytes and hashes are the wire format. If a change to the code
 * changes them, every stored chain and signature in the field stops verifying — so a
 * change here must be deliberate, versioned, and called out in the CHANGELOG.
 * (Changed once, deliberately: event ids became eventIdOf(event), a UUIDv8 derived from
 * the event's content, where they had been random UUIDv7s; see docs/architecture.md,
 * "Event identity". The pinned ids and hashes were computed independently, in Python.)
 */
const GOLDEN_FIRST =
  '{"author":{"id":"gmc-7012345","org":"Y01234","role":"gp"},"data":{"AllergyIntolerance/a1":{"code":{"coding":[{"code":"91936005","display":"Allergy to penicillin","system":"http://snomed.info/sct"}]},"criticality":"high","note":"Anaphylaxis 2019 — Zoë’s mother reports"}},"hlc":"2026-11-23T09:00:00.000Z-000000","id":"995c3856-341c-8fc4-aad3-73aba16bcda3","pred":{},"prev":null,"seq":1,"site":"practice-a","stream":"patient/0192f5b4-7a3e-7c6e-9d2a-4f1e8b3c5a77","type":"allergy.recorded","v":1}';

function goldenEvents(): ChartEvent[] {
  const { writer, tick } = fixedWriter('practice-a', T0);
  const first = writer.append({
    stream: PATIENT,
    type: 'allergy.recorded',
    author: { id: 'gmc-7012345', role: 'gp', org: 'Y01234' },
    data: {
      'AllergyIntolerance/a1': {
        criticality: 'high',
        code: {
          coding: [{ system: 'http://snomed.info/sct', code: '91936005', display: 'Allergy to penicillin' }],
        },
        // Decomposed "e + combining diaeresis": stored as NFC "ë".
        note: 'Anaphylaxis 2019 — Zoe\u0308’s mother reports',
      },
    },
  });
  tick(1500);
  const second = writer.append({
    stream: PATIENT,
    type: 'allergy.updated',
    author: { id: 'gmc-7012345' },
    data: { 'AllergyIntolerance/a1': { criticality: 'low' } },
    pred: { 'AllergyIntolerance/a1': { criticality: [first.id] } },
  });
  return [first, second];
}

describe('canonical encoding (golden)', () => {
  it('encodes a fixed event to exactly the pinned bytes', () => {
    const [first] = goldenEvents();
    expect(encodeEvent(first as ChartEvent)).toBe(GOLDEN_FIRST);
  });

  it('hashes the pinned bytes with SHA-256', () => {
    const [first] = goldenEvents();
    const expected = createHash('sha256').update(GOLDEN_FIRST, 'utf8').digest('hex');
    expect(eventHash(first as ChartEvent)).toBe(expected);
    expect(expected).toMatchInlineSnapshot(
      `"d275f63c5065d586ea0fa895f3eaf0d4f1d9d6ddf84a9a91667df3cb7b3f92fd"`,
    );
  });

  it('chains the second event to the first by hash', () => {
    const [first, second] = goldenEvents() as [ChartEvent, ChartEvent];
    expect(second.prev).toBe(eventHash(first));
    expect(second.seq).toBe(2);
    expect(encodeEvent(second)).toMatchInlineSnapshot(
      `"{"author":{"id":"gmc-7012345"},"data":{"AllergyIntolerance/a1":{"criticality":"low"}},"hlc":"2026-11-23T09:00:01.500Z-000000","id":"f0ec41e7-aa41-8a45-858d-7f9a430fb6b4","pred":{"AllergyIntolerance/a1":{"criticality":["995c3856-341c-8fc4-aad3-73aba16bcda3"]}},"prev":"d275f63c5065d586ea0fa895f3eaf0d4f1d9d6ddf84a9a91667df3cb7b3f92fd","seq":2,"site":"practice-a","stream":"patient/0192f5b4-7a3e-7c6e-9d2a-4f1e8b3c5a77","type":"allergy.updated","v":1}"`,
    );
  });

  it('the hand-ordered event encoder equals generic canonical JSON of the event without sig', () => {
    for (const e of goldenEvents()) {
      const { sig: _sig, ...unsigned } = { ...e, sig: 'ignored' };
      expect(encodeEvent(e)).toBe(canonicalJson(unsigned as unknown as Json));
    }
  });

  it('sorts keys by UTF-16 code units and writes numbers in shortest form', () => {
    expect(canonicalJson({ b: 1, a: [true, null], A: -0, é: 1e21, z: 0.1 })).toBe(
      '{"A":0,"a":[true,null],"b":1,"z":0.1,"é":1e+21}',
    );
  });

  it('equal values encode equally whatever their key insertion order', () => {
    expect(canonicalJson({ x: { q: 1, p: 2 }, y: [1] })).toBe(canonicalJson({ y: [1], x: { p: 2, q: 1 } }));
  });
});
