#!/usr/bin/env node
/**
 * The `chartlog` executable (package bin): `chartlog <command> [options]`, see
 * {@link runCli}. Kept to the call so the commands stay importable and testable.
 */
import { runCli } from './runCli.js';

// No top-level await: this entry is also built as CommonJS.
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`chartlog: INTERNAL: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 5;
  },
);
