import { describe, expect, it } from 'vitest';
import { OPEN_CONFLICT_MESSAGE } from '../../../src/chart/prepareWrite.js';
import { ChartlogError } from '../../../src/error/chartlogError.js';
import { outcomeIssuesOf, refusalOf } from '../../../src/fhir/rest/fhirRequestRefusal.js';

describe('OperationOutcome issues from validation issues', () => {
  it('each issue keeps its own severity and issue code, and its path becomes the FHIRPath expression', () => {
    expect(
      outcomeIssuesOf([
        {
          severity: 'error',
          code: 'value',
          path: ['AllergyIntolerance/a1', 'criticality'],
          message: 'not a code',
        },
        {
          severity: 'warning',
          code: 'code-invalid',
          path: ['writes', 'Observation/o1', 'status'],
          message: 'unknown',
        },
        { severity: 'error', code: 'structure', path: [], message: 'not an object' },
      ]),
    ).toEqual([
      {
        severity: 'error',
        code: 'value',
        diagnostics: 'not a code',
        expression: ['AllergyIntolerance.criticality'],
      },
      {
        severity: 'warning',
        code: 'code-invalid',
        diagnostics: 'unknown',
        expression: ['Observation.status'],
      },
      { severity: 'error', code: 'structure', diagnostics: 'not an object' },
    ]);
  });

  it('a write refused for a field in conflict is answered 409 conflict, found by its issue code', () => {
    const error = new ChartlogError('INVALID_COMMAND', 'cannot record', {
      issues: [
        {
          code: 'conflict',
          path: ['writes', 'AllergyIntolerance/a1', 'criticality'],
          message: 'in conflict',
        },
      ],
    });
    const refusal = refusalOf(error);
    expect(refusal.status).toBe(409);
    expect(refusal.outcomeIssues[0]).toMatchObject({
      code: 'conflict',
      expression: ['AllergyIntolerance.criticality'],
    });
  });

  it('a write a field check refuses is answered 400 with the issue code the check gave', () => {
    const error = new ChartlogError('INVALID_COMMAND', 'cannot record', {
      issues: [{ code: 'required', path: ['Patient/p1', 'name'], message: 'is required' }],
    });
    const refusal = refusalOf(error);
    expect(refusal.status).toBe(400);
    expect(refusal.outcomeIssues).toEqual([
      { severity: 'error', code: 'required', diagnostics: 'is required', expression: ['Patient.name'] },
    ]);
    expect(OPEN_CONFLICT_MESSAGE).toMatch(/^has an open conflict/);
  });
});
