/**
 * The replication promise (docs/architecture.md, "Replication") under any weather: whatever a fault schedule does to the network
 * (partitions, drops, duplicates, reordering, delays, a durable site crashing and
 * restarting on its SQLite file), once it heals every replica holds the same events and
 * the same state hash, equal to the batch fold of the union, and no acknowledged event
 * is lost. CHARTLOG_PROPERTY_RUNS=500 for a deep run.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import {
  checkNetworkConvergence,
  faultScheduleArbitrary,
  propertyParameters,
  runNetworkSimulation,
  type FaultSchedule,
} from '../../src/testing/index.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('network-property');
let runNo = 0;

async function converges(schedule: FaultSchedule): Promise<void> {
  // A fresh directory name per run: a shrink replays schedules, never on old files.
  const run = ++runNo;
  const simulation = await runNetworkSimulation(schedule, {
    durableStore: (site) => openSqliteEventLog(file(`run${run}-${site}.chartlog`), { synchronous: 'normal' }),
  });
  try {
    await checkNetworkConvergence(simulation);
  } finally {
    await simulation.close();
  }
}

describe('a network of replicas converges after any fault schedule', () => {
  it('every replica ends with the same events and state hash, equal to the fold of the union, with nothing acknowledged lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        faultScheduleArbitrary({
          minSites: 3,
          maxSites: 4,
          durable: 1,
          maxSteps: 30,
          maxWrites: 16,
          maxBurst: 5,
        }),
        converges,
      ),
      propertyParameters({ label: 'network converges after faults', runs: 60 }),
    );
  });
});
