import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTally, tally } from '../../examples/custom-rule.js';
import { practiceFhirApp, runOutageDrill } from '../../examples/outage-drill.js';
import { checkRuleLaws } from '../../src/testing/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string): string => readFileSync(`${root}/${path}`, 'utf8');

describe('examples', () => {
  it('the README embedding example is examples/embedding.ts, verbatim', () => {
    const readme = read('README.md');
    expect(readme).toContain(read('examples/embedding.ts').trim());
  });

  it('the README property-testing example is examples/custom-rule.ts, verbatim, and its checks hold', () => {
    expect(read('README.md')).toContain(read('examples/custom-rule.ts').trim());
    expect(() => checkTally()).not.toThrow();
  });

  it('the law checker would catch the float-sum mistake the custom-rule example warns about', () => {
    const floaty = { ...tally, name: 'float-tally', check: () => undefined };
    const report = checkRuleLaws(floaty, {
      values: fc.constantFrom(0.1, 0.2, 0.3, 1e16, -1e16),
      throwOnViolation: false,
      log: false,
    });
    expect(report.ok).toBe(false);
  });

  it('the embedding example runs as a user would run it and prints what its comments say', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/embedding.ts'], {
      cwd: root,
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    expect(out[0]).toBe('high');
    expect(out[1]).toBe('0');
    expect(out[2]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the replication example syncs two SQLite replicas over real HTTP on 127.0.0.1 and they agree', () => {
    expect(read('README.md')).toContain(read('examples/replica-over-http.ts').trim());
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/replica-over-http.ts'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    expect(out).toBe('1 true');
  });

  it('the outage drill converges: every site ends with the same state hash and the collisions are listed', async () => {
    const result = await runOutageDrill({ patients: 12, outageHours: 2 });
    expect(result.converged).toBe(true);
    expect(new Set(result.sites.map((s) => s.stateHash)).size).toBe(1);
    expect(new Set(result.sites.map((s) => s.events)).size).toBe(1);
    expect(result.conflicts.map((c) => `${c.resource}.${c.field}`).sort()).toEqual([
      'AllergyIntolerance/allergy-patient-0001.criticality',
      'MedicationRequest/rx-patient-0001.dosageInstruction',
      'Slot/slot-3.holder',
    ]);
    expect(
      result.conflicts.every((c) => c.writes.length === 2 && new Set(c.writes.map((w) => w.site)).size === 2),
    ).toBe(true);
  });

  it("practice-a's FHIR app (fhir-kit-client) keeps booking and prescribing through the outage; its writes reach every site and its collisions are listed", async () => {
    const result = await runOutageDrill({ patients: 12, outageHours: 1, fhirApp: practiceFhirApp });
    expect(result.converged).toBe(true);
    const app = result.fhirApp;
    expect(app).toMatchObject({ site: 'practice-a', client: 'fhir-kit-client', heldEverywhere: true });
    expect(app?.actions.map((a) => [a.did, a.status])).toEqual([
      ['booked Patient/patient-0004 into Slot/slot-0 at 2024-07-19T13:00:00.000Z', 200],
      ['prescribed amoxicillin for Patient/patient-0007', 201],
      ['changed the ramipril dose of Patient/patient-0004 to 5 mg once daily', 200],
    ]);
    // A transaction of two writes, a create and an update: four events, each one of the versions the app was told of.
    expect(app?.events).toHaveLength(4);
    expect(app?.actions.flatMap((a) => a.wrote.map((w) => w.split('/_history/')[1]))).toEqual(app?.events);
    expect([...(app?.conflicts ?? [])].sort()).toEqual([
      'MedicationRequest/rx-patient-0004.dosageInstruction',
      'Slot/slot-0.holder',
    ]);
    // The app's collisions with the hospital, each write by its own author, are among the drill's conflicts.
    const byApp = result.conflicts.filter((c) => c.writes.some((w) => w.author.id === 'fhir-app-practice-a'));
    expect(byApp.map((c) => c.writes.map((w) => `${w.author.id}@${w.site}`).sort())).toEqual([
      ['clinician-hospital-d@hospital-d', 'fhir-app-practice-a@practice-a'],
      ['clinician-hospital-d@hospital-d', 'fhir-app-practice-a@practice-a'],
    ]);
    expect(result.conflicts).toHaveLength(5);
  });

  it('npm run demo -- --json prints one final JSON line a script can read, with what the FHIR app did', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'examples/outage-drill.ts', '--json', '--patients', '9', '--hours', '1'],
      { cwd: root, encoding: 'utf8' },
    );
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] as string) as {
      converged: boolean;
      sites: { site: string; events: number; stateHash: string }[];
      conflicts: unknown[];
      fhirApp?: unknown;
    };
    expect(result.converged).toBe(true);
    expect(result.sites.map((s) => s.site)).toEqual(['practice-a', 'practice-b', 'practice-c', 'hospital-d']);
    expect(result.conflicts.length).toBe(5);
    expect(result.fhirApp).toMatchObject({
      heldEverywhere: true,
      conflicts: expect.arrayContaining(['Slot/slot-0.holder']),
    });
  });
});
