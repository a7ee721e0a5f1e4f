// The API report (docs/architecture.md, "Public API tiers"): API Extractor reads the .d.ts
// that `npm run build` wrote for each public entry and compares what it exports with the
// report checked in under api/. `node scripts/api-report.mjs` fails when they differ (run by
// `npm test`); `npm run api:update` (`--update`) rewrites the reports, to be reviewed and
// committed with the change that caused them, like the golden encodings.
//
// One process and one TypeScript program for every entry: the program is built once
// (CompilerState with every entry point) and each entry's report reuses it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update');

/** Report name → the built declaration file of that entry (package.json `exports`). */
const ENTRIES = {
  chartlog: 'dist/index.d.ts',
  'chartlog-clinical': 'dist/clinical/index.d.ts',
  'chartlog-fhir': 'dist/fhir/index.d.ts',
  'chartlog-sqlite': 'dist/sqlite/index.d.ts',
  'chartlog-eventstoredb': 'dist/eventstoredb/index.d.ts',
  'chartlog-http': 'dist/http/index.d.ts',
  'chartlog-adapter': 'dist/adapter/index.d.ts',
  'chartlog-testing': 'dist/testing/index.d.ts',
};

// What the report is for is the surface, not doc-comment style (ESLint and review cover TSDoc):
// release tags are not used, and TSDoc syntax the checker does not know is not an API change.
// A type the core's signatures use but the core does not export is an error (users could not
// name it); the other entries use the core's types, which they do not repeat.
const SILENT = { logLevel: 'none', addToApiReportFile: false };
const messagesOf = (name) => ({
  compilerMessageReporting: { default: { logLevel: 'error' } },
  extractorMessageReporting: {
    default: { logLevel: 'error' },
    'ae-missing-release-tag': SILENT,
    'ae-unresolved-link': SILENT,
    'ae-undocumented': SILENT,
    'ae-forgotten-export': name === 'chartlog' ? { logLevel: 'error', addToApiReportFile: false } : SILENT,
  },
  tsdocMessageReporting: { default: SILENT },
});

const missing = Object.values(ENTRIES).filter((file) => !existsSync(join(root, file)));
if (missing.length > 0) {
  console.error(`api-report: ${missing.join(', ')} missing: run \`npm run build\` first`);
  process.exit(1);
}

const temp = mkdtempSync(join(tmpdir(), 'chartlog-api-'));
const configOf = (name, file) =>
  ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: join(root, file),
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            lib: ['ES2023'],
            types: ['node'],
            strict: true,
            skipLibCheck: true,
          },
          files: [join(root, file)],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${name}.api.md`,
        reportFolder: join(root, 'api'),
        reportTempFolder: temp,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: 'lf',
      messages: messagesOf(name),
    },
    configObjectFullPath: join(root, 'api', 'api-extractor.json'),
    packageJsonFullPath: join(root, 'package.json'),
  });

// Said once below, per entry, with what to do (and the lines that changed).
const QUIET = new Set([
  'console-compiler-version-notice',
  'console-api-report-not-copied',
  'console-api-report-diff',
  'console-api-report-copied',
  'console-api-report-unchanged',
  'console-api-report-created',
  'console-writing-api-report',
]);

/** The lines only in `before` (-) and only in `after` (+): enough to see what changed. */
function changedLines(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  const inA = new Set(a);
  const inB = new Set(b);
  return [
    ...a.filter((line) => !inB.has(line)).map((line) => `  - ${line}`),
    ...b.filter((line) => !inA.has(line)).map((line) => `  + ${line}`),
  ].join('\n');
}

let failed = 0;
try {
  const configs = Object.entries(ENTRIES).map(([name, file]) => [name, configOf(name, file)]);
  const [, first] = configs[0];
  const compilerState = CompilerState.create(first, {
    additionalEntryPoints: configs.map(([, config]) => config.mainEntryPointFilePath),
  });
  for (const [name, config] of configs) {
    const result = Extractor.invoke(config, {
      localBuild: update,
      compilerState,
      showVerboseMessages: false,
      messageCallback: (message) => {
        // The one message that matters is said below, per entry, with what to do.
        if (QUIET.has(message.messageId)) message.handled = true;
      },
    });
    if (!update && result.apiReportChanged) {
      failed++;
      console.log(
        `FAIL api/${name}.api.md: the public API of ${name.replace('-', '/')} changed. Review the` +
          ` difference (npm run api:update rewrites the report) and commit the report with the change.`,
      );
      const checkedIn = join(root, 'api', `${name}.api.md`);
      const now = join(temp, `${name}.api.md`);
      if (existsSync(now))
        console.log(
          changedLines(
            existsSync(checkedIn) ? readFileSync(checkedIn, 'utf8') : '',
            readFileSync(now, 'utf8'),
          ),
        );
    } else if (!result.succeeded) {
      failed++;
      console.log(`FAIL ${name}: ${result.errorCount} errors, ${result.warningCount} warnings`);
    } else {
      console.log(`${update && result.apiReportChanged ? 'updated' : 'ok  '} api/${name}.api.md`);
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
