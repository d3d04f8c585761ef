/**
 * Benchmark: `mitmguard capture` against `tshark -r … -T fields` on the same large capture, in one run. The capture is
 * written here with real clients and tcpdump, on the loopback of a namespace set to an Ethernet-sized MTU (1500) so
 * frames are as many as on a LAN: TLS 1.3 and TLS 1.2 downloads (openssl s_server -WWW, curl), HTTP downloads with
 * Basic auth (python3 http.server, curl -u) and DNS queries. mitmguard extracts SNI, versions, suites, certificates,
 * DNS answers and credentials (and runs every detector); tshark extracts the same fields. Prints frames/s, MiB/s, the
 * ratio and peak RSS, and writes bench/results/capture.json. A script, not a test.
 *
 *   npx tsx bench/capture/run.ts [--mib 200] [--runs 3] [--keep]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLan, listening, PYTHON, sleep } from '../../test/helpers/netns-lan.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const MIB = arg('--mib', 200);
const RUNS = arg('--runs', 3);
const root = resolve(new URL('../..', import.meta.url).pathname);
const scripts = join(root, 'test/data/capture');

/**
 * Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of a command, through GNU time. CPU time is what to
 * compare on a shared machine: wall time there measures the neighbours too.
 */
function timed(cmd: string[]): { seconds: number; cpuSeconds: number; rssKiB: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...cmd], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const last = r.stderr.trim().split('\n').pop()!;
  const [s, u, sy, m] = last.split(' ');
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  return { seconds: Number(s), cpuSeconds: +(Number(u) + Number(sy)).toFixed(2), rssKiB: Number(m) };
}

async function writeCapture(dir: string): Promise<string> {
  const lan = createLan('bch', []);
  try {
    // Ethernet-sized frames: no segmentation offload on this loopback, so tcpdump sees what a LAN carries.
    lan.run('switch', ['ip', 'link', 'set', 'lo', 'mtu', '1500', 'gso_max_size', '1500', 'gso_max_segs', '1']);
    lan.run('switch', ['ip', 'link', 'set', 'lo', 'up']);
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=bench.example', '-addext', 'subjectAltName=DNS:bench.example', '-days', '2'], { stdio: 'ignore' });
    const www = join(dir, 'www');
    mkdirSync(www);
    const blob = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < blob.length; i += 4) blob.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(join(www, 'blob.bin'), blob);
    const file = join(dir, 'bench.pcap');
    const dump = lan.start('switch', ['tcpdump', '-i', 'lo', '-U', '-s', '0', '-n', '-B', '65536', '-w', file, '-Z', 'root']);
    await listening(dump);
    const servers = [
      lan.start('switch', ['sh', '-c', `cd ${www} && exec openssl s_server -accept 4433 -tls1_3 -cert ${cert} -key ${key} -WWW -quiet`]),
      lan.start('switch', ['sh', '-c', `cd ${www} && exec openssl s_server -accept 4434 -tls1_2 -cert ${cert} -key ${key} -WWW -quiet`]),
      lan.start('switch', [PYTHON, '-m', 'http.server', '8080', '--bind', '127.0.0.1', '--directory', www]),
      lan.start('switch', [PYTHON, join(scripts, 'dns_server.py'), '127.0.0.1', '53', '3600']),
    ];
    await sleep(1500);
    const rounds = Math.max(1, Math.round(MIB / 8 / 3));
    for (let i = 0; i < rounds; i++) {
      const curl = (...a: string[]) => lan.run('switch', ['curl', '-s', '-o', '/dev/null', '--max-time', '60', ...a], { timeoutMs: 90_000 });
      curl('-k', '--resolve', `tls13-${i}.bench.example:4433:127.0.0.1`, `https://tls13-${i}.bench.example:4433/blob.bin`);
      curl('-k', '--resolve', `tls12-${i}.bench.example:4434:127.0.0.1`, `https://tls12-${i}.bench.example:4434/blob.bin`);
      curl('-u', `user${i}:secret${i}`, 'http://127.0.0.1:8080/blob.bin');
      lan.run('switch', [PYTHON, join(scripts, 'dns_client.py'), '127.0.0.1', '53', ...Array.from({ length: 20 }, (_, k) => `h${i}-${k}.bench.example`)]);
    }
    await sleep(500);
    dump.kill('SIGINT');
    await new Promise((r) => dump.once('close', r));
    for (const s of servers) s.kill('SIGKILL');
    return file;
  } finally {
    lan.destroy();
  }
}

async function main(): Promise<void> {
  execFileSync('node', [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'mg-bench-capture-'));
  try {
    const file = await writeCapture(dir);
    const bytes = statSync(file).size;
    const frames = Number(execFileSync('capinfos', ['-c', '-M', '-T', '-r', file], { encoding: 'utf8' }).trim().split('\t').pop());
    console.error(`bench/capture: ${file}: ${(bytes / 2 ** 20).toFixed(1)} MiB, ${frames} frames`);
    const ours = ['node', join(root, 'bin/mitmguard.js'), 'capture', file, '--format', 'json'];
    const theirs = ['tshark', '-r', file, '-T', 'fields', '-e', 'tls.handshake.extensions_server_name', '-e', 'tls.handshake.version', '-e', 'tls.handshake.ciphersuite', '-e', 'tls.handshake.certificate', '-e', 'http.authorization', '-e', 'dns.qry.name', '-e', 'dns.a'];
    const runs: Array<{ ours: ReturnType<typeof timed>; tshark: ReturnType<typeof timed> }> = [];
    for (let i = 0; i < RUNS; i++) runs.push({ ours: timed(ours), tshark: timed(theirs) });
    const best = (k: 'ours' | 'tshark') => runs.map((r) => r[k]).sort((a, b) => a.cpuSeconds - b.cpuSeconds)[0]!;
    const o = best('ours');
    const t = best('tshark');
    const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
    const row = {
      captureMiB: +(bytes / 2 ** 20).toFixed(1),
      frames,
      mitmguardSeconds: o.seconds,
      tsharkSeconds: t.seconds,
      mitmguardFramesPerSecond: Math.round(frames / o.seconds),
      tsharkFramesPerSecond: Math.round(frames / t.seconds),
      mitmguardMiBPerSecond: +(bytes / 2 ** 20 / o.seconds).toFixed(1),
      tsharkMiBPerSecond: +(bytes / 2 ** 20 / t.seconds).toFixed(1),
      ratio: +(t.seconds / o.seconds).toFixed(2),
      mitmguardCpuSeconds: o.cpuSeconds,
      tsharkCpuSeconds: t.cpuSeconds,
      cpuRatio: +(t.cpuSeconds / o.cpuSeconds).toFixed(2),
      mitmguardCpuMiBPerSecond: +(bytes / 2 ** 20 / o.cpuSeconds).toFixed(1),
      loadAverage: load,
      mitmguardPeakRssMiB: +(o.rssKiB / 1024).toFixed(0),
      tsharkPeakRssMiB: +(t.rssKiB / 1024).toFixed(0),
    };
    console.log(`capture ${row.captureMiB} MiB / ${frames} frames: mitmguard ${row.mitmguardSeconds} s (${row.mitmguardMiBPerSecond} MiB/s, ${row.mitmguardFramesPerSecond} frames/s, RSS ${row.mitmguardPeakRssMiB} MiB); tshark ${row.tsharkSeconds} s (${row.tsharkMiBPerSecond} MiB/s, RSS ${row.tsharkPeakRssMiB} MiB); wall ratio ${row.ratio}x; CPU ${row.mitmguardCpuSeconds} s vs ${row.tsharkCpuSeconds} s, CPU ratio ${row.cpuRatio}x (load ${load})`);
    const tsharkVersion = execFileSync('tshark', ['--version'], { encoding: 'utf8' }).split('\n')[0];
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/capture.json'), JSON.stringify({ bench: 'capture', date: new Date().toISOString(), node: process.version, cpus: cpus().length, tshark: tsharkVersion, runs: RUNS, rows: [row] }, null, 2) + '\n');
  } finally {
    if (process.argv.includes('--keep')) console.error(`bench/capture: kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
