/**
 * The hostile endpoint itself: hostile clients (garbage, stalling, flooding) cannot stop an audit; listen mode judges
 * what a client sent on its own; proxy mode mints per requested host; the CLI prints one JSON document and exits 1
 * when a forged scenario was accepted.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { startAudit, type AuditSession } from '../../src/audit/index.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

const run = promisify(execFile);
const sessions: AuditSession[] = [];
after(async () => {
  for (const s of sessions) await s.stop();
});

async function open(options: Parameters<typeof startAudit>[0]): Promise<AuditSession> {
  const s = await startAudit(options);
  sessions.push(s);
  return s;
}

const portOf = (s: AuditSession, id: string) => Number(s.placeholders(id).port);

/** Send raw bytes and resolve when the server closes the connection (or after `waitMs`). */
function rawClient(port: number, payload: Buffer | null, waitMs = 15_000): Promise<'closed' | 'still-open'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      if (payload) socket.write(payload);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('still-open');
    }, waitMs);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
    socket.resume();
  });
}

test('garbage, a stalled client and a flood are cut off, and the next real client is still judged', async () => {
  const s = await open({ protocol: 'https', only: ['self-signed'], limits: { idleMs: 1500, maxBytes: 256 * 1024 } });
  const port = portOf(s, 'self-signed');
  const [garbage, stalled, flood] = await Promise.all([
    rawClient(port, Buffer.from('\x16\x03\x01\x00\x05garbage-that-is-not-a-client-hello')),
    rawClient(port, null),
    rawClient(port, Buffer.alloc(2 * 1024 * 1024, 0x41)),
  ]);
  assert.deepEqual([garbage, stalled, flood], ['closed', 'closed', 'closed']);
  await run('curl', ['-sSk', '--max-time', '10', '-u', `audit:${s.token}`, s.placeholders('self-signed').url]);
  await s.endpoint.settle('self-signed', 2000);
  const results = s.results();
  const r = results.find((x) => x.scenario === 'self-signed')!;
  assert.equal(r.verdict, 'accepted');
  assert.equal(r.connections, 4);
  const records = s.endpoint.records('self-signed');
  assert.ok(records.some((c) => c.handshake?.error), 'the garbage handshake is recorded as a TLS failure');
});

test('a flooding HTTP client on a plaintext scenario hits the head limit and is recorded with MG_ERR_TOO_LARGE', async () => {
  const s = await open({ protocol: 'https', only: ['hsts-downgrade'], limits: { idleMs: 3000 } });
  const port = portOf(s, 'hsts-downgrade');
  assert.equal(await rawClient(port, Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nX: '), Buffer.alloc(64 * 1024, 0x61)])), 'closed');
  await s.endpoint.settle('hsts-downgrade', 1000);
  const record = s.endpoint.records('hsts-downgrade')[0]!;
  assert.equal(record.aborted?.code, 'MG_ERR_TOO_LARGE');
});

test('too many connections to one scenario are refused beyond the per-scenario limit', async () => {
  const s = await open({ protocol: 'tls', only: ['self-signed'], limits: { maxConnectionsPerScenario: 3, idleMs: 2000 } });
  const port = portOf(s, 'self-signed');
  await Promise.all(Array.from({ length: 6 }, () => rawClient(port, Buffer.from('x'))));
  assert.equal(s.endpoint.records('self-signed').length, 3);
  assert.equal(s.endpoint.dropped('self-signed'), 3);
});

test('listen mode: a client that is not scripted connects on its own, and the verdicts come from what arrived', async () => {
  const s = await open({ protocol: 'tls', only: ['untrusted-ca', 'expired'] });
  const ca = readFileSync(s.caFile);
  const send = (id: string, rejectUnauthorized: boolean) =>
    new Promise<void>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: portOf(s, id), servername: 'localhost', ca, rejectUnauthorized }, () => {
        socket.end(`token=${s.token}\n`);
      });
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.resume();
    });
  await send('baseline', true);
  await send('untrusted-ca', false); // a device that ignores verification
  await send('expired', true); // a device that verifies
  for (const id of ['baseline', 'untrusted-ca', 'expired']) await s.endpoint.settle(id, 2000);
  const report = await s.finish();
  const verdicts = Object.fromEntries(report.results.map((r) => [r.scenario, r.verdict]));
  assert.deepEqual(verdicts, { baseline: 'accepted', 'untrusted-ca': 'accepted', expired: 'rejected' });
  assert.equal(report.mode, 'listen');
  assert.deepEqual(report.findings.map((f) => f.id), ['audit.client.untrusted-ca']);
  assert.match(report.findings[0]!.evidence, /holds the canary token/);
});

test('proxy mode: curl -x gets a certificate minted for whatever host it asks, and the verdict follows the scenario', async () => {
  const s = await open({ protocol: 'https', proxy: true, only: ['untrusted-ca', 'wrong-host'] });
  const fetch = (id: string, extra: string[]) =>
    run('curl', ['-sS', '--max-time', '10', '-x', s.placeholders(id).proxy, '-u', `audit:${s.token}`, ...extra, 'https://api.example.com/v1'], { timeout: 20_000 }).catch((e) => e);
  await fetch('baseline', ['--cacert', s.caFile]);
  await fetch('untrusted-ca', ['-k']);
  await fetch('wrong-host', ['--cacert', s.caFile]);
  for (const id of ['baseline', 'untrusted-ca', 'wrong-host']) await s.endpoint.settle(id, 2000);
  const report = await s.finish();
  const by = Object.fromEntries(report.results.map((r) => [r.scenario, r]));
  assert.equal(by['baseline']!.verdict, 'accepted');
  assert.match(by['baseline']!.evidence, /SNI api\.example\.com.*GET \/v1/);
  assert.equal(by['untrusted-ca']!.verdict, 'accepted');
  assert.equal(by['wrong-host']!.verdict, 'rejected');
  assert.equal(report.mode, 'proxy');
});

test('proxy mode: a plain http:// request through the proxy is recorded as cleartext', async () => {
  const s = await open({ protocol: 'https', proxy: true, only: ['hsts-downgrade'] });
  await run('curl', ['-sS', '--max-time', '10', '-x', s.placeholders('hsts-downgrade').proxy, '-u', `audit:${s.token}`, 'http://api.example.com/login']).catch((e) => e);
  await s.endpoint.settle('hsts-downgrade', 2000);
  const r = s.results().find((x) => x.scenario === 'hsts-downgrade')!;
  assert.equal(r.verdict, 'accepted-plaintext');
  assert.match(r.evidence, /\[cleartext\] GET http:\/\/api\.example\.com\/login HTTP\/1\.1/);
});

test('HTTP/1.1 over TLS (ALPN http/1.1) is observed as well as HTTP/2', async () => {
  const s = await open({ protocol: 'https', only: [] });
  await run('curl', ['-sS', '--http1.1', '--max-time', '10', '--cacert', s.caFile, s.placeholders('baseline').url]);
  await s.endpoint.settle('baseline', 2000);
  const r = s.results()[0]!;
  assert.equal(r.verdict, 'accepted');
  assert.match(r.evidence, /ALPN http\/1\.1.*GET \/ HTTP\/1\.1/);
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('the CLI prints one JSON document and exits 1 when a forged scenario was accepted', async () => {
  const out = await cli(['audit-client', '--exec', 'curl -sSk --max-time 10 {url}', '--scenario', 'self-signed,tls10-only', '--format', 'json']);
  assert.equal(out.code, 1, out.stderr);
  const doc = JSON.parse(out.stdout);
  assert.deepEqual(
    doc.results.map((r: { scenario: string; verdict: string }) => [r.scenario, r.verdict]),
    [['baseline', 'accepted'], ['self-signed', 'accepted'], ['tls10-only', 'rejected']],
  );
  for (const r of doc.results) for (const k of ['scenario', 'title', 'verdict', 'evidence']) assert.ok(k in r, k);
  assert.deepEqual(doc.findings.map((f: { id: string }) => f.id), ['audit.client.self-signed']);
});

test('the CLI exits 0 for a verifying client, 2 when the baseline was not accepted, and 2 for a bad scenario id', async () => {
  const ok = await cli(['audit-client', '--exec', 'curl -sS --max-time 10 --cacert {ca} {url}', '--scenario', 'self-signed,wrong-host']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /No forged or degraded scenario was accepted/);
  // A client that does not trust {ca} rejects even the baseline: the run proves nothing and must not pass a CI job.
  const blind = await cli(['audit-client', '--exec', 'curl -sS --max-time 10 {url}', '--scenario', 'self-signed']);
  assert.equal(blind.code, 2, blind.stderr);
  assert.match(blind.stderr, /the baseline was rejected/);
  assert.match(blind.stdout, /inconclusive\s+self-signed/);
  const bad = await cli(['audit-client', '--exec', 'true', '--scenario', 'no-such-scenario']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /MG_ERR_USAGE: unknown scenario/);
});

test('the CLI writes SARIF, valid against the official schema, with one result per accepted forged scenario', async () => {
  const out = await cli(['audit-client', '--exec', 'curl -sSk --max-time 10 {url}', '--scenario', 'expired', '--format', 'sarif']);
  assert.equal(out.code, 1, out.stderr);
  const sarif = JSON.parse(out.stdout);
  assert.deepEqual(sarifErrors(sarif), []);
  const results = sarif.runs[0].results as Array<{ ruleId: string }>;
  assert.deepEqual(results.map((r) => r.ruleId), ['audit.client.expired']);
});

test('--mimic: the endpoint serves a look-alike of the real certificate, and a client that ignores verification accepts it', async () => {
  const { createAuthority, generateKeyPair, issueLeaf } = await import('../../src/pki/index.js');
  const realIssuer = createAuthority([['O', 'Real Trust Services'], ['CN', 'Real Issuing CA 7']], { key: generateKeyPair({ type: 'ec', curve: 'P-256' }) });
  const real = issueLeaf(realIssuer, { names: ['www.real.test'], key: generateKeyPair({ type: 'ec', curve: 'P-256' }) });
  const s = await open({ protocol: 'tls', host: 'www.real.test', mimic: real.pem, only: ['mimic-upstream'] });
  const seen = await new Promise<{ issuer: string; subject: string }>((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: portOf(s, 'mimic-upstream'), servername: 'www.real.test', rejectUnauthorized: false }, () => {
      const peer = socket.getPeerCertificate();
      socket.end(`token=${s.token}\n`);
      resolve({ issuer: String(peer.issuer.CN), subject: String(peer.subject.CN) });
    });
    socket.on('error', reject);
    socket.resume();
  });
  assert.deepEqual(seen, { issuer: 'Real Issuing CA 7', subject: 'www.real.test' });
  await s.endpoint.settle('mimic-upstream', 2000);
  assert.equal(s.results().find((r) => r.scenario === 'mimic-upstream')!.verdict, 'accepted');
});

test('a client that stalls in the TLS handshake of a non-HTTP protocol is cut off at the idle limit', async () => {
  const s = await open({ protocol: 'redis', only: [], limits: { idleMs: 1500 } });
  // A TLS record header that promises 5 bytes, then silence: the handshake can never finish.
  assert.equal(await rawClient(portOf(s, 'baseline'), Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05])), 'closed');
  assert.equal(await rawClient(portOf(s, 'baseline'), null), 'closed');
  await s.endpoint.settle('baseline', 1000);
  const records = s.endpoint.records('baseline');
  assert.equal(records.length, 2);
  assert.ok(records.every((r) => r.aborted?.code === 'MG_ERR_TIMEOUT'), JSON.stringify(records.map((r) => r.aborted)));
  // Connections without application data: the baseline is not accepted, so nothing else could be concluded either.
  assert.equal(s.results()[0]!.verdict, 'rejected');
});
