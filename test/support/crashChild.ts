/**
 * Runs a writer child process until it is SIGKILLed, collecting what it acknowledged: the
 * harness of the crash tests (test/e2e/crash.test.ts, test/store/sqliteProjectionCrash.test.ts).
 * The child writes `ack <site> <fromSeq> <toSeq> <hashOfToSeq>` per site after each
 * committed append; any other line is kept in `lines`.
 */
import { spawn } from 'node:child_process';
import type { EventHash, SiteId } from '../../src/event/ids.js';

/** What one child did before it died. */
export interface ChildRun {
  /** Highest acknowledged (seq, hash) per site reported by this child. */
  readonly acked: Map<SiteId, { seq: number; hash: EventHash }>;
  readonly ackLines: number;
  /** Every other line the child wrote (e.g. `ready …`). */
  readonly lines: readonly string[];
  readonly stderr: string;
  readonly signal: NodeJS.Signals | null;
}

/** When to kill: `afterFirstAckMs` after its first ack, or `atMs` after spawn. */
export type KillMoment = { readonly afterFirstAckMs: number } | { readonly atMs: number };

/** Spawns `node --import tsx <fixture> ...args` and SIGKILLs it at `kill` (or after 20 s at the latest). */
export function runCrashChild(fixture: string, args: readonly string[], kill: KillMoment): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<SiteId, { seq: number; hash: EventHash }>();
    const lines: string[] = [];
    let ackLines = 0;
    let carry = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const killNow = (): void => void child.kill('SIGKILL');
    if ('atMs' in kill) timer = setTimeout(killNow, kill.atMs);
    const failsafe = setTimeout(killNow, 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      carry += chunk;
      const parts = carry.split('\n');
      carry = parts.pop() ?? '';
      for (const line of parts) {
        const [word, site, , to, hash] = line.split(' ');
        if (word !== 'ack') {
          lines.push(line);
          continue;
        }
        ackLines++;
        acked.set(site as SiteId, { seq: Number(to), hash: hash as EventHash });
        if (timer === undefined && 'afterFirstAckMs' in kill)
          timer = setTimeout(killNow, kill.afterFirstAckMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.on('error', reject);
    // 'close' waits for stdout to drain: every ack the child wrote before dying is counted.
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      clearTimeout(failsafe);
      resolve({ acked, ackLines, lines, stderr, signal });
    });
  });
}
