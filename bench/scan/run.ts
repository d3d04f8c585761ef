/**
 * Scan benchmark: mitmguard against sslscan, nmap (ssl-enum-ciphers + ssl-cert) and testssl.sh --fast on the same
 * local nginx endpoints (modern, TLS 1.3-only, legacy with ~40 suites, mTLS-required), in one run.
 *
 *   npm run build && npx tsx bench/scan/run.ts            # 3 runs per tool and endpoint, testssl on one endpoint
 *   BENCH_RUNS=5 BENCH_TESTSSL=0 npx tsx bench/scan/run.ts
 *
 * mitmguard runs as the built CLI (`node bin/mitmguard.js`), so its start-up counts like the others'. Prints the median
 * wall time per endpoint and for the whole set, the ratios, and whether mitmguard and sslscan saw the same protocol and
 * suite sets; writes bench/results/scan.json. Loopback only. The `lib` column is the same scan through the library
 * inside this process (no process start-up), to separate the scanner's own time from the CLI's start-up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clientCa, startNginx, type TestServer } from '../../test/helpers/tls-servers.js';
import { suiteByCode } from '../../src/tls/wire/suites.js';
import { scanTarget, scanTargets } from '../../src/scan/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Math.max(1, Math.min(20, Number(process.env.BENCH_RUNS ?? 3)));
const WITH_TESTSSL = process.env.BENCH_TESTSSL !== '0';
const bin = `${root}bin/mitmguard.js`;
if (!existsSync(`${root}dist/cli.js`)) {
  console.error('bench: dist/cli.js is missing; run `npm run build` first');
  process.exit(2);
}

interface Endpoint {
  name: string;
  server: TestServer;
}

/** Run a peer with stdin closed (testssl.sh may otherwise wait for an answer) and a hard time limit. */
function timed(cmd: string, args: string[], timeoutMs = 600_000): { ms: number; stdout: string; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ms: performance.now() - t0, stdout: r.stdout ?? '', status: r.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function repeat(cmd: string, args: string[]): { ms: number; stdout: string } {
  const runs = Array.from({ length: RUNS }, () => timed(cmd, args));
  return { ms: median(runs.map((r) => r.ms)), stdout: runs[0]!.stdout };
}

type Facts = Record<string, string[]>;

/** sslscan --xml: accepted suites per version, by IANA name via the code sslscan prints. */
function sslscanFacts(xml: string): Facts {
  const out: Facts = {};
  for (const m of xml.matchAll(/<cipher status="(?:accepted|preferred)" sslversion="([^"]+)"[^>]* id="0x([0-9A-Fa-f]+)"/g)) {
    const version = m[1]!.replace('TLSv1.0', 'TLSv1.0');
    const name = suiteByCode(parseInt(m[2]!, 16))?.name ?? `0x${m[2]}`;
    (out[version] ??= []).push(name);
  }
  return out;
}

function mitmguardFacts(json: string): Facts[] {
  const doc = JSON.parse(json) as { targets: Array<{ tls: { cipherSuites: Facts } | null }> };
  return doc.targets.map((t) => t.tls?.cipherSuites ?? {});
}

function sameFacts(a: Facts, b: Facts): boolean {
  const norm = (f: Facts) => JSON.stringify(Object.keys(f).sort().filter((k) => f[k]!.length).map((k) => [k, [...f[k]!].sort()]));
  return norm(a) === norm(b);
}

async function main(): Promise<void> {
  const client = clientCa();
  const endpoints: Endpoint[] = [
    { name: 'modern', server: await startNginx({ protocols: 'TLSv1.2 TLSv1.3', preferServerCiphers: true, ciphers: 'ECDHE+AESGCM:ECDHE+CHACHA20:ECDHE+AES' }) },
    { name: 'tls13-only', server: await startNginx({ protocols: 'TLSv1.3' }) },
    {
      name: 'legacy',
      server: await startNginx({ protocols: 'TLSv1 TLSv1.1 TLSv1.2', ciphers: 'ALL:!PSK:!SRP:!ARIA:!CCM:@SECLEVEL=0', preferServerCiphers: true }),
    },
    { name: 'mtls-required', server: await startNginx({ protocols: 'TLSv1.2 TLSv1.3', clientCaPem: client.caPem }) },
  ];
  try {
    const rows: Array<Record<string, unknown>> = [];
    console.log(`runs per measurement: ${RUNS} (median)\n`);
    // mitmguard runs twice: `--tls-only` gathers the same facts as sslscan and nmap (like for like: the ratios), and the
    // default scan adds the strict chain validation and the mTLS probe that neither peer does (`full`).
    console.log('endpoint        mitmguard (lib)   sslscan      nmap   testssl  ratio vs sslscan  vs nmap  same facts as sslscan   full scan');
    for (const e of endpoints) {
      const libRuns: number[] = [];
      for (let i = 0; i < RUNS; i++) libRuns.push((await scanTarget(e.server.target, { beyondHandshake: false })).durationMs);
      const lib = median(libRuns);
      const mg = repeat(process.execPath, [bin, 'scan', e.server.target, '--tls-only', '--format', 'json', '--fail-on', 'critical']);
      const full = repeat(process.execPath, [bin, 'scan', e.server.target, '--format', 'json', '--fail-on', 'critical']);
      const ss = repeat('sslscan', ['--no-colour', '--xml=-', e.server.target]);
      const nm = repeat('nmap', ['-Pn', '-n', '--script', 'ssl-enum-ciphers,ssl-cert', '-p', String(e.server.port), e.server.host]);
      const tsRun = WITH_TESTSSL && e.name === 'modern' ? timed('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '--fast', e.server.target], 300_000) : null;
      // A killed run (status null) is reported as a lower bound, not as a time.
      const ts = tsRun ? tsRun.ms : null;
      if (tsRun && tsRun.status === null) console.log(`(testssl.sh --fast did not finish within ${(tsRun.ms / 1000).toFixed(0)} s)`);
      const same = sameFacts(mitmguardFacts(mg.stdout)[0]!, sslscanFacts(ss.stdout));
      rows.push({ endpoint: e.name, mitmguardMs: Math.round(mg.ms), mitmguardFullMs: Math.round(full.ms), mitmguardLibraryMs: lib, sslscanMs: Math.round(ss.ms), nmapMs: Math.round(nm.ms), testsslMs: ts && Math.round(ts), sameFactsAsSslscan: same });
      console.log(
        `${e.name.padEnd(14)} ${mg.ms.toFixed(0).padStart(7)} ms (${String(lib).padStart(4)}) ${ss.ms.toFixed(0).padStart(6)} ms ${nm.ms.toFixed(0).padStart(6)} ms ${ts === null ? '       -' : `${(ts / 1000).toFixed(1).padStart(6)} s`}` +
          `  ${(mg.ms / ss.ms).toFixed(2).padStart(8)}×       ${(mg.ms / nm.ms).toFixed(2).padStart(5)}×  ${(same ? 'yes' : 'NO').padEnd(22)} ${full.ms.toFixed(0).padStart(6)} ms`,
      );
    }
    const targets = endpoints.map((e) => e.server.target);
    const mgSet = repeat(process.execPath, [bin, 'scan', ...targets, '--tls-only', '--format', 'json', '--fail-on', 'critical']);
    const fullSet = repeat(process.execPath, [bin, 'scan', ...targets, '--format', 'json', '--fail-on', 'critical']);
    const libSetRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await scanTargets(targets, { beyondHandshake: false });
      libSetRuns.push(Math.round(performance.now() - t0));
    }
    const libSet = median(libSetRuns);
    const nmSet = repeat('nmap', ['-Pn', '-n', '--script', 'ssl-enum-ciphers,ssl-cert', '-p', endpoints.map((e) => e.server.port).join(','), '127.0.0.1']);
    const ssSet = repeat('bash', ['-c', targets.map((t) => `sslscan --no-colour --xml=- ${t} >/dev/null`).join(' && ')]);
    console.log(
      `\nwhole set (${targets.length} endpoints): mitmguard ${mgSet.ms.toFixed(0)} ms (library ${libSet} ms), nmap ${nmSet.ms.toFixed(0)} ms, sslscan ${ssSet.ms.toFixed(0)} ms` +
        ` → ${(mgSet.ms / nmSet.ms).toFixed(2)}× nmap, ${(mgSet.ms / ssSet.ms).toFixed(2)}× sslscan; full scan ${fullSet.ms.toFixed(0)} ms`,
    );
    // Start-up floor: node itself, and the CLI doing nothing (`--version`), so the scanner's share is visible.
    const nodeStart = repeat(process.execPath, ['-e', '0']).ms;
    const cliStart = repeat(process.execPath, [bin, '--version']).ms;
    console.log(`start-up: node -e 0 ${nodeStart.toFixed(0)} ms, mitmguard --version ${cliStart.toFixed(0)} ms`);
    const doc = {
      startup: { nodeMs: Math.round(nodeStart), cliVersionMs: Math.round(cliStart) },
      date: new Date().toISOString(),
      loadAverage: (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10),
      runs: RUNS,
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      endpoints: rows,
      set: { endpoints: targets.length, mitmguardMs: Math.round(mgSet.ms), mitmguardFullMs: Math.round(fullSet.ms), mitmguardLibraryMs: libSet, nmapMs: Math.round(nmSet.ms), sslscanMs: Math.round(ssSet.ms) },
    };
    mkdirSync(`${root}bench/results`, { recursive: true });
    writeFileSync(`${root}bench/results/scan.json`, JSON.stringify(doc, null, 2) + '\n');
    console.log('wrote bench/results/scan.json');
  } finally {
    for (const e of endpoints) await e.server.close();
  }
}

await main();
