/**
 * The lab's tunnelled twin (issue 15) against curl: behind src/tunnel, the mtls-requested endpoint answers only a
 * client with a certificate of the lab client CA; without one, or with one from another CA, curl gets no answer. The
 * twin's key file is 0600 in a directory of its own and gone when the lab stops.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthority, EKU, issueLeaf, privateKeyPem } from '../../src/pki/index.js';
import { createLabPki, startLab, startLabTunnel, type Lab } from '../../src/lab/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-lab-tunnel-test-'));
const pki = createLabPki();
let lab: Lab;
const f = (name: string) => join(dir, name);

before(async () => {
  lab = await startLab({ pki, only: ['mtls-requested', 'mtls-tunnelled'] });
  writeFileSync(f('root.pem'), lab.rootPem);
  const ours = issueLeaf(pki.clientCa, { names: [], subject: 'lab client', eku: [EKU.clientAuth] });
  writeFileSync(f('client.pem'), ours.pem);
  writeFileSync(f('client.key'), privateKeyPem(ours.keyPair), { mode: 0o600 });
  const otherCa = createAuthority([['CN', 'not the lab client CA']]);
  const other = issueLeaf(otherCa, { names: [], subject: 'stranger', eku: [EKU.clientAuth] });
  writeFileSync(f('other.pem'), other.pem);
  writeFileSync(f('other.key'), privateKeyPem(other.keyPair), { mode: 0o600 });
});
after(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const port = (name: string) => lab.endpoints.find((e) => e.spec.name === name)!.port;

function curl(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '10', '--cacert', f('root.pem'), ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

test('before: the bare endpoint answers a client without a certificate', async () => {
  const r = await curl([`https://127.0.0.1:${port('mtls-requested')}/`]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /mitmguard lab: mtls-requested/);
});

test('after: through the tunnel, a lab-client-CA certificate reaches the same endpoint; no certificate or a stranger\'s does not', async () => {
  const url = `https://127.0.0.1:${port('mtls-tunnelled')}/`;
  const ok = await curl(['--cert', f('client.pem'), '--key', f('client.key'), url]);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /mitmguard lab: mtls-requested/, 'the tunnel relays to the backend');
  const none = await curl([url]);
  assert.notEqual(none.code, 0, none.out);
  assert.doesNotMatch(none.out, /mitmguard lab:/);
  const stranger = await curl(['--cert', f('other.pem'), '--key', f('other.key'), url]);
  assert.notEqual(stranger.code, 0, stranger.out);
  assert.doesNotMatch(stranger.out, /mitmguard lab:/);
});

test('the tunnel\'s key is written 0600 in a 0700 directory and removed at stop', async () => {
  const t = await startLabTunnel(pki, '127.0.0.1', 0, port('mtls-requested'));
  const key = join(t.materialDir, 'tunnel.key');
  try {
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal(statSync(t.materialDir).mode & 0o777, 0o700);
  } finally {
    await t.stop();
  }
  assert.equal(existsSync(t.materialDir), false);
});
