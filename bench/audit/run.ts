/**
 * Benchmark of the client audit. A script, not a test.
 *
 * 1. The whole scenario catalogue against curl (`--exec`, secure and with -k): wall time, side by side with the floor —
 *    the same number of curl runs against one plain TLS server — so the ratio is the audit's own overhead.
 * 2. Per-SNI minting as `--proxy` does it: first certificate for a name vs a cached one (ms per certificate), side by
 *    side with `openssl req -x509` per certificate (fresh key, and a reused key), the peer a script would use.
 *
 * Writes bench/results/audit.json.
 *
 *   npx tsx bench/audit/run.ts [--names 300] [--openssl 30] [--concurrency 6]
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runExecAudit, SCENARIOS } from '../../src/audit/index.js';
import { proxyTlsFactory } from '../../src/audit/endpoint.js';
import { createAuditLab, scenarioById } from '../../src/audit/scenarios/index.js';
import { createAuthority, generateKeyPair, issueLeaf, privateKeyPem } from '../../src/pki/index.js';
import { CertificateMinter } from '../../src/pki/mint.js';

const run = promisify(execFile);
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const NAMES = arg('--names', 300);
const OPENSSL_N = arg('--openssl', 30);
const CONCURRENCY = arg('--concurrency', 6);
const dir = mkdtempSync(join(tmpdir(), 'mg-bench-audit-'));
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

async function catalogueAgainstCurl(label: string, command: string) {
  const t0 = process.hrtime.bigint();
  const report = await runExecAudit({ protocol: 'https', command, concurrency: CONCURRENCY, timeoutMs: 20_000 });
  const wallMs = ms(t0);
  const served = report.results.filter((r) => r.connections > 0 || r.verdict === 'rejected' || r.verdict === 'accepted').length;
  return { label, wallMs: round(wallMs, 0), scenariosServed: served, forgedAccepted: report.summary.forgedAccepted, summary: report.summary };
}

/** The floor: the same number of curl processes, same concurrency, against one ordinary TLS server. */
async function curlFloor(runs: number) {
  const lab = createAuditLab('localhost');
  const leaf = issueLeaf(lab.labCa, { names: ['localhost'], key: lab.leafKey });
  const server = createServer({ key: privateKeyPem(lab.leafKey), cert: leaf.pem }, (_req, res) => res.end('ok\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const ca = join(dir, 'floor-ca.pem');
  writeFileSync(ca, lab.labCa.cert.pem);
  const t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < runs) await run('curl', ['-sS', '--max-time', '20', '--cacert', ca, `https://localhost:${port}/`]);
    }),
  );
  const wallMs = ms(t0);
  server.close();
  return { runs, wallMs: round(wallMs, 0) };
}

function minting() {
  const issuer = createAuthority('bench mint CA', { key: generateKeyPair({ type: 'ec', curve: 'P-256' }) });
  const minter = new CertificateMinter({ issuer, capacity: NAMES * 2 });
  minter.mint('warm-up.bench.test');
  const names = Array.from({ length: NAMES }, (_, i) => `host${i}.site${i}.bench.test`);
  let t0 = process.hrtime.bigint();
  for (const n of names) minter.mint(n);
  const firstMs = ms(t0) / NAMES;
  t0 = process.hrtime.bigint();
  for (const n of names) minter.mint(n);
  const cachedMs = ms(t0) / NAMES;
  // A sibling under an already minted wildcard: served from the cache without minting.
  t0 = process.hrtime.bigint();
  for (let i = 0; i < NAMES; i++) minter.mint(`other${i}.site${i}.bench.test`);
  const wildcardMs = ms(t0) / NAMES;

  // What --proxy does per new name: a certificate and a TLS context for it — through the fast minter (untrusted-ca),
  // and through a scenario recipe rebuilt per name (expired).
  const lab = createAuditLab('localhost');
  const perName = (id: string) => {
    const factory = proxyTlsFactory(scenarioById(id)!, lab, NAMES * 2);
    factory('warm-up.bench.test');
    const start = process.hrtime.bigint();
    for (const n of names) factory(n);
    const first = ms(start) / NAMES;
    const again = process.hrtime.bigint();
    for (const n of names) factory(n);
    return { first, cached: ms(again) / NAMES };
  };
  const proxyMinted = perName('untrusted-ca');
  const proxyRecipe = perName('expired');

  // Peer: openssl req -x509, one process per certificate — with a fresh P-256 key, and with one reused key.
  const keyFile = join(dir, 'reused.key');
  spawnSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile]);
  const opensslRun = (args: string[]) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < OPENSSL_N; i++) {
      const r = spawnSync('openssl', ['req', '-x509', '-subj', `/CN=host${i}.bench.test`, '-addext', `subjectAltName=DNS:host${i}.bench.test`, '-days', '30', '-out', join(dir, 'o.pem'), ...args]);
      if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
    }
    return ms(start) / OPENSSL_N;
  };
  const opensslFreshMs = opensslRun(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'o.key')]);
  const opensslReusedMs = opensslRun(['-key', keyFile]);
  return {
    names: NAMES,
    firstMsPerCert: round(firstMs),
    cachedMsPerCert: round(cachedMs, 4),
    wildcardHitMsPerCert: round(wildcardMs, 4),
    proxyMintedScenarioMsPerNewName: round(proxyMinted.first),
    proxyMintedScenarioMsPerCachedName: round(proxyMinted.cached, 4),
    proxyRecipeScenarioMsPerNewName: round(proxyRecipe.first),
    opensslReqFreshKeyMsPerCert: round(opensslFreshMs),
    opensslReqReusedKeyMsPerCert: round(opensslReusedMs),
    minted: minter.stats.minted,
    cacheHits: minter.stats.hits,
  };
}

try {
  console.error(`audit bench: ${SCENARIOS.length} scenarios, concurrency ${CONCURRENCY}, ${cpus().length} CPUs`);
  const secure = await catalogueAgainstCurl('curl --cacert (verifying)', 'curl -sS --max-time 20 --cacert {ca} -u bench:{token} {url}');
  const insecure = await catalogueAgainstCurl('curl -k (not verifying)', 'curl -sS -k --max-time 20 -u bench:{token} {url}');
  const floor = await curlFloor(secure.scenariosServed);
  const mint = minting();
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    /** Other suites share this machine; the 1-minute load average when the run ended. */
    loadAverage: round(loadavg()[0]!, 2),
    catalogue: { scenarios: SCENARIOS.length, concurrency: CONCURRENCY, runs: [secure, insecure], floor, overheadRatio: round(secure.wallMs / floor.wallMs, 2) },
    minting: { ...mint, speedupVsOpensslFresh: round(mint.opensslReqFreshKeyMsPerCert / mint.firstMsPerCert, 1), speedupVsOpensslReused: round(mint.opensslReqReusedKeyMsPerCert / mint.firstMsPerCert, 1) },
  };
  console.log(`catalogue vs curl (verifying):     ${secure.wallMs} ms for ${secure.scenariosServed} served scenarios (target < 30000 ms)`);
  console.log(`catalogue vs curl -k:              ${insecure.wallMs} ms, ${insecure.forgedAccepted} forged scenarios accepted`);
  console.log(`floor: ${floor.runs} curl runs against one TLS server: ${floor.wallMs} ms  → audit/floor ratio ${result.catalogue.overheadRatio}`);
  console.log(`minting, first certificate per name: ${mint.firstMsPerCert} ms; cached: ${mint.cachedMsPerCert} ms; wildcard sibling: ${mint.wildcardHitMsPerCert} ms`);
  console.log(`--proxy per new name (certificate + TLS context): ${mint.proxyMintedScenarioMsPerNewName} ms minted (untrusted-ca), ${mint.proxyRecipeScenarioMsPerNewName} ms recipe (expired); cached ${mint.proxyMintedScenarioMsPerCachedName} ms`);
  console.log(`openssl req -x509 per certificate: ${mint.opensslReqFreshKeyMsPerCert} ms (fresh key), ${mint.opensslReqReusedKeyMsPerCert} ms (reused key)`);
  console.log(`mitmguard minting is ${result.minting.speedupVsOpensslFresh}× faster than openssl req with a fresh key, ${result.minting.speedupVsOpensslReused}× with a reused key`);
  const out = resolve('bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'audit.json'), JSON.stringify(result, null, 2) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
