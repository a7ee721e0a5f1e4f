/**
 * The entry of a SQLite projection rebuild's worker threads (a tsup entry of its own,
 * `dist/workers/sqliteRebuildWorker.js`): the worker body from the store layer, given the
 * schemas a worker knows without a `schemaModule`. It sits above `clinical` so that it
 * may name `clinicalSchema`; nothing imports it.
 */
import { clinicalSchema } from '../clinical/clinicalSchema.js';
import { runRebuildWorker } from '../store/sqlite/runRebuildWorker.js';

void runRebuildWorker([clinicalSchema]);
