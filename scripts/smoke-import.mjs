// After `npm run build`: imports the built package by name, as a user would, under ESM
// and CJS, and checks that the core loads no storage driver (DESIGN §1).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const refuse = fileURLToPath(new URL('./refuse-drivers.mjs', import.meta.url));
const drivers = /node_modules[\\/](better-sqlite3|@eventstore[\\/]db-client)[\\/]/;
const core = ['createChart', 'createEventWriter', 'defineSchema', 'foldStream', 'stateHash', 'validateEvent'];

const checks = [
  {
    name: 'CJS require("chartlog") loads no driver',
    args: ['-e', `const m = require('chartlog'); require('chartlog/testing');
      for (const f of ${JSON.stringify(core)}) if (typeof m[f] !== 'function') throw new Error('missing export ' + f);
      const loaded = Object.keys(require.cache).filter((k) => ${drivers}.test(k));
      if (loaded.length) throw new Error('driver loaded: ' + loaded.join(', '));`],
  },
  {
    name: 'ESM import("chartlog") loads no driver',
    args: ['--import', refuse, '--input-type=module', '-e', `const m = await import('chartlog'); await import('chartlog/testing');
      for (const f of ${JSON.stringify(core)}) if (typeof m[f] !== 'function') throw new Error('missing export ' + f);`],
  },
  ...['sqlite', 'eventstoredb', 'http', 'fhir'].flatMap((sub) => [
    { name: `CJS require("chartlog/${sub}") resolves`, args: ['-e', `require('chartlog/${sub}')`] },
    { name: `ESM import("chartlog/${sub}") resolves`, args: ['--input-type=module', '-e', `await import('chartlog/${sub}')`] },
  ]),
];

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
