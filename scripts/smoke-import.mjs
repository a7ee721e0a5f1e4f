// After `npm run build`: imports the built package by name, as a user would, under ESM
// and CJS, and checks that the core loads no storage driver (docs/architecture.md, "Layers").
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const refuse = fileURLToPath(new URL('./refuse-drivers.mjs', import.meta.url));
const drivers = /node_modules[\\/](better-sqlite3|@eventstore[\\/]db-client)[\\/]/;
const core = ['createChart', 'createEventWriter', 'defineSchema', 'foldStream', 'stateHash', 'validateEvent'];

const checks = [
  {
    name: 'CJS require("chartlog") loads no driver',
    args: [
      '-e',
      `const m = require('chartlog'); require('chartlog/testing');
      for (const f of ${JSON.stringify(core)}) if (typeof m[f] !== 'function') throw new Error('missing export ' + f);
      const loaded = Object.keys(require.cache).filter((k) => ${drivers}.test(k));
      if (loaded.length) throw new Error('driver loaded: ' + loaded.join(', '));`,
    ],
  },
  {
    name: 'ESM import("chartlog") loads no driver',
    args: [
      '--import',
      refuse,
      '--input-type=module',
      '-e',
      `const m = await import('chartlog'); await import('chartlog/testing');
      for (const f of ${JSON.stringify(core)}) if (typeof m[f] !== 'function') throw new Error('missing export ' + f);`,
    ],
  },
  {
    // The conformance suite ships in chartlog/adapter: it takes the runner's functions, so
    // a store author's project needs no vitest (and gets none loaded) to import it.
    name: 'CJS require("chartlog/adapter") loads no test runner',
    args: [
      '-e',
      `const m = require('chartlog/adapter');
      for (const f of ['planAppend', 'describeEventLogConformance']) if (typeof m[f] !== 'function') throw new Error('missing export ' + f);
      const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\/](vitest|@vitest|jest)[\\/]/.test(k));
      if (loaded.length) throw new Error('test runner loaded: ' + loaded.join(', '));`,
    ],
  },
  ...['sqlite', 'eventstoredb', 'http', 'fhir', 'clinical', 'adapter'].flatMap((sub) => [
    { name: `CJS require("chartlog/${sub}") resolves`, args: ['-e', `require('chartlog/${sub}')`] },
    {
      name: `ESM import("chartlog/${sub}") resolves`,
      args: ['--input-type=module', '-e', `await import('chartlog/${sub}')`],
    },
  ]),
];

// A projection rebuild with worker threads, from the built files (the worker entry is a
// file of its own, found at run time): the same hash as the rebuild in the caller's own
// thread, with clinicalSchema (built into the worker) and with testSchema (imported by
// the worker from its schemaModule, resolved as the package name).
const replayWithWorkers = (load, resolveTesting) => `${load}
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'chartlog-smoke-'));
  try {
    let wall = Date.UTC(2026, 0, 5, 9);
    const writer = chartlog.createEventWriter({ site: chartlog.siteId('practice-a'), clock: chartlog.createHybridClock({ wallClock: () => (wall += 1) }) });
    const events = [];
    for (let n = 0; n < 60; n++) {
      const stream = chartlog.streamId('patient/p' + (n % 7));
      events.push(writer.append({ stream, type: 'observation.recorded', data: { ['Observation/o' + n]: { status: 'final', code: { text: 'pulse ' + n } } }, author: { id: 'gp-1', role: 'gp' } }));
      events.push(writer.append({ stream, type: testing.TEST_EVENT_TYPE, data: { ['Item/r' + (n % 3)]: { lww: 'v' + n, max: n } }, author: { id: 'gp-1', role: 'gp' } }));
    }
    const path = join(dir, 'smoke.chartlog');
    const writing = sqlite.openSqliteEventLog(path);
    await writing.append(events);
    await writing.close();
    const schemaModule = { url: ${resolveTesting}, exportName: 'testSchema' };
    for (const [schema, extra] of [[clinical.clinicalSchema, {}], [testing.testSchema, { schemaModule }]]) {
      const store = sqlite.openSqliteEventLog(path);
      try {
        const projection = await store.openProjection({ schema, workers: 0 });
        const serial = projection.hash();
        const rebuilt = await projection.rebuild({ workers: 2, ...extra });
        if (rebuilt.workers !== 2) throw new Error('the rebuild did not use worker threads: ' + JSON.stringify(rebuilt));
        if (rebuilt.events !== events.length) throw new Error('folded ' + rebuilt.events + ' of ' + events.length + ' events');
        if (projection.hash() !== serial) throw new Error('worker threads folded another hash than the serial rebuild');
      } finally {
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }`;

checks.push(
  {
    name: 'CJS replay with worker threads (workers: 2) runs from dist',
    args: [
      '-e',
      `(async () => {${replayWithWorkers("const chartlog = require('chartlog'); const clinical = require('chartlog/clinical'); const testing = require('chartlog/testing'); const sqlite = require('chartlog/sqlite');", "require.resolve('chartlog/testing')")}})().catch((e) => { console.error(e); process.exit(1); });`,
    ],
  },
  {
    name: 'ESM replay with worker threads (workers: 2) runs from dist',
    args: [
      '--input-type=module',
      '-e',
      replayWithWorkers(
        "const chartlog = await import('chartlog'); const clinical = await import('chartlog/clinical'); const testing = await import('chartlog/testing'); const sqlite = await import('chartlog/sqlite');",
        "import.meta.resolve('chartlog/testing')",
      ),
    ],
  },
);

let failed = 0;
for (const check of checks) {
  try {
    execFileSync(process.execPath, check.args, { cwd: root, stdio: 'pipe' });
    console.log(`ok   ${check.name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${check.name}\n${e.stderr?.toString() ?? e}`);
  }
}
console.log(`smoke-import: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
