import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EKU, issueLeaf, privateKeyPem } from '../../src/pki/index.js';
import { createLabPki, startLab, type Lab } from '../../src/lab/index.js';
import { runCli } from '../e2e/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-lab-'));
const pki = createLabPki();
let lab: Lab;
const rootFile = join(dir, 'root.pem');
const clientCert = join(dir, 'client.pem');
const clientKey = join(dir, 'client.key');

before(async () => {
  lab = await startLab({ pki });
  writeFileSync(rootFile, lab.rootPem);
  const client = issueLeaf(pki.clientCa, { names: [], subject: 'lab client', eku: [EKU.clientAuth] });
  writeFileSync(clientCert, client.pem);
  writeFileSync(clientKey, privateKeyPem(client.keyPair), { mode: 0o600 });
});
after(() => lab.stop());

const url = (name: string) => lab.endpoints.find((e) => e.spec.name === name)!.target;
const port = (name: string) => lab.endpoints.find((e) => e.spec.name === name)!.port;

function run(cmd: string, args: string[], input = ''): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
    child.stdin?.end(input);
  });
}

/** curl trusting only the lab root: what a correctly configured client would see. */
const curl = (name: string, ...extra: string[]) => run('curl', ['-sS', '--max-time', '10', '--cacert', rootFile, '-D', '-', '-o', '/dev/null', ...extra, `${url(name)}/`]);

test('the modern endpoint serves a valid chain to curl, with HSTS', async () => {
  const r = await curl('modern');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^HTTP\/1\.1 200/m);
  assert.match(r.out, /strict-transport-security: max-age=63072000; includeSubDomains; preload/i);
});

test('curl refuses the expired, self-signed, wrong-host and incomplete-chain endpoints for the reason each was built with', async () => {
  const expect: Record<string, RegExp> = {
    expired: /expired/i,
    'self-signed': /self[- ]signed/i,
    'wrong-host': /no alternative certificate subject name matches|does not match/i,
    'incomplete-chain': /unable to get local issuer certificate/i,
  };
  for (const [name, why] of Object.entries(expect)) {
    const r = await curl(name);
    assert.equal(r.code, 60, `${name}: curl exit 60 (peer certificate cannot be authenticated): ${r.out}`);
    assert.match(r.out, why, name);
  }
});

test('OpenSSL at its default security level rejects the RSA-1024 and SHA-1 leaves', async () => {
  for (const [name, why] of [['weak-key', /key too (small|weak)/i], ['sha1', /md too weak|ca md too weak|signature/i]] as const) {
    const r = await curl(name);
    assert.notEqual(r.code, 0, name);
    assert.match(r.out, why, `${name}: ${r.out}`);
  }
});

test('the legacy endpoint completes TLS 1.0 with a non-forward-secret suite; the modern one refuses TLS 1.1', async () => {
  const legacy = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port('legacy')}`, '-tls1', '-cipher', 'AES128-SHA:@SECLEVEL=0', '-brief'], 'Q\n');
  assert.match(legacy.out, /Protocol version: TLSv1\b/, legacy.out);
  assert.match(legacy.out, /Ciphersuite: AES128-SHA/);
  const modern = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port('modern')}`, '-tls1_1', '-cipher', 'ALL:@SECLEVEL=0', '-brief'], 'Q\n');
  assert.notEqual(modern.code, 0);
  assert.doesNotMatch(modern.out, /Protocol version: TLSv1\.1/);
});

test('the TLS 1.3-only endpoint refuses TLS 1.2 and accepts TLS 1.3', async () => {
  const r12 = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port('tls13-only')}`, '-tls1_2', '-brief'], 'Q\n');
  assert.notEqual(r12.code, 0);
  const r13 = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port('tls13-only')}`, '-tls1_3', '-brief'], 'Q\n');
  assert.match(r13.out, /Protocol version: TLSv1\.3/, r13.out);
});

test('mTLS: the required endpoint refuses curl without a client certificate and accepts one from the lab client CA; the requested one lets anyone in', async () => {
  const without = await curl('mtls-required');
  assert.notEqual(without.code, 0, without.out);
  const withCert = await curl('mtls-required', '--cert', clientCert, '--key', clientKey);
  assert.equal(withCert.code, 0, withCert.out);
  assert.match(withCert.out, /^HTTP\/1\.1 200/m);
  const requested = await curl('mtls-requested');
  assert.equal(requested.code, 0, requested.out);
});

test('plain HTTP answers in the clear; the redirect endpoint sends 301 to the HTTPS endpoint', async () => {
  const plain = await run('curl', ['-sS', '--max-time', '10', '-D', '-', '-o', '/dev/null', `${url('plain-http')}/`]);
  assert.match(plain.out, /^HTTP\/1\.1 200/m);
  const redirect = await run('curl', ['-sS', '--max-time', '10', '-D', '-', '-o', '/dev/null', `${url('http-redirect')}/x`]);
  assert.match(redirect.out, /^HTTP\/1\.1 301/m);
  assert.match(redirect.out, new RegExp(`^location: ${url('modern').replace(/[.]/g, '\\.')}/x`, 'mi'));
});

test('swaks upgrades the STARTTLS SMTP endpoint to TLS and finds no STARTTLS on the plaintext one', async () => {
  const good = await run('swaks', ['--server', `127.0.0.1:${port('smtp-starttls')}`, '--tls', '--quit-after', 'TLS', '--tls-verify', '--tls-ca-path', rootFile, '--to', 'a@lab.invalid', '--timeout', '10']);
  assert.equal(good.code, 0, good.out);
  assert.match(good.out, /<[-~] +220 ready to start TLS/);
  assert.match(good.out, /TLS started with cipher/);
  const plain = await run('swaks', ['--server', `127.0.0.1:${port('smtp-plaintext')}`, '--tls', '--quit-after', 'TLS', '--to', 'a@lab.invalid', '--timeout', '10']);
  assert.notEqual(plain.code, 0);
  assert.match(plain.out, /STARTTLS/);
  assert.match(plain.out, /250 AUTH PLAIN LOGIN/, 'the plaintext server offers AUTH before any TLS');
});

test('`mitmguard lab up` runs the lab in the background, `status` lists it, `down` stops it', { timeout: 120_000 }, async () => {
  const state = join(dir, 'state.json');
  const up = await runCli(['lab', 'up', '--state', state, '--format', 'json']);
  assert.equal(up.code, 0, up.stderr);
  const started = JSON.parse(up.stdout) as { pid: number; endpoints: Array<{ name: string; port: number }> };
  try {
    assert.equal(started.endpoints.length, lab.endpoints.length);
    const status = await runCli(['lab', 'status', '--state', state, '--format', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as { running: boolean; endpoints: Array<{ listening: boolean }> };
    assert.equal(s.running, true);
    assert.equal(s.endpoints.length, lab.endpoints.length, 'status lists every endpoint');
    assert.ok(s.endpoints.every((e) => e.listening), 'every endpoint answers');
    // The lab root, written beside the state file, serves as a private CA for `scan --ca`.
    const modern = started.endpoints.find((e) => e.name === 'modern')!;
    const scanned = await runCli(['scan', '--format', 'json', '--ca', join(dir, 'lab-root.pem'), `127.0.0.1:${modern.port}`]);
    const t0 = JSON.parse(scanned.stdout).targets[0];
    assert.equal(t0.certificateValidation.valid, true, scanned.stderr);
    assert.deepEqual(t0.findings.filter((f: { id: string }) => f.id.startsWith('cert.')), []);
    const again = await runCli(['lab', 'up', '--state', state]);
    assert.equal(again.code, 2, 'a second lab up is a usage error');
    assert.match(again.stderr, /already running/);
  } finally {
    const down = await runCli(['lab', 'down', '--state', state]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, new RegExp(`lab stopped \\(pid ${started.pid}\\)`));
  }
  assert.equal(existsSync(join(dir, 'lab-root.pem')), false, 'lab down removes the root file with the state');
  const after = await runCli(['lab', 'status', '--state', state]);
  assert.equal(after.code, 1);
  assert.match(after.stdout, /not running/);
});
