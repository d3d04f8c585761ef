/**
 * Benchmark: validations per second of a typical 3-certificate chain (root → intermediate → leaf, ECDSA P-256 and
 * RSA-2048) by mitmguard's validator, side by side with `openssl verify` (one process per validation, and one process
 * validating N copies) and Node's X509Certificate (signature checks plus checkHost only — less work than a path
 * validation, shown as a floor). Prints ratios and writes bench/results/x509.json. A script, not a test.
 *
 *   npx tsx bench/x509/run.ts [--n 2000] [--spawn 40] [--rounds 7]
 *
 * The contenders run interleaved, round by round, and the median rate of each is reported.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAuthority, issueLeaf, type KeySpec } from '../../src/pki/index.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import { validateChain } from '../../src/x509/validate.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('--n', 2000);
const SPAWN = arg('--spawn', 40);
const ROUNDS = arg('--rounds', 7);
const dir = mkdtempSync(join(tmpdir(), 'mg-bench-x509-'));

function timeIt(fn: () => void, n: number): number {
  const t0 = process.hrtime.bigint();
  fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return n / s;
}

interface Row {
  key: string;
  mitmguard: number;
  opensslBatch: number;
  opensslSpawn: number;
  nodeX509: number;
}

function benchKey(label: string, key: KeySpec): Row {
  const root = createAuthority(`Bench Root ${label}`, { key });
  const ica = createAuthority(`Bench ICA ${label}`, { issuer: root, key });
  const leaf = issueLeaf(ica, { names: ['bench.example.test'], key });
  const rootFile = join(dir, `${label}-root.pem`);
  const icaFile = join(dir, `${label}-ica.pem`);
  const leafFile = join(dir, `${label}-leaf.pem`);
  writeFileSync(rootFile, root.cert.pem);
  writeFileSync(icaFile, ica.cert.pem);
  writeFileSync(leafFile, leaf.pem);

  // mitmguard: parse the presented leaf and intermediate afresh each time (no signature cache carries over), validate
  // against a trust store loaded once, as a scanner does.
  const store = new TrustStore([parseCertificate(root.cert.der)]);
  const once = () => {
    const r = validateChain(parseCertificate(leaf.der), [parseCertificate(ica.cert.der)], store, { host: 'bench.example.test' });
    if (!r.valid) throw new Error(`bench chain invalid: ${JSON.stringify(r.errors)}`);
  };
  once();
  const perRound = Math.max(1, Math.floor(N / ROUNDS));
  const opensslArgs = ['verify', '-x509_strict', '-purpose', 'sslserver', '-verify_hostname', 'bench.example.test', '-CAfile', rootFile, '-untrusted', icaFile];
  const rootX = new X509Certificate(root.cert.pem);
  const contenders: Record<'mitmguard' | 'opensslBatch' | 'opensslSpawn' | 'nodeX509', () => number> = {
    mitmguard: () => timeIt(() => {
      for (let i = 0; i < perRound; i++) once();
    }, perRound),
    // openssl verify, one process validating N copies of the leaf (same work per certificate, one start-up).
    opensslBatch: () => timeIt(() => {
      const r = spawnSync('openssl', [...opensslArgs, ...Array.from({ length: perRound }, () => leafFile)], { encoding: 'utf8', maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new Error(`openssl verify failed: ${r.stderr}`);
    }, perRound),
    // openssl verify, one process per validation: what a script calling the CLI pays.
    opensslSpawn: () => timeIt(() => {
      for (let i = 0; i < Math.max(1, Math.floor(SPAWN / ROUNDS)); i++) {
        if (spawnSync('openssl', [...opensslArgs, leafFile]).status !== 0) throw new Error('openssl verify failed');
      }
    }, Math.max(1, Math.floor(SPAWN / ROUNDS))),
    // Node's X509Certificate: two signature checks and a host check (no path building, no profile rules).
    nodeX509: () => timeIt(() => {
      for (let i = 0; i < perRound; i++) {
        const l = new X509Certificate(leaf.der);
        const c = new X509Certificate(ica.cert.der);
        if (!l.verify(c.publicKey) || !c.verify(rootX.publicKey) || !l.checkHost('bench.example.test')) throw new Error('node verify failed');
      }
    }, perRound),
  };
  // Interleave the contenders round by round and take medians, so load from other processes hits all of them alike.
  const rates: Record<keyof typeof contenders, number[]> = { mitmguard: [], opensslBatch: [], opensslSpawn: [], nodeX509: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(contenders) as Array<keyof typeof contenders>) rates[name].push(contenders[name]());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const mitmguard = median(rates.mitmguard);
  const opensslBatch = median(rates.opensslBatch);
  const opensslSpawn = median(rates.opensslSpawn);
  const nodeX509 = median(rates.nodeX509);
  return { key: label, mitmguard, opensslBatch, opensslSpawn, nodeX509 };
}

const rows = [benchKey('ecdsa-p256', { type: 'ec', curve: 'P-256' }), benchKey('rsa-2048', { type: 'rsa', bits: 2048 })];
rmSync(dir, { recursive: true, force: true });

const fmt = (x: number) => x.toFixed(0).padStart(8);
console.log(`x509 path validation, 3-certificate chain, ${N} validations in ${ROUNDS} interleaved rounds (${SPAWN} for openssl per-process), medians; ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log('key          mitmguard/s  openssl-batch/s  openssl-spawn/s  node-X509/s   vs batch  vs spawn  vs node');
for (const r of rows) {
  console.log(
    `${r.key.padEnd(12)} ${fmt(r.mitmguard)}     ${fmt(r.opensslBatch)}         ${fmt(r.opensslSpawn)}         ${fmt(r.nodeX509)}    ` +
      `${(r.mitmguard / r.opensslBatch).toFixed(2)}x    ${(r.mitmguard / r.opensslSpawn).toFixed(1)}x    ${(r.mitmguard / r.nodeX509).toFixed(2)}x`,
  );
}
const out = resolve(new URL('../results', import.meta.url).pathname);
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'x509.json'),
  JSON.stringify(
    {
      benchmark: 'x509-path-validation',
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      validations: N,
      rounds: ROUNDS,
      opensslSpawnRuns: SPAWN,
      statistic: 'median rate over interleaved rounds',
      results: rows.map((r) => ({
        ...r,
        ratioVsOpensslBatch: r.mitmguard / r.opensslBatch,
        ratioVsOpensslSpawn: r.mitmguard / r.opensslSpawn,
        ratioVsNodeX509: r.mitmguard / r.nodeX509,
      })),
    },
    null,
    2,
  ) + '\n',
);
console.log('wrote bench/results/x509.json');
