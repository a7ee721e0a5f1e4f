import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version in chartlog's own package.json (what `chartlog --version` prints), read at
 * run time from the nearest enclosing package.json named `chartlog`: found alike from
 * `src/cli/` (tsx), from the bundled `dist/` chunks and from an installed
 * `node_modules/chartlog/dist/`. `unknown` when there is none (a bundler that left it behind).
 */
export function packageVersion(): string {
  // This module may be bundled into dist/*.js or dist/cli/*: so walk up, rather than a fixed `../..`.
  let dir = dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (name === 'chartlog' && typeof version === 'string') return version;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
