import { accessSync, constants, createReadStream, statSync } from 'node:fs';
import { ChartlogError } from '../../error/chartlogError.js';
import type { FhirInputSource } from './fhirInputSource.js';

/**
 * A file as a {@link FhirInputSource}: named by its path, streamed (never read whole
 * here), its size from `stat` as the progress total. The file is opened when reading
 * starts and closed when it stops, early or not.
 *
 * @throws ChartlogError `FHIR_INPUT_UNREADABLE` (`details.path`) when the file is missing,
 *   not a regular file, or cannot be read.
 * @example
 * ```ts
 * for await (const item of readFhirInput(process.argv.slice(2).map(fhirFileSource))) …
 * ```
 */
export function fhirFileSource(path: string): FhirInputSource {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a regular file');
    accessSync(path, constants.R_OK);
    size = stat.size;
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new ChartlogError('FHIR_INPUT_UNREADABLE', `${path}: cannot read it as FHIR input (${reason})`, {
      cause,
      details: { path },
    });
  }
  return {
    name: path,
    totalBytes: size,
    chunks: { [Symbol.asyncIterator]: () => createReadStream(path)[Symbol.asyncIterator]() },
  };
}
