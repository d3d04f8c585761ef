/**
 * Benchmark: the mTLS chain client → front client (plain in, mTLS out) → front server (mTLS in) → nginx, with the
 * fronts built from `mitmguard tunnel client|server` (node bin/mitmguard.js), from stunnel4, and from haproxy, in one
 * run on loopback with the same certificates from our CA. wrk with 2 threads × 50 connections on 1 KB and 100 KB
 * bodies (requests/s, mean latency, front CPU per request from /proc), then new mutual-TLS handshakes per second
 * against each front server (a bounded Node loop, 8 at a time). Also the CA's in-process issuance rate (P-256).
 * Prints ratios, writes bench/results/tunnel.json. A script, not a test.
 *
 *   npx tsx bench/tunnel/run.ts [--seconds 8] [--handshakes 400]
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initCa, parseSanNames, type CertificateAuthority } from '../../src/ca/index.js';
import { freePort, startNginx } from '../../test/helpers/daemons.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('--seconds', 8);
const HANDSHAKES = arg('--handshakes', 400);
const repo = resolve(new URL('../..', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'mg-bench-tunnel-'));
const f = (n: string) => join(dir, n);
const children: ChildProcess[] = [];

function sh(cmd: string, args: string[], timeoutMs = 120_000): Promise<{ ok: boolean; out: string }> {
  return new Promise((done) => execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => done({ ok: !err, out: `${stdout}${stderr}` })));
}

function start(cmd: string, args: string[]): ChildProcess {
  const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: repo });
  c.stdout!.on('data', () => undefined);
  c.stderr!.on('data', () => undefined);
  children.push(c);
  return c;
}

/** Wait until a TCP port accepts (bounded). */
async function waitPort(port: number, ms = 30_000): Promise<void> {
  const { connect } = await import('node:net');
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

/** utime + stime of a process in seconds (/proc/PID/stat fields 14 and 15, clock ticks of 1/100 s). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

async function wrk(port: number, path: string, pids: number[]): Promise<{ rps: number; latencyMs: number; cpuUsPerRequest: number; errors: number }> {
  const cpu0 = cpuSeconds(pids);
  const r = await sh('wrk', ['-t2', '-c50', `-d${SECONDS}s`, '--timeout', '10s', `http://127.0.0.1:${port}${path}`], (SECONDS + 30) * 1000);
  const cpu = cpuSeconds(pids) - cpu0;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.out)?.[1] ?? 0);
  const lat = /Latency\s+([\d.]+)(us|ms|s)/.exec(r.out);
  const latencyMs = lat ? Number(lat[1]) * (lat[2] === 'us' ? 0.001 : lat[2] === 's' ? 1000 : 1) : NaN;
  const total = Number(/(\d+) requests in/.exec(r.out)?.[1] ?? 0);
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(r.out)?.[1] ?? 0) + Number(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(r.out)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0);
  return { rps, latencyMs, cpuUsPerRequest: total ? (cpu / total) * 1e6 : NaN, errors };
}

/** New mutual-TLS handshakes per second against a front server: `total` connections, 8 at a time. */
async function handshakeRate(port: number, total: number): Promise<number> {
  const cert = readFileSync(f('client.crt'));
  const key = readFileSync(f('client.key'));
  const ca = readFileSync(f('root.pem'));
  let started = 0;
  let failed = 0;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (started < total) {
      started++;
      await new Promise<void>((done) => {
        const s = tlsConnect({ host: '127.0.0.1', port, cert, key, ca, servername: 'front.bench.test', session: undefined });
        s.once('secureConnect', () => {
          s.write('GET /1k HTTP/1.0\r\n\r\n');
        });
        s.once('data', () => {
          s.destroy();
          done();
        });
        s.once('error', () => {
          failed++;
          done();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return (total - failed) / secs;
}

async function main(): Promise<void> {
  const ca: CertificateAuthority = initCa(f('ca'), { name: 'Bench' });
  const write = (name: string, profile: 'peer' | 'client', sans: string[]) => {
    const r = ca.issue({ profile, names: parseSanNames(sans) });
    writeFileSync(f(`${name}.crt`), r.chainPem);
    writeFileSync(f(`${name}.key`), r.keyPem!, { mode: 0o600 });
    writeFileSync(f(`${name}.pem`), r.chainPem + r.keyPem!, { mode: 0o600 });
  };
  write('front', 'peer', ['front.bench.test', '127.0.0.1']);
  write('client', 'client', ['spiffe://bench.test/wrk']);
  writeFileSync(f('root.pem'), readFileSync(join(ca.dir, 'root.pem')));

  // Issuance in process: the CA signs, self-validates and logs every certificate.
  const N = 500;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) ca.issue({ profile: 'client', names: parseSanNames([`spiffe://bench.test/w/${i}`]) });
  const issuePerSecond = N / (Number(process.hrtime.bigint() - t0) / 1e9);

  const body1k = 'x'.repeat(1024);
  const nginx = await startNginx({
    ports: ['http'],
    files: { 'www/1k': body1k, 'www/100k': 'y'.repeat(100 * 1024) },
    servers: ({ ports, dir: d }) => `server { listen 127.0.0.1:${ports.http}; root ${d}/www; keepalive_requests 100000; }`,
  });
  const backend = nginx.ports.http!;
  const results: Record<string, unknown> = { issuePerSecond };
  const chains: Record<string, { clientPort: number; serverPort: number; pids: number[] }> = {};

  // ours
  {
    const serverPort = await freePort();
    const clientPort = await freePort();
    const cli = join(repo, 'bin/mitmguard.js');
    const s = start(process.execPath, [cli, 'tunnel', 'server', '--listen', `127.0.0.1:${serverPort}`, '--target', `127.0.0.1:${backend}`, '--cert', f('front.crt'), '--key', f('front.key'), '--ca', f('root.pem'), '--allow-spiffe', 'spiffe://bench.test/**', '--access-log', '/dev/null']);
    const c = start(process.execPath, [cli, 'tunnel', 'client', '--listen', `127.0.0.1:${clientPort}`, '--target', `127.0.0.1:${serverPort}`, '--cert', f('client.crt'), '--key', f('client.key'), '--ca', f('root.pem'), '--server-name', 'front.bench.test', '--access-log', '/dev/null']);
    await waitPort(serverPort);
    await waitPort(clientPort);
    chains.mitmguard = { clientPort, serverPort, pids: [s.pid!, c.pid!] };
  }
  // stunnel4
  {
    const serverPort = await freePort();
    const clientPort = await freePort();
    writeFileSync(f('stunnel.conf'), [
      'foreground = yes', `pid = ${f('stunnel.pid')}`, 'debug = 3', `output = ${f('stunnel.log')}`,
      '[front-server]', `accept = 127.0.0.1:${serverPort}`, `connect = 127.0.0.1:${backend}`, `cert = ${f('front.crt')}`, `key = ${f('front.key')}`, `CAfile = ${f('root.pem')}`, 'verifyChain = yes', 'requireCert = yes', 'sslVersionMin = TLSv1.3',
      '[front-client]', 'client = yes', `accept = 127.0.0.1:${clientPort}`, `connect = 127.0.0.1:${serverPort}`, `cert = ${f('client.crt')}`, `key = ${f('client.key')}`, `CAfile = ${f('root.pem')}`, 'verifyChain = yes', 'checkHost = front.bench.test', 'sslVersionMin = TLSv1.3',
      '',
    ].join('\n'));
    const p = start('stunnel4', [f('stunnel.conf')]);
    await waitPort(serverPort);
    await waitPort(clientPort);
    chains.stunnel = { clientPort, serverPort, pids: [p.pid!] };
  }
  // haproxy
  {
    const serverPort = await freePort();
    const clientPort = await freePort();
    writeFileSync(f('haproxy.cfg'), [
      'global', '  maxconn 4096', '  nbthread 1', 'defaults', '  mode tcp', '  timeout connect 5s', '  timeout client 30s', '  timeout server 30s',
      `frontend front_server`, `  bind 127.0.0.1:${serverPort} ssl crt ${f('front.pem')} ca-file ${f('root.pem')} verify required ssl-min-ver TLSv1.3`, '  default_backend nginx',
      `backend nginx`, `  server n 127.0.0.1:${backend}`,
      `frontend front_client`, `  bind 127.0.0.1:${clientPort}`, '  default_backend tunnel',
      `backend tunnel`, `  server t 127.0.0.1:${serverPort} ssl crt ${f('client.pem')} ca-file ${f('root.pem')} verify required verifyhost front.bench.test sni str(front.bench.test) ssl-min-ver TLSv1.3`,
      '',
    ].join('\n'));
    const p = start('haproxy', ['-db', '-f', f('haproxy.cfg')]);
    await waitPort(serverPort);
    await waitPort(clientPort);
    chains.haproxy = { clientPort, serverPort, pids: [p.pid!] };
  }

  for (const [name, chain] of Object.entries(chains)) {
    const check = await sh('curl', ['-sf', `http://127.0.0.1:${chain.clientPort}/1k`]);
    if (check.out !== body1k) throw new Error(`${name}: the chain does not deliver the body (${check.out.slice(0, 200)})`);
    const r1k = await wrk(chain.clientPort, '/1k', chain.pids);
    const r100k = await wrk(chain.clientPort, '/100k', chain.pids);
    const hs = await handshakeRate(chain.serverPort, HANDSHAKES);
    results[name] = { '1k': r1k, '100k': r100k, handshakesPerSecond: hs };
    console.error(`${name.padEnd(10)} 1 KB ${r1k.rps.toFixed(0)} req/s ${r1k.latencyMs.toFixed(2)} ms ${r1k.cpuUsPerRequest.toFixed(0)} µs CPU/req | 100 KB ${r100k.rps.toFixed(0)} req/s ${r100k.latencyMs.toFixed(2)} ms | ${hs.toFixed(0)} mTLS handshakes/s${r1k.errors + r100k.errors ? ` | ${r1k.errors + r100k.errors} errors` : ''}`);
  }
  const ours = results.mitmguard as { '1k': { rps: number; cpuUsPerRequest: number }; '100k': { rps: number }; handshakesPerSecond: number };
  for (const peer of ['stunnel', 'haproxy']) {
    const p = results[peer] as typeof ours;
    const ratio = {
      rps1k: ours['1k'].rps / p['1k'].rps,
      rps100k: ours['100k'].rps / p['100k'].rps,
      handshakes: ours.handshakesPerSecond / p.handshakesPerSecond,
      cpuPerRequest1k: ours['1k'].cpuUsPerRequest / p['1k'].cpuUsPerRequest,
    };
    results[`ratio_vs_${peer}`] = ratio;
    console.error(`mitmguard / ${peer}: 1 KB req/s ×${ratio.rps1k.toFixed(2)}, 100 KB req/s ×${ratio.rps100k.toFixed(2)}, handshakes/s ×${ratio.handshakes.toFixed(2)}, CPU per 1 KB request ×${ratio.cpuPerRequest1k.toFixed(2)}`);
  }
  console.error(`ca issue in process: ${issuePerSecond.toFixed(0)} P-256 leaf certificates/s (signed, self-validated, audit-logged)`);
  mkdirSync(join(repo, 'bench/results'), { recursive: true });
  writeFileSync(join(repo, 'bench/results/tunnel.json'), JSON.stringify({ date: new Date().toISOString(), seconds: SECONDS, ...results }, null, 2) + '\n');
  await nginx.stop();
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
