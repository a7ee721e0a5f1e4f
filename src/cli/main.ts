#!/usr/bin/env node
/**
 * The `chartlog` executable (package bin): `chartlog <command> [options]`, see
 * {@link runCli}. Kept to the call so the commands stay importable and testable.
 */
import { runCli } from './runCli.js';

// `chartlog … | head`: once the reader has gone, output is dropped and the command runs to its
// end (an import still finishes, a demo still cleans up) rather than dying on an EPIPE trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

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
