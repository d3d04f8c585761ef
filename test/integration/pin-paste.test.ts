/**
 * What `mitmguard cert pin` prints pastes into a policy's `pins:` and an inventory's `expect.pins` as it is (one pin
 * format, curl's `sha256//<base64>`); the legacy `sha256/` form still reads as the same pin; and a pin that matches no
 * presented key is still `policy.cert.pin-mismatch`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAuthority, issueLeaf } from '../../src/pki/index.js';
import { parseCertificate, spkiPin } from '../../src/x509/index.js';
import { startNodeTlsServer, type TestServer } from '../helpers/tls-servers.js';

const BIN = resolve(import.meta.dirname, '../../bin/mitmguard.js');
let server: TestServer;
let dir: string;
let printed: string;
const OTHER = spkiPin(parseCertificate(issueLeaf(createAuthority('Other CA'), { names: ['other.test'] }).der));

/** The CLI as a user runs it; asynchronous, because the server it scans lives in this process. */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) =>
      done({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

const pinFindings = (stdout: string) =>
  (JSON.parse(stdout) as { report: { findings: Array<{ id: string; evidence: string }> } }).report.findings.filter((f) => f.id === 'policy.cert.pin-mismatch');

before(async () => {
  server = await startNodeTlsServer();
  dir = mkdtempSync(join(tmpdir(), 'mitmguard-pin-'));
  writeFileSync(join(dir, 'ca.pem'), server.chainPem[1]!);
  const r = await cli(['cert', 'pin', server.target]);
  assert.equal(r.status, 0, r.stderr);
  printed = r.stdout.split('\n')[0]!.split(/\s+/)[0]!;
});

after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('cert pin prints the leaf pin in curl --pinnedpubkey form', async () => {
  assert.match(printed, /^sha256\/\/[A-Za-z0-9+/]{43}=$/);
  assert.equal(printed, spkiPin(parseCertificate(Buffer.from(server.chainPem[0]!.replace(/-----[^-]+-----|\s/g, ''), 'base64'))));
});

const policyWith = (pin: string) => `extends: intermediate\ntargets:\n  - pattern: "${server.target}"\n    pins: ["${pin}"]\n`;
const scanWithPolicy = (pin: string) => {
  writeFileSync(join(dir, 'policy.yaml'), policyWith(pin));
  return cli(['scan', '--tls-only', '--ca', 'ca.pem', '--policy', 'policy.yaml', '--format', 'json', '--fail-on', 'critical', server.target]);
};

test('the printed pin pasted into a policy is accepted and matches', async () => {
  const r = await scanWithPolicy(printed);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(pinFindings(r.stdout), []);
});

test('the legacy sha256/ form of the same pin reads as the same pin', async () => {
  const r = await scanWithPolicy(printed.replace('sha256//', 'sha256/'));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(pinFindings(r.stdout), []);
});

test('a policy pin of another key is still policy.cert.pin-mismatch', async () => {
  const r = await scanWithPolicy(OTHER);
  assert.equal(r.status, 1, r.stderr);
  const f = pinFindings(r.stdout);
  assert.equal(f.length, 1);
  assert.ok(f[0]!.evidence.includes(printed), f[0]!.evidence);
});

const scanInventoryWith = (pin: string) => {
  writeFileSync(join(dir, 'inventory.yaml'), `targets:\n  - target: ${server.target}\n    expect:\n      pins: ["${pin}"]\n`);
  return cli(['scan', '--tls-only', '--ca', 'ca.pem', '--inventory', 'inventory.yaml', '--journal', 'j.jsonl', '--format', 'json', '--fail-on', 'critical']);
};

test('the printed pin pasted into an inventory expect.pins is accepted and matches', async () => {
  const r = await scanInventoryWith(printed);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(pinFindings(r.stdout), []);
});

test('an inventory pin of another key is still policy.cert.pin-mismatch', async () => {
  const r = await scanInventoryWith(OTHER);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(pinFindings(r.stdout).length, 1);
});

test('a malformed pin is refused with the syntax that is accepted', async () => {
  writeFileSync(join(dir, 'policy.yaml'), policyWith('sha256:abc'));
  const r = await cli(['scan', '--tls-only', '--policy', 'policy.yaml', server.target]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /MG_ERR_CONFIG.*pins\[0\]: a pin is sha256\/\/ followed by 44 base64 characters/);
});
