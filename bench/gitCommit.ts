import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The commit a benchmark measured, for its recorded lines: `git rev-parse --short HEAD`,
 * marked `+dirty` when `src/` has uncommitted changes (the figures are then of code no
 * commit holds); `unknown` outside a git checkout.
 */
export function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root, encoding: 'utf8' }).trim() !==
      '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}
