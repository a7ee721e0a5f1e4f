import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { chartlogCommand, root } from './runChartlog.js';

describe('chartlog writing into a pipe the reader closed', () => {
  it('stops quietly, as `chartlog … | head` expects, without a stack trace', async () => {
    // The demo prints progress line by line for seconds: the reader leaves after the first.
    const child = spawn(
      process.execPath,
      [...chartlogCommand(), 'demo', '--patients', '12', '--hours', '1', '--seed', '1'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    // What a shell reports for a writer whose reader left: no failure of chartlog's own.
    expect(code).toBe(0);
  });
});
