/**
 * `mitmguard scan --resolve NAME:PORT:ADDR`: scan a name that resolves nowhere by connecting to a chosen address, as
 * `curl --resolve` does. The TLS facts come from the server at that address; SNI and the host-name check use the name.
 *
 * The cases where the name is really looked up (no --resolve, or one for another port) run the CLI inside a network
 * namespace this test creates, whose /etc/resolv.conf (`ip netns exec` mounts /etc/netns/NAME/resolv.conf) names a
 * DNS responder the test runs in that namespace, answering NXDOMAIN: no question reaches the machine's resolver.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAuthority, issueLeaf, privateKeyPem } from '../../src/pki/index.js';
import { ROOT, runCli, type CliResult } from '../e2e/helpers.js';

const NAME = 'nowhere.mitmguard.invalid';
const dir = mkdtempSync(join(tmpdir(), 'mg-resolve-'));
const caFile = join(dir, 'ca.pem');
let server: Server;
let port = 0;
let seenSni: string | null = null;

before(async () => {
  const ca = createAuthority([['CN', 'resolve test CA']]);
  const leaf = issueLeaf(ca, { names: [NAME] });
  writeFileSync(caFile, ca.cert.pem);
  server = createServer({ cert: leaf.pem, key: privateKeyPem(leaf.keyPair), minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }, (_q, res) => res.end('ok\n'));
  server.on('secureConnection', (s) => (seenSni = (s as unknown as { servername?: string }).servername || seenSni));
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

// --- the namespace with its own resolver
const NS = `mgres${process.pid}`;
const nsEtc = `/etc/netns/${NS}`;
let responder: ChildProcess | null = null;
let questions = '';

/** A DNS responder for the namespace's 127.0.0.1:53: every question gets NXDOMAIN (RFC 1035 §4.1.1 RCODE 3). */
const RESPONDER = `
import dgram from 'node:dgram';
const s = dgram.createSocket('udp4');
s.on('message', (q, peer) => {
  if (q.length < 12) return;
  let i = 12; const labels = [];
  while (i < q.length && q[i] !== 0 && labels.length < 64) { labels.push(q.subarray(i + 1, i + 1 + q[i]).toString('latin1')); i += 1 + q[i]; }
  const end = i + 5;
  if (end > q.length) return;
  process.stdout.write('question ' + labels.join('.') + ' type ' + q.readUInt16BE(i + 1) + '\\n');
  const r = Buffer.from(q.subarray(0, end));
  r[2] = 0x80 | (q[2] & 0x01); r[3] = 0x80 | 3; r.writeUInt16BE(1, 4); r.fill(0, 6, 12);
  s.send(r, peer.port, peer.address);
});
s.bind(53, '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

function ip(...args: string[]) {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `ip ${args.join(' ')}: ${r.stderr}`);
}

before(async () => {
  mkdirSync(nsEtc, { recursive: true });
  writeFileSync(join(nsEtc, 'resolv.conf'), 'nameserver 127.0.0.1\n');
  ip('netns', 'add', NS);
  ip('netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up');
  const script = join(dir, 'responder.mjs');
  writeFileSync(script, RESPONDER);
  responder = spawn('ip', ['netns', 'exec', NS, process.execPath, script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the namespace DNS responder did not start')), 30_000);
    responder!.stdout!.on('data', (d) => {
      questions += d;
      if (questions.includes('ready')) clearTimeout(timer), resolve();
    });
    responder!.once('exit', (code) => reject(new Error(`the namespace DNS responder exited (${code})`)));
  });
});
after(() => {
  responder?.kill('SIGKILL');
  spawnSync('ip', ['netns', 'del', NS]);
  rmSync(nsEtc, { recursive: true, force: true });
});

/** The CLI (through tsx, as runCli) inside the namespace. */
function runCliInNamespace(args: string[]): Promise<CliResult> {
  const child = spawn('ip', ['netns', 'exec', NS, process.execPath, '--import', 'tsx', `${ROOT}/src/cli/main.ts`, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) => child.on('close', (code, signal) => (clearTimeout(timer), resolve({ code, signal, stdout, stderr }))));
}

test('a name that resolves nowhere is scanned at the --resolve address: right facts, SNI sent, no host-name finding', { timeout: 120_000 }, async () => {
  const r = await runCli(['scan', '--format', 'json', '--ca', caFile, '--resolve', `${NAME}:${port}:127.0.0.1`, `https://${NAME}:${port}`]);
  const doc = JSON.parse(r.stdout) as {
    targets: Array<{ ok: boolean; host: string; address?: string; sni?: string; tls: { protocols: Record<string, boolean> }; certificateValidation: { valid: boolean }; findings: { id: string }[] }>;
  };
  const t = doc.targets[0]!;
  assert.equal(t.ok, true, r.stdout + r.stderr);
  assert.equal(t.host, NAME);
  assert.equal(t.address, '127.0.0.1');
  assert.equal(t.sni, NAME);
  assert.equal(seenSni, NAME, 'the server saw the name in SNI');
  assert.equal(t.tls.protocols['TLSv1.3'], true);
  assert.equal(t.tls.protocols['TLSv1.2'], true);
  assert.equal(t.tls.protocols['TLSv1.1'], false);
  assert.equal(t.certificateValidation.valid, true);
  assert.ok(!t.findings.some((f) => f.id === 'cert.chain.hostname-mismatch'), t.findings.map((f) => f.id).join(', '));
});

test('without --resolve the same name cannot be reached: the scan says so instead of guessing an address', { timeout: 120_000 }, async () => {
  const asked = questions.length;
  const r = await runCliInNamespace(['scan', '--format', 'json', '--timeout', '3000', `https://${NAME}:${port}`]);
  const t = (JSON.parse(r.stdout) as { targets: Array<{ ok: boolean; error: { code: string; message: string } | null }> }).targets[0]!;
  assert.equal(t.ok, false);
  assert.equal(t.error?.code, 'MG_ERR_DNS', JSON.stringify(t.error));
  assert.match(t.error!.message, /ENOTFOUND/);
  assert.equal(r.code, 2);
  assert.match(questions.slice(asked), new RegExp(`question ${NAME.replace(/\./g, '\\.')} type 1\\b`), 'the name was asked of the test\'s resolver');
});

test('a --resolve entry for another port does not apply; a malformed one is a usage error (exit 2) before any connection', { timeout: 120_000 }, async () => {
  const asked = questions.length;
  const other = await runCliInNamespace(['scan', '--format', 'json', '--timeout', '3000', '--resolve', `${NAME}:${port === 1 ? 2 : port - 1}:127.0.0.1`, `https://${NAME}:${port}`]);
  const t = (JSON.parse(other.stdout) as { targets: Array<{ ok: boolean; error: { code: string } | null }> }).targets[0]!;
  assert.equal(t.ok, false);
  assert.equal(t.error?.code, 'MG_ERR_DNS', 'the entry for another port was not used: the name was looked up and is not there');
  assert.match(questions.slice(asked), new RegExp(`question ${NAME.replace(/\./g, '\\.')} type`), 'the name was asked of the test\'s resolver');
  for (const bad of [`${NAME}:${port}`, `${NAME}:${port}:somewhere`, `127.0.0.1:${port}:127.0.0.1`]) {
    const r = await runCli(['scan', '--resolve', bad, `https://${NAME}:${port}`]);
    assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /MG_ERR_USAGE/);
  }
});
