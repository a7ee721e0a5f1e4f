/**
 * Events nested far deeper than any chart needs, as a hostile site would send them
 * (issue 9, finding 7): built without recursion, both as objects and as wire text.
 */
import { expect } from 'vitest';
import { type ChartEvent, type IngestReport } from '../../src/index.js';
import { encodeWireEvent } from '../../src/event/wireEvent.js';
import { allEvents, draft, openSite, recordMany } from './fixtures.js';

export const NETWORK = ['practice-a', 'practice-b', 'hospital'];
export const DEPTHS = [10_000, 500_000] as const;
export const MEMBERS = ['data', 'author', 'pred'] as const;
export type Member = (typeof MEMBERS)[number];

/** A value `depth` arrays deep, built without recursion. */
export function nested(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** The same value as JSON text, built without JSON.stringify (which recurses). */
export function nestedText(depth: number): string {
  return `${'['.repeat(depth)}0${']'.repeat(depth)}`;
}

/** Where the deep value goes in each member: somewhere a plain field value would be. */
function placeDeep(member: Member, deep: unknown): Record<string, unknown> {
  switch (member) {
    case 'data':
      return { data: { 'Item/r0': { lww: deep } } };
    case 'author':
      return { author: { id: 'dr-x', role: deep } };
    case 'pred':
      return { pred: { 'Item/r0': { lww: deep } } };
  }
}

/** practice-a's signed run of 4 honest events, and practice-b's first event made deep in `member`. */
export async function deepBatch(
  member: Member,
  depth: number,
): Promise<{ honest: ChartEvent[]; deep: Record<string, unknown>; deepLine: string }> {
  const a = await openSite('practice-a', { network: NETWORK });
  await recordMany(a, 4);
  await a.signHead();
  const b = await openSite('practice-b', { network: NETWORK });
  const real = await b.record(draft('practice-b', 1));
  const base = JSON.parse(JSON.stringify(real)) as Record<string, unknown>;
  const deep = { ...base, ...placeDeep(member, nested(depth)) };
  // The wire line, with the deep value spliced in as text.
  const marked = encodeWireEvent({ ...base, ...placeDeep(member, 'DEEP-HERE') } as unknown as ChartEvent);
  const deepLine = marked.replace('"DEEP-HERE"', nestedText(depth));
  return { honest: await allEvents(a), deep, deepLine };
}

/** One refusal, of the deep event, naming the member and the depth limit. */
export function expectDeepRefused(report: IngestReport, index: number, member: Member): void {
  expect(report.refused.count).toBe(1);
  const refusal = report.refused.examples[0];
  expect(refusal).toMatchObject({ index, site: 'practice-b', seq: 1, reason: { code: 'malformed' } });
  expect(refusal?.reason.message).toContain(`${member}`);
  expect(refusal?.reason.message).toMatch(/nested deeper than \d+ levels/);
  // The message stays short: the path is cut where the limit is, not 500k levels long.
  expect(refusal?.reason.message.length).toBeLessThan(2_000);
}
