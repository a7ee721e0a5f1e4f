import { isChartlogError, type ChartlogErrorCode } from '../error/chartlogError.js';

/**
 * The error code behind each ingest refusal code: the one table refusal codes come from.
 * A refusal is what an error about the input becomes when ingest reports it instead of
 * throwing (docs/architecture.md, "Replication").
 */
export const REFUSAL_CODE_BY_ERROR_CODE = {
  MALFORMED_EVENT: 'malformed',
  OVERSIZE: 'oversize',
  BAD_SIGNATURE: 'bad-signature',
  UNKNOWN_SITE_KEY: 'unknown-site-key',
  CHAIN_BROKEN: 'broken-chain',
  SEQ_GAP: 'gap',
  FORK: 'fork',
} as const satisfies Partial<Record<ChartlogErrorCode, string>>;

/** An error code that ingest reports as a refusal rather than throwing. */
export type RefusalErrorCode = keyof typeof REFUSAL_CODE_BY_ERROR_CODE;

/** Why ingest refused an event: the wire form of a {@link RefusalErrorCode} (docs/architecture.md, "Replication"). */
export type RefusalCode = (typeof REFUSAL_CODE_BY_ERROR_CODE)[RefusalErrorCode];

/** The error code of each refusal code: {@link REFUSAL_CODE_BY_ERROR_CODE} turned round. */
export const ERROR_CODE_BY_REFUSAL_CODE = Object.freeze(
  Object.fromEntries(Object.entries(REFUSAL_CODE_BY_ERROR_CODE).map(([error, refusal]) => [refusal, error])),
) as {
  readonly [R in RefusalCode]: {
    [E in RefusalErrorCode]: (typeof REFUSAL_CODE_BY_ERROR_CODE)[E] extends R ? E : never;
  }[RefusalErrorCode];
};

/**
 * The refusal code for a store's typed append refusal (the `planAppend` codes), or
 * undefined for an error that is not about the input (the store failing, full, closed):
 * those are thrown, not reported as refusals.
 *
 * @example
 * ```ts
 * refusalCodeOf(new ChartlogError('SEQ_GAP', '…', { details })); // 'gap'
 * ```
 */
export function refusalCodeOf(error: unknown): RefusalCode | undefined {
  return isChartlogError(error) && Object.hasOwn(REFUSAL_CODE_BY_ERROR_CODE, error.code)
    ? REFUSAL_CODE_BY_ERROR_CODE[error.code as RefusalErrorCode]
    : undefined;
}
