import assert from 'node:assert/strict';
import { isChartlogError, type ChartlogError, type ChartlogErrorCode } from '../../error/chartlogError.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import type { EventLog } from '../eventLog.js';

/**
 * The test functions the conformance suite declares its cases with: those of the runner
 * the adapter's own tests use. The suite imports no test runner itself, so `chartlog/adapter`
 * loads without one; its assertions are `node:assert`'s, which every runner reports as failures.
 *
 * @example
 * ```ts
 * import { afterAll, describe, it } from 'vitest'; // or jest's globals
 * const vitest: ConformanceTestApi = { describe, it, after: afterAll };
 * import { after, describe, it } from 'node:test'; // node --test
 * const nodeTest: ConformanceTestApi = { describe, it, after };
 * ```
 */
export interface ConformanceTestApi {
  /** Declares a group of cases (vitest, jest and node:test `describe`). */
  readonly describe: (name: string, body: () => void) => unknown;
  /** Declares one case; its body rejects when the case fails (vitest, jest and node:test `it`). */
  readonly it: (name: string, body: () => Promise<void>) => unknown;
  /** Runs once after every case of the enclosing group (vitest/jest `afterAll`, node:test `after`). */
  readonly after: (body: () => Promise<void>) => unknown;
}

/** How the conformance suite gets stores from an adapter. */
export interface EventLogFactory {
  /** A new, empty store. Called once per case. */
  open(): Promise<EventLog>;
  /**
   * Opens again the store most recently returned by `open()`, after the suite closed it:
   * everything stored must still be there. Omit for stores that do not outlive their
   * process (memory): the reopening case is then left out.
   */
  reopen?(): Promise<EventLog>;
  /** Called once after the suite: remove files, connections, streams. */
  cleanup?(): Promise<void>;
}

/** What each part of the suite shares: the runner, the factory and two helpers. */
export interface ConformanceContext {
  readonly api: ConformanceTestApi;
  readonly factory: EventLogFactory;
  /** Opens a fresh store, runs `body`, closes the store whatever happens. */
  withLog(body: (log: EventLog) => Promise<void>): Promise<void>;
  /** Awaits `promise`, which must reject with a ChartlogError `code`; resolves to its details. */
  expectCode(promise: Promise<unknown>, code: ChartlogErrorCode): Promise<Record<string, unknown>>;
  /** The ChartlogError `promise` rejects with; fails the case when it resolves or rejects with anything else. */
  caughtError(promise: Promise<unknown>): Promise<ChartlogError>;
}

/** The shared context of one run of the suite. */
export function conformanceContext(api: ConformanceTestApi, factory: EventLogFactory): ConformanceContext {
  const caughtError = async (promise: Promise<unknown>): Promise<ChartlogError> => {
    try {
      await promise;
    } catch (error) {
      if (isChartlogError(error)) return error;
      throw error;
    }
    throw new assert.AssertionError({ message: 'expected a ChartlogError, but the call succeeded' });
  };
  return {
    api,
    factory,
    async withLog(body) {
      const log = await factory.open();
      try {
        await body(log);
      } finally {
        await log.close();
      }
    },
    async expectCode(promise, code) {
      const error = await caughtError(promise);
      assert.equal(error.code, code);
      return error.details as Record<string, unknown>;
    },
    caughtError,
  };
}

/** `event` without its signature. */
export function unsigned(event: ChartEvent): ChartEvent {
  const { sig: _sig, ...rest } = event;
  return rest;
}
