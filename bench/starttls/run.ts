/**
 * Benchmark: full STARTTLS scans of SMTP (postfix) and PostgreSQL on loopback — `mitmguard scan smtp://…` and
 * `postgres://…` (library scanTarget: protocols, ciphers, groups, chain, all through src/starttls) side by side with
 * `sslscan --starttls-smtp|--starttls-psql` and `testssl --starttls smtp|postgres` on the same servers, in one run.
 * Also times the upgrade alone: our dialogue + one ClientHello/ServerHello vs `openssl s_client -starttls`.
 * Prints wall times and ratios, writes bench/results/starttls.json. A script, not a test.
 *
 *   npx tsx bench/starttls/run.ts [--runs 3] [--upgrades 50] [--no-testssl] [--testssl-timeout 1500]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { scanTarget } from '../../src/scan/index.js';
import { upgradeToTls, type StartTlsProtocol } from '../../src/starttls/index.js';
import { startPostfix, startPostgres, type Daemon } from '../../test/helpers/daemons.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 3);
const WITH_TESTSSL = !process.argv.includes('--no-testssl');
const UPGRADES = arg('--upgrades', 50);
/** testssl runs hundreds of STARTTLS handshakes; give it room, and report a timeout as such rather than a time. */
const TESTSSL_TIMEOUT_S = arg('--testssl-timeout', 900);

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function runTool(cmd: string, args: string[], timeoutMs = 600_000): Promise<{ seconds: number; ok: boolean; out: string }> {
  const t0 = process.hrtime.bigint();
  return new Promise((done) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ seconds: seconds(t0), ok: !err, out: `${stdout}${stderr}` });
    });
  });
}

async function ourScan(url: string): Promise<{ seconds: number; ok: boolean; protocols: string[] }> {
  const t0 = process.hrtime.bigint();
  const r = await scanTarget(url, { timeoutMs: 10_000 });
  return { seconds: seconds(t0), ok: r.ok, protocols: Object.entries(r.tls?.protocols ?? {}).filter(([, v]) => v).map(([k]) => k) };
}

/** Our upgrade plus one TLS handshake (node:tls), N times sequentially. */
async function ourUpgrades(port: number, proto: StartTlsProtocol, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const socket = connect({ port, host: '127.0.0.1' });
    await once(socket, 'connect');
    await upgradeToTls(socket, proto, { host: 'localhost', timeoutMs: 10_000 });
    const t = tlsConnect({ socket, rejectUnauthorized: false, servername: 'localhost' });
    await once(t, 'secureConnect');
    t.destroy();
    socket.destroy();
  }
  return seconds(t0);
}

async function opensslUpgrades(port: number, proto: string, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    // </dev/null: s_client completes the handshake, sees EOF on stdin and quits.
    await runTool('sh', ['-c', `openssl s_client -starttls ${proto} -connect 127.0.0.1:${port} -servername localhost </dev/null >/dev/null 2>&1`]);
  }
  return seconds(t0);
}

const daemons: Daemon[] = [];
// postfix daemonises; stop the daemons on Ctrl-C or a kill too, not only at the end.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void Promise.all(daemons.map((d) => d.stop())).finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  try {
    const postfix = await startPostfix({ starttls: true });
    daemons.push(postfix);
    const pg = await startPostgres({ ssl: true, hba: 'hostssl' });
    daemons.push(pg);
    const cases = [
      { label: 'SMTP (postfix)', proto: 'smtp' as const, url: `smtp://127.0.0.1:${postfix.port}`, port: postfix.port, sslscan: '--starttls-smtp', testssl: 'smtp', openssl: 'smtp' },
      { label: 'PostgreSQL', proto: 'postgres' as const, url: `postgres://127.0.0.1:${pg.port}`, port: pg.port, sslscan: '--starttls-psql', testssl: 'postgres', openssl: 'postgres' },
    ];
    for (const c of cases) {
      const ours: number[] = [];
      const theirs: number[] = [];
      let protocols: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await ourScan(c.url);
        if (!r.ok) throw new Error(`mitmguard scan of ${c.url} failed`);
        protocols = r.protocols;
        ours.push(r.seconds);
        const s = await runTool('sslscan', ['--no-colour', c.sslscan, `127.0.0.1:${c.port}`]);
        if (!s.ok) throw new Error(`sslscan failed: ${s.out.slice(0, 400)}`);
        theirs.push(s.seconds);
      }
      let testssl: number | null = null;
      let testsslCompleted: boolean | null = null;
      if (WITH_TESTSSL) {
        // -p -E: protocols and the ciphers of each protocol, the scope of our scan (as in the TLS scan benchmark); the
        // default testssl run adds vulnerability and header checks that take far longer over STARTTLS.
        const t = await runTool('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '-p', '-E', '--starttls', c.testssl, `127.0.0.1:${c.port}`], TESTSSL_TIMEOUT_S * 1000);
        testsslCompleted = t.seconds < TESTSSL_TIMEOUT_S;
        testssl = testsslCompleted ? t.seconds : null;
      }
      const upOurs = await ourUpgrades(c.port, c.proto, UPGRADES);
      const upOpenssl = await opensslUpgrades(c.port, c.openssl, UPGRADES);
      const row = {
        case: c.label,
        protocolsSeen: protocols,
        mitmguardScanSeconds: +median(ours).toFixed(3),
        sslscanSeconds: +median(theirs).toFixed(3),
        ratioVsSslscan: +(median(ours) / median(theirs)).toFixed(3),
        testsslSeconds: testssl === null ? null : +testssl.toFixed(2),
        testsslCompleted,
        ratioVsTestssl: testssl === null ? null : +(median(ours) / testssl).toFixed(4),
        upgradesPerSecondMitmguard: +(UPGRADES / upOurs).toFixed(1),
        upgradesPerSecondOpensslSClient: +(UPGRADES / upOpenssl).toFixed(1),
      };
      rows.push(row);
      console.log(
        `${c.label}: mitmguard ${row.mitmguardScanSeconds}s, sslscan ${row.sslscanSeconds}s (ratio ${row.ratioVsSslscan})` +
          (testssl === null ? (testsslCompleted === false ? `, testssl did not finish within ${TESTSSL_TIMEOUT_S}s` : '') : `, testssl ${row.testsslSeconds}s (ratio ${row.ratioVsTestssl})`) +
          `; upgrade+handshake ${row.upgradesPerSecondMitmguard}/s vs openssl s_client ${row.upgradesPerSecondOpensslSClient}/s`,
      );
    }
  } finally {
    for (const d of daemons) await d.stop();
  }
  const out = { bench: 'starttls', runs: RUNS, upgrades: UPGRADES, cpus: cpus().length, node: process.version, at: new Date().toISOString(), rows };
  const dir = resolve(import.meta.dirname ?? '.', '../results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, 'starttls.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote bench/results/starttls.json`);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
