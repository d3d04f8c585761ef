/**
 * `mitmguard cert verify|show|pin` end to end: the real CLI (bundled with esbuild as the build does), a real HTTPS
 * server on loopback, and curl
 * checking that the pin we print is the one `curl --pinnedpubkey` accepts.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCertificate, cachedKeyPair, createAuthority, issueLeaf, privateKeyPem } from '../../src/pki/index.js';

const repo = resolve(new URL('../..', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'mg-cert-cli-'));
const DAY = 86_400_000;

const root = createAuthority([['CN', 'CLI Test Root'], ['O', 'mitmguard']]);
const ica = createAuthority('CLI Test ICA', { issuer: root, pathLen: 0 });
const leaf = issueLeaf(ica, { names: ['localhost', '127.0.0.1'] });
const expired = issueLeaf(ica, { names: ['old.test'], notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2020-03-01T00:00:00Z') });
const file = (name: string, text: string, mode = 0o644) => {
  const p = join(dir, name);
  writeFileSync(p, text, { mode });
  return p;
};
const rootPem = file('root.pem', root.cert.pem);
const bundlePem = file('bundle.pem', leaf.pem + ica.cert.pem);
const expiredPem = file('expired.pem', expired.pem + ica.cert.pem);
const keyPem = file('leaf.key', privateKeyPem(leaf.keyPair), 0o600);

let server: Server;
let port = 0;
/** The CLI bundled as `npm run build` bundles it, placed under node_modules/.cache so its packages resolve. */
let cliBundle = '';
let outdir = '';
before(async () => {
  const { build } = await import('esbuild');
  mkdirSync(join(repo, 'node_modules', '.cache'), { recursive: true });
  outdir = mkdtempSync(join(repo, 'node_modules', '.cache', 'mg-cert-cli-'));
  await build({ entryPoints: { cli: join(repo, 'src/cli/main.ts') }, outdir, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'error', outExtension: { '.js': '.mjs' } });
  cliBundle = join(outdir, 'cli.mjs');
  server = createServer({ cert: leaf.pem + ica.cert.pem, key: privateKeyPem(leaf.keyPair) }, (_req, res) => res.end('ok\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((res) => {
    execFile(cmd, args, { cwd: repo, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      res({ code, stdout, stderr });
    });
  });
}
const cli = (...args: string[]) => run(process.execPath, [cliBundle, ...args]);

test('cert verify exits 0 and reports the built path for a valid chain, host and purpose', async () => {
  const r = await cli('cert', 'verify', bundlePem, '--ca', rootPem, '--host', 'localhost', '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { valid: boolean; chain: Array<{ subject: string }>; errors: unknown[]; warnings: unknown[] };
  assert.equal(doc.valid, true);
  assert.deepEqual(doc.chain.map((c) => c.subject), ['CN=localhost', 'CN=CLI Test ICA', 'O=mitmguard,CN=CLI Test Root']);
  assert.deepEqual(doc.errors, []);
});

test('cert verify exits 1 with coded errors for the wrong host, and for an expired leaf', async () => {
  const wrong = await cli('cert', 'verify', bundlePem, '--ca', rootPem, '--host', 'example.org', '--format', 'json');
  assert.equal(wrong.code, 1);
  assert.deepEqual((JSON.parse(wrong.stdout) as { errors: unknown[] }).errors.map((e) => (e as { code: string; certIndex: number }).code), ['hostname-mismatch']);
  const old = await cli('cert', 'verify', expiredPem, '--ca', rootPem, '--host', 'old.test');
  assert.equal(old.code, 1);
  assert.match(old.stdout, /INVALID/);
  assert.match(old.stdout, /\[expired\] cert 0/);
});

test('cert verify --at judges the chain at another time: the expired leaf was valid in February 2020', async () => {
  // The intermediate and root were made now, so they were not valid then: only the leaf passes the time check.
  const r = await cli('cert', 'verify', expiredPem, '--ca', rootPem, '--host', 'old.test', '--at', '2020-02-01T00:00:00Z', '--format', 'json');
  const doc = JSON.parse(r.stdout) as { errors: Array<{ code: string; certIndex: number }> };
  assert.equal(r.code, 1);
  assert.ok(doc.errors.every((e) => e.certIndex !== 0), JSON.stringify(doc.errors));
  assert.ok(doc.errors.some((e) => e.code === 'not-yet-valid'));
});

test('cert verify exits 2 on usage errors: bad purpose, bad time, missing file', async () => {
  for (const args of [
    ['cert', 'verify', bundlePem, '--purpose', 'email'],
    ['cert', 'verify', bundlePem, '--at', 'yesterday-ish'],
    ['cert', 'verify', join(dir, 'missing.pem')],
  ]) {
    const r = await cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    // A missing file is an unreadable input (MG_ERR_IO, one message for every command: "<what> <path>: no such file").
    assert.match(r.stderr, args[2]!.endsWith('missing.pem') ? /MG_ERR_IO: certificate file .*missing\.pem: no such file/ : /MG_ERR_USAGE/);
  }
  const notCa = await cli('cert', 'verify', bundlePem, '--ca', file('empty.pem', 'no certificates here\n'));
  assert.equal(notCa.code, 2);
  assert.match(notCa.stderr, /MG_ERR_CONFIG: no usable trust anchor/);
});

test('cert show host:port fetches the presented chain from a live server and analyses it', async () => {
  const r = await cli('cert', 'show', `127.0.0.1:${port}`, '--sni', 'localhost', '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { certificates: Array<{ subject: string; sans: string[]; keyType: string; daysLeft: number; isCa: boolean }> };
  assert.equal(doc.certificates[0]!.subject, 'CN=localhost');
  assert.deepEqual(doc.certificates[0]!.sans, ['DNS:localhost', 'IP:127.0.0.1']);
  assert.equal(doc.certificates[1]!.subject, 'CN=CLI Test ICA');
  assert.equal(doc.certificates[1]!.isCa, true);
  assert.ok(doc.certificates[0]!.daysLeft > 80);
});

test('the pin cert pin prints is accepted by curl --pinnedpubkey, and a different pin is refused', async () => {
  const r = await cli('cert', 'pin', `127.0.0.1:${port}`, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const pins = (JSON.parse(r.stdout) as { pins: Array<{ pin: string }> }).pins;
  const fromFile = await cli('cert', 'pin', bundlePem, '--format', 'json');
  assert.deepEqual((JSON.parse(fromFile.stdout) as { pins: unknown[] }).pins, pins);
  const url = `https://localhost:${port}/`;
  const resolveArg = `localhost:${port}:127.0.0.1`;
  const ok = await run('curl', ['-sS', '--max-time', '20', '--resolve', resolveArg, '--cacert', rootPem, '--pinnedpubkey', pins[0]!.pin, url]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'ok\n');
  const bad = await run('curl', ['-sS', '--max-time', '20', '--resolve', resolveArg, '--cacert', rootPem, '--pinnedpubkey', pins[1]!.pin, url]);
  assert.equal(bad.code, 90, 'curl exit 90: SSL public key does not match pinned public key');
});

test('cert show on a closed port exits 2 with a connection error code', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const closed = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const r = await cli('cert', 'show', `127.0.0.1:${closed}`, '--timeout', '5000');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /MG_ERR_CONNECT/);
});

test('the leaf private key written for the server is mode 0600', async () => {
  const { statSync } = await import('node:fs');
  assert.equal(statSync(keyPem).mode & 0o777, 0o600);
});

test('bad input through the CLI: a truncated certificate is a malformed verdict (verify exits 1) or a parse error (show exits 2)', async () => {
  const truncated = file('truncated.der', '');
  writeFileSync(truncated, leaf.der.subarray(0, 100));
  const v = await cli('cert', 'verify', truncated, '--ca', rootPem, '--format', 'json');
  assert.equal(v.code, 1, v.stderr);
  assert.equal((JSON.parse(v.stdout) as { errors: Array<{ code: string }> }).errors[0]!.code, 'malformed');
  const s = await cli('cert', 'show', truncated);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /MG_ERR_X509_PARSE/);
});

test('a bundle of 10,000 intermediates that all claim the issuer name ends with a FAILURE verdict at the work bound', async () => {
  const key = cachedKeyPair({ type: 'ec', curve: 'P-256' }, 'cli-imposter');
  const imposters = Array.from({ length: 10 }, (_, i) =>
    buildCertificate({ subject: 'CLI Test ICA', issuer: 'Nobody', subjectKey: key, signingKey: key, serial: Uint8Array.from([1, i]), extensions: { basicConstraints: { ca: true } } }).pem);
  const bag = file('bag.pem', leaf.pem + Array.from({ length: 10_000 }, (_, i) => imposters[i % 10]).join(''));
  const r = await cli('cert', 'verify', bag, '--ca', rootPem, '--host', 'localhost', '--format', 'json');
  assert.equal(r.code, 1, r.stderr);
  const codes = (JSON.parse(r.stdout) as { errors: Array<{ code: string }> }).errors.map((e) => e.code);
  assert.equal(codes[0], 'work-limit', codes.join(','));
});

test('cert verify host:port judges the chain a live server presents, for the address or the --host name', async () => {
  const byIp = await cli('cert', 'verify', `127.0.0.1:${port}`, '--ca', rootPem, '--format', 'json');
  assert.equal(byIp.code, 0, byIp.stdout + byIp.stderr);
  const wrong = await cli('cert', 'verify', `127.0.0.1:${port}`, '--ca', rootPem, '--host', 'www.example.org', '--format', 'json');
  assert.equal(wrong.code, 1);
  assert.deepEqual((JSON.parse(wrong.stdout) as { errors: Array<{ code: string }> }).errors.map((e) => e.code), ['hostname-mismatch']);
});
