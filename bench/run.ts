/**
 * `npm run bench -- <name> [--quick] [args…]`: runs bench/<name>.ts, which prints one
 * JSON line per figure. With no name, lists the benchmarks.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchOptions } from './emit.js';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [--quick]\nbenchmarks: ${available.join(', ')}\n`);
  process.exit(name && name !== '--help' ? 2 : 0);
}
const options: BenchOptions = { quick: rest.includes('--quick'), args: rest.filter((a) => a !== '--quick') };
const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as {
  run(options: BenchOptions): Promise<void>;
};
await mod.run(options);
