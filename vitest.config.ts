import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // Examples and README snippets import the package by name, as users do; in tests that
  // name means the sources (the built package is smoke-tested after the build).
  resolve: {
    alias: [
      { find: /^chartlog$/, replacement: src('index.ts') },
      { find: /^chartlog\/testing$/, replacement: src('testing/index.ts') },
      { find: /^chartlog\/sqlite$/, replacement: src('store/sqlite/index.ts') },
      { find: /^chartlog\/eventstoredb$/, replacement: src('store/eventstoredb/index.ts') },
      { find: /^chartlog\/http$/, replacement: src('sync/http/index.ts') },
      { find: /^chartlog\/fhir$/, replacement: src('fhir/index.ts') },
      { find: /^chartlog\/clinical$/, replacement: src('clinical/index.ts') },
      { find: /^chartlog\/adapter$/, replacement: src('adapter/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest runs one file at a time on a 2-core machine (cores - 1); most of this suite's
    // time is child processes, sockets and SQLite files waiting, so two files at once halve
    // it (290 s → 195 s here) without starving either.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
