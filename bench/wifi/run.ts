/**
 * Benchmark: decoding a large 802.11 capture (scapy-built beacons of fourteen security modes, probe requests and
 * responses, EAPOL-Key frames; radiotap, classic pcap) by `mitmguard wifi capture` — the full air inventory, detectors
 * and checks — side by side with `tshark` extracting the same fields (SSID, BSSID, AKMs, pairwise ciphers, MFPR, channel,
 * signal). Both are timed as a user runs them (`node bin/mitmguard.js`, never npx). Prints the ratio and writes
 * bench/results/wifi.json. A script, not a test.
 *
 *   node scripts/build.mjs && npx tsx bench/wifi/run.ts [--mib 100]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const MIB = arg('--mib', 100);
/** Average record size of the generator's frame mix (measured), to reach the requested size. */
const BYTES_PER_FRAME = 113;

function timed(cmd: string, args: string[]): { seconds: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return { seconds, stdout: r.stdout };
}

const dir = mkdtempSync(join(tmpdir(), 'mg-bench-wifi-'));
try {
  const file = join(dir, 'air.pcap');
  const frames = Math.ceil((MIB * 1024 * 1024) / BYTES_PER_FRAME);
  execFileSync('/usr/bin/python3', [join(ROOT, 'test/helpers/wifi_frames.py'), 'flood-big', file, String(frames)], { stdio: 'inherit' });
  const size = statSync(file).size;
  const ours = timed(process.execPath, [join(ROOT, 'bin/mitmguard.js'), 'wifi', 'capture', file, '--format', 'json']);
  const doc = JSON.parse(ours.stdout) as { frames: { total: number; decoded: number }; networks: unknown[] };
  if (doc.frames.decoded !== frames) throw new Error(`mitmguard decoded ${doc.frames.decoded} of ${frames} frames`);
  const fields = ['wlan.ssid', 'wlan.bssid', 'wlan.rsn.akms.type', 'wlan.rsn.pcs.type', 'wlan.rsn.capabilities.mfpr', 'radiotap.channel.freq', 'radiotap.dbm_antsignal'];
  const theirs = timed('tshark', ['-n', '-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])]);
  const lines = theirs.stdout.split('\n').length - 1;
  if (lines !== frames) throw new Error(`tshark printed ${lines} lines for ${frames} frames`);
  const mibps = (s: number) => size / (1024 * 1024) / s;
  const result = {
    area: 'wifi',
    date: new Date().toISOString(),
    file: { bytes: size, frames },
    mitmguard: { seconds: ours.seconds, mibPerSecond: mibps(ours.seconds), networks: doc.networks.length },
    tshark: { seconds: theirs.seconds, mibPerSecond: mibps(theirs.seconds), version: execFileSync('tshark', ['--version']).toString().split('\n')[0] },
    ratio: theirs.seconds / ours.seconds,
  };
  console.log(`${(size / 1048576).toFixed(1)} MiB, ${frames} frames: mitmguard ${ours.seconds.toFixed(2)} s (${result.mitmguard.mibPerSecond.toFixed(1)} MiB/s), tshark ${theirs.seconds.toFixed(2)} s (${result.tshark.mibPerSecond.toFixed(1)} MiB/s): ${result.ratio.toFixed(2)}x tshark's throughput`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/wifi.json'), JSON.stringify(result, null, 2) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
