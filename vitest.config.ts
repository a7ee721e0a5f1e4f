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
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
