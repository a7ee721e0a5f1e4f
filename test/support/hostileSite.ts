/**
 * A hostile site for adversarial tests: it holds a valid site key (every honest keyring
 * trusts it) and a valid sync token, and writes the NDJSON text of sync messages an
 * attacker would send, byte for byte: valid chains of its own, and every attack of the
 * trust issue (colliding ids, non-canonical bytes, far-future stamps, false vector
 * claims, junk lines, deep nesting, `__proto__` keys, retractions the schema does not
 * understand, events forged in another site's name).
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import {
  eventIdOf,
  RETRACTION_EVENT,
  type ChartEvent,
  type EventHash,
  type SiteId,
  type StreamId,
} from '../../src/index.js';
import { encodeEvent } from '../../src/event/eventHash.js';
import { uuidFromSha256 } from '../../src/event/uuidFromSha256.js';
import { TEST_EVENT_TYPE } from '../../src/testing/index.js';

/** Every attack the hostile site knows. */
export const ATTACKS = [
  'good-write',
  'collide-id',
  'non-canonical',
  'future-stamp',
  'false-vector',
  'junk-lines',
  'deep-nesting',
  'proto-key',
  'unknown-retraction',
  'forged-origin',
] as const;
/** One attack. */
export type AttackKind = (typeof ATTACKS)[number];

/** What an attack needs to know of the honest network. */
export interface AttackContext {
  /** The receiving site. */
  readonly target: SiteId;
  /** How many of the hostile site's events the receiver holds (it sends the rest). */
  readonly held: number;
  /** An honest event to aim at (collide with, retract), if any has been recorded. */
  readonly victim: ChartEvent | undefined;
  /** A stream to write to. */
  readonly stream: StreamId;
  /** The receiver's next seq of the victim's site, for events forged in its name… */
  readonly forgedSeq: number;
  /** …and the hash that event must chain onto there (null for seq 1). */
  readonly forgedPrev: EventHash | null;
  /** The simulated wall clock, ms. */
  readonly now: number;
  /** Chooses among an attack's variants. */
  readonly variant: number;
}

/** One message's NDJSON text, and whether the hostile chain grew (its last event is valid). */
export interface AttackMessage {
  readonly text: string;
  readonly kind: AttackKind;
}

/** The id an event must carry: derived from everything else it says (the identity rule). */
const idOf = (e: Record<string, unknown>): string => {
  const { id: _id, sig: _sig, ...rest } = e;
  return eventIdOf(rest as never);
};

const FUTURE = '9999-12-31T23:59:59.999Z-999990';
const PLACEHOLDER = '"@@raw@@"';

/** A hostile site: its own valid chain, and a message builder per attack. */
export interface HostileSite {
  readonly site: SiteId;
  /** Its valid events so far (every one signed). */
  readonly chain: readonly ChartEvent[];
  /** The text of one attack message aimed at `ctx.target`. */
  attack(kind: AttackKind, ctx: AttackContext): AttackMessage;
}

/** Creates a {@link HostileSite} holding `privateKey` for `site`. */
export function createHostileSite(site: SiteId, privateKey: KeyObject): HostileSite {
  const chain: { event: ChartEvent; text: string; hash: EventHash }[] = [];
  let counter = 0;

  const stamp = (now: number): string => {
    counter++;
    return `${new Date(now).toISOString()}-${String(counter % 1_000_000).padStart(6, '0')}`;
  };
  const head = (): { seq: number; hash: EventHash | null } => {
    const last = chain[chain.length - 1];
    return last === undefined ? { seq: 0, hash: null } : { seq: last.event.seq, hash: last.hash };
  };
  const sha = (text: string): EventHash =>
    createHash('sha256').update(text, 'utf8').digest('hex') as EventHash;
  const signHash = (hash: string): string =>
    sign(null, Buffer.from(hash, 'hex'), privateKey).toString('base64');
  const line = (text: string, sig: string): string => `{"e":${text},"sig":${JSON.stringify(sig)}}`;
  const header = (vector?: Record<string, number>): string =>
    `${JSON.stringify({ protocol: 1, vector: vector ?? { [site]: chain.length } })}\n`;
  /** The chain's lines the target lacks. */
  const backlog = (held: number): string =>
    chain
      .slice(held)
      .map((c) => `${line(c.text, c.event.sig as string)}\n`)
      .join('');

  /** An unsigned event body next on the chain (or at `at`), for `idOf` to name. */
  const body = (
    ctx: AttackContext,
    fields: Partial<Record<keyof ChartEvent, unknown>>,
    idOf: (e: Record<string, unknown>) => string,
  ): Record<string, unknown> => {
    const h = head();
    const e: Record<string, unknown> = {
      author: { id: `clinician-${site}`, role: 'gp' },
      data: {
        [`Item/m${ctx.variant % 3}`]: {
          lww: `${site} says ${ctx.variant}`,
          log: `hostile note ${ctx.variant}`,
        },
      },
      hlc: stamp(ctx.now),
      id: '',
      pred: {},
      prev: h.hash,
      seq: h.seq + 1,
      site,
      stream: ctx.stream,
      type: TEST_EVENT_TYPE,
      v: 1,
      ...fields,
    };
    e['id'] = idOf(e);
    return e;
  };
  /** Appends a valid event to the chain, signed, and returns its line. */
  const commit = (e: Record<string, unknown>): string => {
    const text = encodeEvent(e as unknown as ChartEvent);
    const hash = sha(text);
    const sig = signHash(hash);
    chain.push({ event: { ...(e as unknown as ChartEvent), sig }, text, hash });
    return `${line(text, sig)}\n`;
  };
  /** A message: the backlog, then `extra` lines (an attack that does not join the chain). */
  const message = (
    kind: AttackKind,
    ctx: AttackContext,
    extra: string,
    vector?: Record<string, number>,
  ): AttackMessage => ({
    kind,
    text: header(vector) + backlog(ctx.held) + extra,
  });
  /** A signed line for an event whose bytes are `text` (canonical or not): the hostile origin signs what it sends. */
  const signedLine = (text: string): string => `${line(text, signHash(sha(text)))}\n`;

  return {
    site,
    get chain() {
      return chain.map((c) => c.event);
    },
    attack(kind, ctx) {
      switch (kind) {
        case 'good-write': {
          const e = body(ctx, {}, idOf);
          const backlogText = backlog(ctx.held);
          return { kind, text: header() + backlogText + commit(e) };
        }
        case 'future-stamp': {
          const e = body(ctx, { hlc: FUTURE }, idOf);
          const backlogText = backlog(ctx.held);
          return { kind, text: header() + backlogText + commit(e) };
        }
        case 'unknown-retraction': {
          const target = ctx.victim?.id ?? chain[0]?.event.id ?? '00000000-0000-8000-8000-000000000000';
          const variants: Record<string, unknown>[] = [
            { v: 2, data: { retracts: [target], reason: 'newer release' } },
            { data: { retracts: [target], reason: '' } },
            { data: { retracts: [target], reason: 'x', extra: true } },
            { data: { retracts: [target, 'not-an-id'], reason: 'x' } },
          ];
          const e = body(
            ctx,
            {
              type: RETRACTION_EVENT,
              stream: ctx.victim?.stream ?? ctx.stream,
              ...(variants[ctx.variant % variants.length] as object),
            },
            idOf,
          );
          const backlogText = backlog(ctx.held);
          return { kind, text: header() + backlogText + commit(e) };
        }
        case 'collide-id': {
          if (ctx.victim === undefined) return this.attack('good-write', ctx);
          const v = ctx.victim;
          const wall = Date.parse(v.hlc.slice(0, 24)) - 1;
          const e = body(
            ctx,
            { stream: v.stream, hlc: `${new Date(wall).toISOString()}-000000` },
            () => v.id,
          );
          return message(kind, ctx, signedLine(encodeEvent(e as unknown as ChartEvent)));
        }
        case 'non-canonical': {
          // The hostile origin spells its event another way and derives the id from that
          // spelling too, so only a receiver that hashes canonical bytes tells.
          const e = body(ctx, {}, () => '');
          delete e['id'];
          const idless = encodeEvent(e as unknown as ChartEvent);
          const respell = [
            (t: string) => `{ ${t.slice(1)}`, // whitespace
            (t: string) => `{"v":1,${t.slice(1)}`, // a duplicate key, out of order
            (t: string) => `{"v":1,${t.slice(1, t.lastIndexOf(',"v":'))}}`, // keys out of order
          ];
          const pick = ctx.variant % (respell.length + 1);
          if (pick === respell.length) {
            // Not JSON by itself once framed: `{"e":C,"e":C}`.
            const canonical = encodeEvent({ ...e, id: idOf(e) } as unknown as ChartEvent);
            return message(kind, ctx, signedLine(`${canonical},"e":${canonical}`));
          }
          const spelled = (respell[pick] as (t: string) => string)(idless);
          const id = uuidFromSha256(`chartlog/event-id/v1\n${spelled}`);
          const at = spelled.lastIndexOf(',"pred":{');
          return message(kind, ctx, signedLine(`${spelled.slice(0, at)},"id":"${id}"${spelled.slice(at)}`));
        }
        case 'deep-nesting': {
          const depth = [10_000, 100_000][ctx.variant % 2] as number;
          const where = ctx.variant % 3;
          const deep = '['.repeat(depth) + ']'.repeat(depth);
          const e = body(
            ctx,
            where === 0
              ? { data: { 'Item/deep': { lww: '@@raw@@' } } }
              : where === 1
                ? { author: { id: 'x', role: '@@raw@@' } }
                : { pred: { 'Item/m0': { lww: '@@raw@@' } } },
            idOf,
          );
          return message(
            kind,
            ctx,
            signedLine(encodeEvent(e as unknown as ChartEvent).replace(PLACEHOLDER, deep)),
          );
        }
        case 'proto-key': {
          const raw =
            ctx.variant % 2 === 0
              ? '{"__proto__":{"x":1},"text":"Penicillin"}'
              : '{"__proto__":"x","text":"Penicillin"}';
          const e = body(ctx, { data: { 'Item/proto': { lww: '@@raw@@' } } }, idOf);
          return message(
            kind,
            ctx,
            signedLine(encodeEvent(e as unknown as ChartEvent).replace(PLACEHOLDER, raw)),
          );
        }
        case 'forged-origin': {
          if (ctx.victim === undefined) return this.attack('good-write', ctx);
          const e: Record<string, unknown> = {
            ...body(ctx, {}, idOf),
            site: ctx.victim.site,
            seq: ctx.forgedSeq,
            prev: ctx.forgedPrev,
          };
          e['id'] = idOf(e);
          return message(kind, ctx, signedLine(encodeEvent(e as unknown as ChartEvent)));
        }
        case 'false-vector': {
          const vector: Record<string, number> =
            ctx.variant % 2 === 0
              ? { [ctx.target]: Number.MAX_SAFE_INTEGER, [site]: chain.length }
              : Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`ghost-${i}`, i + 1]));
          return message(kind, ctx, '', vector);
        }
        case 'junk-lines': {
          const junk = ['{}', '1', '"x"', '[]', 'null', '{"e":1}', '{"e":{},"sig":2}'];
          const lines = Array.from({ length: 50 + ctx.variant * 10 }, (_, i) => junk[i % junk.length]).join(
            '\n',
          );
          return message(kind, ctx, `${lines}\n`);
        }
      }
    },
  };
}
