import { existsSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/cli/exitCodes.js';
import { readPeersConfig } from '../../src/cli/peersConfig.js';
import { readServeLoops } from '../../src/cli/serveLoops.js';
import { writeSiteKeyFiles } from '../../src/sync/http/siteKeyFile.js';
import type { ChartlogError } from '../../src/error/chartlogError.js';
import { useTempDir } from '../support/tempDir.js';
import { runChartlog } from './runChartlog.js';

const file = useTempDir('serve-loops');
for (const site of ['practice-a', 'practice-b', 'practice-c', 'hospital-d'])
  writeSiteKeyFiles(file(`${site}.key`));

/** Writes a peers file with these entries (each given a public key file) and returns its path. */
function peersFile(name: string, entries: readonly Record<string, unknown>[]): string {
  writeFileSync(
    file(name),
    JSON.stringify({ peers: entries.map((e) => ({ publicKeyFile: `${String(e['site'])}.key.pub`, ...e })) }),
  );
  return file(name);
}

function thrown(f: () => unknown): ChartlogError {
  try {
    f();
  } catch (error) {
    return error as ChartlogError;
  }
  throw new Error('expected a throw');
}

const callsB = {
  site: 'practice-b',
  token: 'practice-b-calls-us-0001',
  url: 'http://127.0.0.1:8082',
  ourToken: 'we-call-practice-b-01',
};
const callsD = {
  site: 'hospital-d',
  url: 'https://hospital-d.example/chartlog-base',
  ourToken: 'we-call-hospital-d-01',
};

describe('peers file: where we call a peer (url) and with which token (ourToken)', () => {
  it('a peer may carry the url we call it at and the token we present there; other peers need neither', () => {
    const config = readPeersConfig(
      peersFile('ok.json', [callsB, callsD, { site: 'practice-a', token: 'practice-a-calls-us-01' }]),
    );
    expect(config.peers.map((p) => [p.site, p.url, p.ourToken])).toEqual([
      ['practice-b', callsB.url, callsB.ourToken],
      ['hospital-d', callsD.url, callsD.ourToken],
      ['practice-a', undefined, undefined],
    ]);
    // ourToken is ours at the peer, not theirs here: it does not let anyone call us.
    expect(config.tokens).toEqual({
      'practice-b-calls-us-0001': 'practice-b',
      'practice-a-calls-us-01': 'practice-a',
    });
  });

  it('url and ourToken come together, the url is a plain http(s) base URL and the token has 16+ characters; each problem names its field', () => {
    const error = thrown(() =>
      readPeersConfig(
        peersFile('bad.json', [
          { site: 'practice-a', url: 'http://127.0.0.1:8081' },
          { site: 'practice-b', ourToken: 'we-call-practice-b-01' },
          { site: 'hospital-d', url: 'ftp://hospital-d.example', ourToken: 'short' },
          { site: 'practice-c', url: 'http://user:pw@host:1/?q=1', ourToken: 'we-call-practice-c-01' },
        ]),
      ),
    );
    expect(error.code).toBe('INVALID_OPTION');
    expect(exitCodeOf(error)).toBe(2);
    expect(error.issues.map((i) => [i.path.join('.'), i.message.split(':')[0]])).toEqual([
      ['peers.0.url', 'needs ourToken'],
      ['peers.1.ourToken', 'is only used with url (where we call this peer)'],
      ['peers.2.url', 'must be an http'],
      ['peers.2.ourToken', 'must be a string of at least 16 characters'],
      ['peers.3.url', 'must be an http'],
    ]);
  });
});

describe('chartlog serve --sync-every and --demo-*: reading the options', () => {
  const peers = readPeersConfig(
    peersFile('loops.json', [
      callsB,
      callsD,
      { ...callsB, site: 'practice-a', token: 'practice-a-calls-us-01' },
    ]),
  );

  it('without them, serve only answers peers', () => {
    expect(readServeLoops({}, peers, 'practice-a')).toEqual({});
  });

  it('--sync-every calls every peer with a url, except this site itself, with the token it presents there', () => {
    expect(readServeLoops({ 'sync-every': '500' }, peers, 'practice-a')).toEqual({
      sync: {
        everyMs: 500,
        peers: [
          { site: 'practice-b', url: callsB.url, token: callsB.ourToken },
          { site: 'hospital-d', url: callsD.url, token: callsD.ourToken },
        ],
      },
    });
  });

  it('--demo-activity takes a rate per second (fractions too) and --demo-events / --demo-patients bound it', () => {
    expect(readServeLoops({ 'demo-activity': '0.5' }, peers, 'practice-a')).toEqual({
      demo: { eventsPerSecond: 0.5, patients: 10 },
    });
    expect(
      readServeLoops(
        { 'demo-activity': '20', 'demo-events': '60', 'demo-patients': '3', 'sync-every': '250' },
        peers,
        'practice-a',
      ),
    ).toMatchObject({ sync: { everyMs: 250 }, demo: { eventsPerSecond: 20, maxOwnEvents: 60, patients: 3 } });
  });

  it.each([
    [{ 'sync-every': '5' }, '--sync-every must be a whole number from 10'],
    [{ 'sync-every': 'soon' }, '--sync-every must be a whole number'],
    [{ 'demo-activity': '0' }, '--demo-activity takes events per second'],
    [{ 'demo-activity': 'fast' }, '--demo-activity takes events per second'],
    [{ 'demo-activity': '1e3' }, '--demo-activity takes events per second'],
    [{ 'demo-activity': '5000' }, '--demo-activity takes events per second'],
    [{ 'demo-activity': '5', 'demo-events': '0' }, '--demo-events must be a whole number, 1 or more'],
    [{ 'demo-activity': '5', 'demo-patients': '2.5' }, '--demo-patients must be a whole number'],
    [{ 'demo-events': '10' }, '--demo-events only applies with --demo-activity'],
    [{ 'demo-patients': '10' }, '--demo-patients only applies with --demo-activity'],
  ])('%j is a usage error (INVALID_OPTION, exit 2)', (values, message) => {
    const error = thrown(() => readServeLoops(values, peers, 'practice-a'));
    expect(error.code).toBe('INVALID_OPTION');
    expect(exitCodeOf(error)).toBe(2);
    expect(error.message).toContain(message);
  });

  it('--sync-every with no peer to call is a usage error naming the peers file', () => {
    const quiet = readPeersConfig(
      peersFile('quiet.json', [
        { site: 'practice-b', token: 'practice-b-calls-us-0001' },
        { ...callsB, site: 'practice-a', token: 'practice-a-calls-us-01' },
      ]),
    );
    const error = thrown(() => readServeLoops({ 'sync-every': '1000' }, quiet, 'practice-a'));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(`no peer in ${quiet.path} has a url`);
  });

  it('the real command exits 2 with one INVALID_OPTION line for each, before creating the store', async () => {
    const base = [
      'serve',
      '--store',
      file('never.chartlog'),
      '--site',
      'practice-a',
      '--key',
      file('practice-a.key'),
      '--port',
      '0',
    ];
    const runs = await Promise.all([
      runChartlog([...base, '--peers', file('loops.json'), '--demo-activity', 'fast']),
      runChartlog([...base, '--peers', file('quiet.json'), '--sync-every', '1000']),
      runChartlog([...base, '--peers', file('bad.json'), '--json']),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^chartlog serve: INVALID_OPTION: /);
    }
    expect(runs[2]?.stderr).toContain('peers[0].url: needs ourToken');
    expect(existsSync(file('never.chartlog'))).toBe(false);
  });
});
