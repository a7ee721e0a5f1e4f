/**
 * `npm run bench -- junk-body [--quick] [--body-mib N] [--rss-cap-mib N]`: the memory a
 * hostile peer can make `chartlog serve` hold, and whether other peers are still served
 * meanwhile (issue 9's acceptance: peak RSS under 300 MiB, other peers answered within 1 s).
 *
 * A real `chartlog serve` child process (run from source through tsx, as the CLI tests
 * do) on a fresh SQLite store; one peer (practice-a, valid token) posts one sync request
 * whose body is a header line and then 64 MiB (`--quick`: 8 MiB) of `{}` lines, the
 * cheapest junk a peer can send; meanwhile another peer (practice-b) polls
 * `GET /chartlog/status` every 100 ms. Printed: the server's peak RSS (the kernel's
 * high-water mark, /proc/<pid>/status VmHWM), its RSS before the post, the other peer's
 * max and median latency, and what the post got back. Linux only (/proc).
 *
 * Safety on a shared machine: when the server's RSS passes `--rss-cap-mib` (default
 * 2048) it is killed and the figures say so (`cappedAt`): code that holds an object per
 * junk line would otherwise take many GiB.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSiteKeyFiles } from '../src/sync/http/siteKeyFile.js';
import { emit, median, progress, type BenchOptions } from './emit.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MIB = 1024 * 1024;
const TOKEN_A = 'token-of-practice-a-0123456789';
const TOKEN_B = 'token-of-practice-b-0123456789';
const POLL_EVERY_MS = 100;

/** Runs the scenario; see the file comment. */
export async function run(options: BenchOptions): Promise<void> {
  const bodyMib = numberArg(options.args, '--body-mib') ?? (options.quick ? 8 : 64);
  const capMib = numberArg(options.args, '--rss-cap-mib') ?? 2048;
  const dir = mkdtempSync(join(tmpdir(), 'chartlog-junk-body-'));
  try {
    for (const site of ['hospital-d', 'practice-a', 'practice-b'])
      writeSiteKeyFiles(join(dir, `${site}.key`));
    const peers = [
      { site: 'practice-a', publicKeyFile: 'practice-a.key.pub', token: TOKEN_A },
      { site: 'practice-b', publicKeyFile: 'practice-b.key.pub', token: TOKEN_B },
    ];
    writeFileSync(join(dir, 'peers.json'), JSON.stringify({ peers }));
    const args = [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--store',
      join(dir, 'hospital-d.chartlog'),
      '--site',
      'hospital-d',
      '--key',
      join(dir, 'hospital-d.key'),
      '--peers',
      join(dir, 'peers.json'),
      '--port',
      '0',
      '--json',
    ];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const url = await listeningUrl(child.stdout, exited, () => stderr);
    const pid = child.pid as number;
    const baseline = procStatusMib(pid, 'VmRSS') ?? 0;
    progress(
      `junk-body: serve pid ${pid} at ${url}, ${baseline} MiB before; posting ${bodyMib} MiB of junk lines…`,
    );

    // Watch the server's memory; kill it past the cap.
    let sampledPeak = baseline;
    let cappedAt: number | undefined;
    const sampler = setInterval(() => {
      const rss = procStatusMib(pid, 'VmRSS');
      if (rss === undefined) return;
      sampledPeak = Math.max(sampledPeak, rss);
      if (rss > capMib && cappedAt === undefined) {
        cappedAt = rss;
        progress(`junk-body: serve RSS ${rss} MiB passed the cap of ${capMib} MiB: killing it`);
        child.kill('SIGKILL');
      }
    }, 25);

    const latencies: number[] = [];
    let pollFailures = 0;
    let posting = true;
    const agent = new Agent({ keepAlive: true });
    const poller = (async () => {
      while (posting) {
        const t = performance.now();
        const ok = await getStatus(url, agent);
        if (ok) latencies.push(performance.now() - t);
        else pollFailures++;
        await new Promise((r) => setTimeout(r, POLL_EVERY_MS));
      }
    })();

    const started = performance.now();
    const post = await postJunk(url, bodyMib * MIB);
    const postSeconds = (performance.now() - started) / 1000;
    posting = false;
    await poller;
    agent.destroy();
    const hwm = procStatusMib(pid, 'VmHWM');
    clearInterval(sampler);
    child.kill('SIGTERM');
    await exited;

    const peak = Math.max(hwm ?? 0, sampledPeak);
    const maxMs = latencies.length === 0 ? Number.NaN : Math.max(...latencies);
    const common = {
      bodyMib,
      junkLines: post.lines,
      postStatus: post.status,
      postSeconds: round(postSeconds, 2),
      refusedCount: post.refusedCount ?? -1,
      ...(cappedAt !== undefined ? { cappedAt } : {}),
    };
    emit({
      bench: 'junk-body',
      metric: 'serve_peak_rss',
      value: peak,
      unit: 'MiB',
      ...common,
      baselineMib: baseline,
      goalMib: 300,
      goalMet: cappedAt === undefined && peak < 300,
    });
    emit({
      bench: 'junk-body',
      metric: 'other_peer_status_max',
      value: round(maxMs, 1),
      unit: 'ms',
      requests: latencies.length,
      failures: pollFailures,
      goalMs: 1000,
      goalMet: pollFailures === 0 && maxMs < 1000,
    });
    emit({
      bench: 'junk-body',
      metric: 'other_peer_status_median',
      value: round(median(latencies), 1),
      unit: 'ms',
      requests: latencies.length,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Posts `{header}\n` then `{}` lines up to exactly `bytes` (the default body limit), with backpressure. */
function postJunk(
  url: string,
  bytes: number,
): Promise<{ status: number; lines: number; refusedCount?: number }> {
  const header = '{"protocol":1,"vector":{}}\n';
  const junkBytes = bytes - header.length;
  const lines = Math.floor(junkBytes / 3);
  const tail = junkBytes - lines * 3; // padding spaces, so the body is exactly `bytes`
  const block = Buffer.from('{}\n'.repeat(MIB / 4));
  return new Promise((resolve) => {
    const req = request(`${url}/chartlog/sync`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN_A}`,
        'content-type': 'application/x-ndjson',
        'content-length': String(bytes),
      },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').trimEnd();
        let refusedCount: number | undefined;
        try {
          refusedCount = (JSON.parse(text.split('\n').at(-1) ?? '') as { ingest?: { refusedCount?: number } })
            .ingest?.refusedCount;
        } catch {
          refusedCount = undefined;
        }
        resolve(
          refusedCount === undefined
            ? { status: res.statusCode ?? 0, lines }
            : { status: res.statusCode ?? 0, lines, refusedCount },
        );
      });
    });
    req.on('error', () => resolve({ status: 0, lines }));
    void (async () => {
      req.write(header);
      let left = lines * 3;
      while (left > 0 && !answered && !req.destroyed) {
        const part = left >= block.length ? block : block.subarray(0, left);
        left -= part.length;
        if (!req.write(part)) {
          await new Promise<void>((r) => {
            const done = (): void => {
              req.off('drain', done).off('close', done);
              r();
            };
            req.on('drain', done).on('close', done);
          });
        }
      }
      if (!answered && !req.destroyed) req.end(' '.repeat(tail));
    })();
  });
}

/** One status request by the other peer: true when answered 200. */
function getStatus(url: string, agent: Agent): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${url}/chartlog/status`,
      { agent, headers: { authorization: `Bearer ${TOKEN_B}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      },
    );
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** A /proc/<pid>/status figure in MiB, or undefined when the process is gone. */
function procStatusMib(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? round(Number(match[1]) / 1024, 1) : undefined;
  } catch {
    return undefined;
  }
}

/** Waits for serve's `{"listening":true,"url":…}` line. */
function listeningUrl(
  stdout: NodeJS.ReadableStream,
  exited: Promise<void>,
  stderr: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stdout.setEncoding('utf8');
    stdout.on('data', (s: string) => {
      text += s;
      const line = text.split('\n')[0];
      if (text.includes('\n') && line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => reject(new Error(`serve exited before listening: ${stderr()}`)));
  });
}

function numberArg(args: readonly string[], name: string): number | undefined {
  const i = args.indexOf(name);
  const n = i === -1 ? Number.NaN : Number(args[i + 1]);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
