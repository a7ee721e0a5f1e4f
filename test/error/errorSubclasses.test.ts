import { describe, expect, it } from 'vitest';
import { isChartlogError } from '../../src/error/chartlogError.js';
import { FhirRequestRefusal } from '../../src/fhir/rest/fhirRequestRefusal.js';
import { createChart, lww, type MergeRule, type RegisterState } from '../../src/index.js';
import {
  checkRuleLaws,
  ConvergenceError,
  NetworkConvergenceError,
  syncUntilQuiet,
  testSchema,
} from '../../src/testing/index.js';

describe('one base error everywhere', () => {
  it("the testing kit's convergence failures are ChartlogErrors coded CONVERGENCE_FAILED, keeping their report", () => {
    const report = { equal: false, diff: 'a differs', hashes: [], hash: 'h', replicas: [] };
    const error: unknown = new ConvergenceError(report);
    expect(isChartlogError(error, 'CONVERGENCE_FAILED')).toBe(true);
    expect((error as ConvergenceError).report).toBe(report);
    const network = { converged: false, events: 0, hash: 'h', sites: [], problems: ['x'] };
    const networkError: unknown = new NetworkConvergenceError(network, 'did not converge');
    expect(isChartlogError(networkError, 'CONVERGENCE_FAILED')).toBe(true);
    expect((networkError as NetworkConvergenceError).report).toBe(network);
  });

  it('a rule breaking a law it claims throws a ChartlogError coded RULE_LAW_VIOLATED', () => {
    const keepFirst: MergeRule<RegisterState> = { ...lww, name: 'keep-first', merge: () => undefined };
    let thrown: unknown;
    try {
      checkRuleLaws(keepFirst, { log: false, seed: 7 });
    } catch (e) {
      thrown = e;
    }
    expect(isChartlogError(thrown, 'RULE_LAW_VIOLATED')).toBe(true);
  });

  it('charts that never go quiet fail with SYNC_NOT_QUIET', () => {
    let thrown: unknown;
    try {
      syncUntilQuiet([createChart({ schema: testSchema })], { maxRounds: 0 });
    } catch (e) {
      thrown = e;
    }
    expect(isChartlogError(thrown, 'SYNC_NOT_QUIET')).toBe(true);
  });

  it('a FHIR request refusal is a ChartlogError coded FHIR_REQUEST_REFUSED with its status and OperationOutcome issues', () => {
    const refusal: unknown = new FhirRequestRefusal(404, 'not-found', 'no Patient/p1', {
      expression: ['Patient'],
    });
    expect(isChartlogError(refusal, 'FHIR_REQUEST_REFUSED')).toBe(true);
    if (!isChartlogError(refusal, 'FHIR_REQUEST_REFUSED')) return;
    expect(refusal.details.status).toBe(404);
    expect((refusal as FhirRequestRefusal).outcomeIssues).toEqual([
      { severity: 'error', code: 'not-found', diagnostics: 'no Patient/p1', expression: ['Patient'] },
    ]);
  });
});
