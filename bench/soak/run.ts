/**
 * Soak: an inventory of 1 000 loopback targets, 10 % of them hostile, scanned by the built CLI with --parallel and a
 * journal; then the same run killed with SIGKILL half-way and resumed.
 *
 *   npm run build && npx tsx bench/soak/run.ts            # SOAK_TARGETS=1000 SOAK_PARALLEL=16 by default
 *
 * Good targets are node:tls servers in three configurations (TLS 1.3 only; TLS 1.2 + 1.3; TLS 1.2 only with ECDHE and
 * RSA suites); every good target's TLS facts must equal a clean single scan of its configuration. Hostile targets are
 * the scripted liars of test/helpers/hostile-tls-server.ts plus silence, reset and garbage; every one must end with an
 * MG_ERR_* code, or — the downgrade box — with tls.downgrade.detected. The scanner's peak RSS is sampled from
 * /proc/<pid>/status. After the kill, --resume must bring the report to exactly the inventory: nothing lost, nothing
 * twice. Writes bench/results/soak.json and exits 1 when any of that fails. Loopback only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer, type TlsOptions } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createAuthority, issueLeaf, privateKeyPem } from '../../src/pki/index.js';
import type { ScanDocument, TargetReport } from '../../src/model/index.js';
import { scanTarget } from '../../src/scan/index.js';
import { BEHAVIOURS, startHostileTlsServer, type BehaviourName, type HostileTlsServer } from '../../test/helpers/hostile-tls-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOTAL = Number(process.env.SOAK_TARGETS ?? 1000);
const PARALLEL = Number(process.env.SOAK_PARALLEL ?? 16);
const TIMEOUT_MS = Number(process.env.SOAK_TIMEOUT_MS ?? 10_000);
/** The stated bound on the scanner's resident memory (docs/reliability.md). */
export const RSS_BOUND_MB = 300;
const bin = join(root, 'bin/mitmguard.js');
if (!existsSync(join(root, 'dist/cli.js'))) {
  console.error('soak: dist/cli.js is missing; run `npm run build` first');
  process.exit(2);
}

const ca = createAuthority('soak CA');
const leaf = issueLeaf(ca, { names: ['127.0.0.1', 'localhost'], key: { type: 'rsa', bits: 2048 } });
/**
 * 900 servers share this one process and its event loop, so their side of 40 000 handshakes must stay cheap: EC groups
 * only (node's default list ends in FFDHE up to 8192 bits, whose key generation on a loaded machine alone outlasts a
 * probe's timeout — the scanner then reports the group probe's MG_ERR_TIMEOUT, correctly, but not equal to a clean scan).
 */
const base: TlsOptions = { cert: leaf.pem + ca.cert.pem, key: privateKeyPem(leaf.keyPair), ecdhCurve: 'X25519:P-256:P-384' };
const CONFIGS: Record<string, TlsOptions> = {
  tls13: { ...base, minVersion: 'TLSv1.3' },
  modern: { ...base, minVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305' },
  tls12: { ...base, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:AES256-GCM-SHA384' },
};

type HostileKind = BehaviourName | 'silence' | 'reset' | 'garbage';
const HOSTILE: HostileKind[] = ['silence', 'reset', 'garbage', 'hrrLoop', 'suiteNotOffered', 'serverVersion0305', 'supportedVersions0305', 'sessionId33', 'lyingPointLength', 'downgradeTls12'];

interface Planned {
  target: string;
  kind: string;
  hostile: boolean;
}

async function listen<T extends NetServer | TlsServer>(s: T): Promise<string> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

function rawHostile(kind: 'silence' | 'reset' | 'garbage'): NetServer {
  const s = createNetServer((sock: Socket) => {
    sock.on('error', () => {});
    if (kind === 'reset') sock.once('data', () => sock.resetAndDestroy());
    else if (kind === 'garbage') sock.once('data', () => sock.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    // silence: keep the connection and say nothing; the scanner's timeout ends it.
  });
  return s;
}

/** What must be equal between a soak target and a clean scan of its configuration. */
function facts(r: TargetReport): unknown {
  const t = r.tls;
  return t && { protocols: t.protocols, cipherSuites: t.cipherSuites, serverPreference: t.serverPreference, groups: t.groups, alpn: t.alpn, compression: t.compression, secureRenegotiation: t.secureRenegotiation, findings: r.findings.map((f) => f.id).sort() };
}

interface RunStats {
  ms: number;
  peakRssMb: number;
  code: number | null;
  signal: string | null;
}

/** Run the CLI, sampling its RSS; `killAt` returns true when it should be SIGKILLed. */
function runCli(args: string[], killAt?: () => boolean): Promise<RunStats> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    let peak = 0;
    const timer = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        // the process is gone
      }
      if (killAt?.()) child.kill('SIGKILL');
    }, 100);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      if (code !== 0 && code !== 1 && signal !== 'SIGKILL') process.stderr.write(stderr);
      resolve({ ms: performance.now() - t0, peakRssMb: Math.round(peak), code, signal });
    });
  });
}

const journalCount = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.startsWith('{"kind":"target"')).length : 0);

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'mg-soak-'));
  const closers: Array<() => Promise<unknown>> = [];
  const plan: Planned[] = [];
  const hostileCount = Math.round(TOTAL / 10);
  const configNames = Object.keys(CONFIGS);
  for (let i = 0; i < TOTAL; i++) {
    // Hostile targets spread through the inventory (every tenth), so they meet the run at every stage.
    if (i % 10 === 9 && plan.filter((p) => p.hostile).length < hostileCount) {
      const kind = HOSTILE[Math.floor(i / 10) % HOSTILE.length]!;
      if (kind === 'silence' || kind === 'reset' || kind === 'garbage') {
        const s = rawHostile(kind);
        plan.push({ target: await listen(s), kind, hostile: true });
        closers.push(() => new Promise((r) => s.close(r)));
      } else {
        const s: HostileTlsServer = await startHostileTlsServer(BEHAVIOURS[kind], leaf.der);
        plan.push({ target: s.target, kind, hostile: true });
        closers.push(() => s.close());
      }
    } else {
      const kind = configNames[i % configNames.length]!;
      const s = createTlsServer(CONFIGS[kind]!, (c) => c.end());
      s.on('tlsClientError', () => {});
      plan.push({ target: await listen(s), kind, hostile: false });
      closers.push(() => new Promise((r) => s.close(r)));
    }
  }
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(inventory, `targets:\n${plan.map((p) => `  - target: ${p.target}\n    tags: [${p.hostile ? 'hostile' : 'good'}, ${p.kind}]`).join('\n')}\n`);
  process.stderr.write(`soak: ${plan.length} targets (${plan.filter((p) => p.hostile).length} hostile) in ${inventory}\n`);

  // The reference: one clean scan per good configuration, in this process.
  const reference = new Map<string, unknown>();
  for (const kind of configNames) {
    const p = plan.find((x) => x.kind === kind)!;
    reference.set(kind, facts(await scanTarget(p.target, { timeoutMs: TIMEOUT_MS, beyondHandshake: false })));
  }

  const common = (journal: string, out: string) => ['scan', '--inventory', inventory, '--parallel', String(PARALLEL), '--journal', journal, '--tls-only', '--timeout', String(TIMEOUT_MS), '--format', 'json', '--output', out];
  const full = join(dir, 'full.json');
  const fullRun = await runCli(common(join(dir, 'full.jsonl'), full));
  process.stderr.write(`soak: full run ${(fullRun.ms / 1000).toFixed(1)} s, peak RSS ${fullRun.peakRssMb} MB, exit ${fullRun.code}\n`);

  const killedJournal = join(dir, 'killed.jsonl');
  const resumed = join(dir, 'resumed.json');
  const half = Math.floor(TOTAL / 2);
  const killed = await runCli(common(killedJournal, resumed), () => journalCount(killedJournal) >= half);
  const doneAtKill = journalCount(killedJournal);
  const resumeRun = await runCli([...common(killedJournal, resumed), '--resume']);
  process.stderr.write(`soak: killed at ${doneAtKill} done (${killed.signal}); resume ${(resumeRun.ms / 1000).toFixed(1)} s, peak RSS ${resumeRun.peakRssMb} MB\n`);

  const problems: string[] = [];
  const check = (doc: ScanDocument, label: string) => {
    const reported = doc.targets.map((t) => t.target);
    if (reported.length !== TOTAL || new Set(reported).size !== TOTAL) problems.push(`${label}: ${reported.length} reports, ${new Set(reported).size} distinct (expected ${TOTAL})`);
    const byTarget = new Map(doc.targets.map((t) => [t.target, t]));
    for (const p of plan) {
      const r = byTarget.get(p.target);
      if (!r) {
        problems.push(`${label}: ${p.target} (${p.kind}) missing`);
        continue;
      }
      if (!p.hostile) {
        if (JSON.stringify(facts(r)) !== JSON.stringify(reference.get(p.kind))) problems.push(`${label}: ${p.target} (${p.kind}) differs from the clean scan: ${r.error?.code ?? ''} ${JSON.stringify(facts(r)).slice(0, 200)}`);
      } else if (p.kind === 'downgradeTls12') {
        if (!r.findings.some((f) => f.id === 'tls.downgrade.detected')) problems.push(`${label}: ${p.target} (downgrade) without tls.downgrade.detected`);
      } else if (r.ok || !/^MG_ERR_[A-Z_]+$/.test(r.error?.code ?? '')) {
        problems.push(`${label}: ${p.target} (${p.kind}) ended without an error code (ok=${r.ok})`);
      }
    }
  };
  const fullDoc = JSON.parse(readFileSync(full, 'utf8')) as ScanDocument;
  const resumedDoc = JSON.parse(readFileSync(resumed, 'utf8')) as ScanDocument;
  check(fullDoc, 'full run');
  check(resumedDoc, 'killed + resumed');
  const codes: Record<string, Record<string, number>> = {};
  for (const t of fullDoc.targets) {
    const kind = plan.find((p) => p.target === t.target)?.kind ?? '?';
    const code = t.error?.code ?? (t.findings.some((f) => f.id === 'tls.downgrade.detected') ? 'tls.downgrade.detected' : 'ok');
    (codes[kind] ??= {})[code] = (codes[kind]![code] ?? 0) + 1;
  }
  const peak = Math.max(fullRun.peakRssMb, resumeRun.peakRssMb, killed.peakRssMb);
  if (peak > RSS_BOUND_MB) problems.push(`peak RSS ${peak} MB exceeds the stated bound of ${RSS_BOUND_MB} MB`);
  const result = {
    node: process.version, targets: TOTAL, hostile: hostileCount, parallel: PARALLEL, timeoutMs: TIMEOUT_MS,
    fullRun, killed: { ...killed, doneAtKill }, resumeRun, peakRssMb: peak, rssBoundMb: RSS_BOUND_MB, outcomes: codes, problems,
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/soak.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  // Servers are closed without waiting: a hostile one may hold a half-open connection; the process exits next.
  for (const c of closers) void c();
  return problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
