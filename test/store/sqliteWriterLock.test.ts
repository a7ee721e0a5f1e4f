/**
 * Finding 10 of issue 9: two processes could record into one SQLite store at once (the
 * server then served a stale chart and its own records failed with FORK). One writer per
 * store: a second writer, in any process, gets STORE_LOCKED naming the path; readers
 * still read; the lock ends with the process that held it, even a SIGKILLed one.
 *
 * Real child processes (node --import tsx) on a real file: the lock is an OS lock, and
 * only separate processes show that it is one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { SiteId } from '../../src/event/ids.js';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { runChartlog } from '../cli/runChartlog.js';
import { SITES } from '../support/storeFixtures.js';
import { useTempDir } from '../support/tempDir.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/storeWriter.ts', import.meta.url));
const file = useTempDir('writer-lock');
const [A] = SITES as [SiteId];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface WriterLine {
  readonly ready?: boolean;
  readonly opened?: boolean;
  readonly vector?: Record<string, number>;
  readonly code?: string;
  readonly message?: string;
  readonly details?: Record<string, unknown>;
}

/** Starts `storeWriter.ts <mode> <path>` and resolves to its first stdout line, parsed. */
function startWriter(mode: 'hold' | 'try', path: string): { child: ChildProcess; line: Promise<WriterLine> } {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode, path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
  const line = new Promise<WriterLine>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as WriterLine);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`writer ${mode} exited (${code ?? signal}) before a line: ${err}`)),
    );
  });
  return { child, line };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

describe('SQLite store: one writer at a time, across processes', () => {
  it('a second writer process gets STORE_LOCKED naming the path while readers still read; after SIGKILL of the writer a new one opens', async () => {
    const path = file('site.chartlog');
    const holder = startWriter('hold', path);
    expect(await holder.line).toMatchObject({ ready: true, vector: { [A]: 3 } });

    const second = startWriter('try', path);
    const refused = await second.line;
    expect(refused.code).toBe('STORE_LOCKED');
    expect(refused.details).toMatchObject({ path });
    expect(refused.message).toContain(path);
    expect(refused.message).toMatch(/one writer/);

    // In this process too: a writable open is refused, a read-only one reads what the holder wrote.
    expect(() => openSqliteEventLog(path)).toThrow(expect.objectContaining({ code: 'STORE_LOCKED' }));
    const reader = openSqliteEventLog(path, { readOnly: true });
    try {
      expect(await reader.versionVector()).toEqual({ [A]: 3 });
      expect(await reader.readSite(A)).toHaveLength(3);
    } finally {
      await reader.close();
    }
    // And a reading CLI command, as a separate process.
    const verified = await runChartlog(['verify', '--store', path, '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, events: 3 });

    holder.child.kill('SIGKILL');
    await exited(holder.child);
    // No stale lock: the next writer opens and continues the chain the killed one left.
    const next = startWriter('try', path);
    expect(await next.line).toEqual({ opened: true, vector: { [A]: 3 } });
    await exited(next.child);
    const again = startWriter('hold', path);
    expect(await again.line).toMatchObject({ ready: true, vector: { [A]: 6 } });
  });

  it('the CLI refuses a second writer with exit 3 and a message naming the store', async () => {
    const path = file('cli.chartlog');
    const holder = startWriter('hold', path);
    await holder.line;
    expect((await runChartlog(['keygen', '--out', file('practice-b.key')])).code).toBe(0);
    writeFileSync(
      file('peers.json'),
      JSON.stringify({
        peers: [
          {
            site: 'practice-b',
            publicKeyFile: 'practice-b.key.pub',
            token: 'token-of-practice-b-0123456789',
          },
        ],
      }),
    );
    const run = await runChartlog([
      'sync',
      '--store',
      path,
      '--site',
      'practice-b',
      '--key',
      file('practice-b.key'),
      '--peers',
      file('peers.json'),
      '--peer',
      'http://127.0.0.1:9',
      '--token',
      'token-of-practice-b-0123456789',
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('STORE_LOCKED');
    expect(run.stderr).toContain(path);
  });
});
