import { isChartlogError } from '../../error/chartlogError.js';
import { EXIT } from '../exitCodes.js';
import { out, outJson, requiredOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { heldByAnotherWriter, loadSqliteStore } from '../openStoreFile.js';
import { createProgressReporter, type ProgressReporter } from '../progressReporter.js';
import { jsonSeconds } from '../jsonSeconds.js';
import { storeOption } from '../siteOptions.js';

const MB = 1000 * 1000;

/** `chartlog compact`: rewrite a store file compact, with the page size chartlog makes new files with. */
export const compactCommand: CliCommand = {
  name: 'compact',
  summary: 'rewrite a store file compact, with 8 KiB pages (a store made before they were the default)',
  description: [
    'Rewrites the store into a new file beside it (STORE.compacting) with SQLite VACUUM INTO: the',
    'same events, projection and markers, with 8 KiB pages, every page packed, and the free pages',
    'gone. Then it checks the copy (the same events) and renames it over the store. Stopped at any',
    'point, even killed, it leaves the store as it was. A store made before chartlog used 8 KiB',
    'pages has 4 KiB ones, which hold one 2.5 KB projection row each: rewritten, the 5M-event',
    'practice store went from 17.3 to 13.5 GB. It needs free disk for the new file (about the',
    'size of the store) and nothing else using the store: stop chartlog serve, and any reader.',
    'Progress goes to stderr (bytes written, against the store pages now in use).',
  ],
  options: {
    store: storeOption('must exist'),
  },
  examples: [
    'chartlog compact --store practice-a.chartlog',
    'chartlog compact --store practice-a.chartlog --json',
  ],
  async run(values) {
    const path = requiredOption(values, 'store');
    const [sqlite] = await loadSqliteStore();
    let progress: ProgressReporter | undefined;
    const result = await sqlite
      .compactSqliteStore(path, {
        onProgress: ({ bytesWritten, bytesInUse }) => {
          progress ??= createProgressReporter('compact', bytesInUse, process.stderr, { unit: 'bytes' });
          progress.update(bytesWritten);
        },
      })
      .catch((error: unknown) => {
        // The writer lock (it names its lock file) is most likely held by a chartlog serve.
        throw isChartlogError(error, 'STORE_LOCKED') && error.details.lockPath !== undefined
          ? heldByAnotherWriter(path, error)
          : error;
      });
    // The new file's size was only estimated (the store's pages in use) until now.
    progress?.done(result.bytesAfter, result.bytesAfter);
    const { pageSizeBefore, pageSize, bytesBefore, bytesAfter, events } = result;
    const seconds = jsonSeconds(result.seconds);
    if (wantsJson(values))
      outJson({ path, events, pageSizeBefore, pageSize, bytesBefore, bytesAfter, seconds });
    else {
      out(`store    ${path}`);
      out(`events   ${events}`);
      out(`pages    ${pageSizeBefore} → ${pageSize} bytes`);
      out(
        `size     ${(bytesBefore / MB).toFixed(1)} → ${(bytesAfter / MB).toFixed(1)} MB in ${seconds.toFixed(1)} s`,
      );
    }
    return EXIT.ok;
  },
};
