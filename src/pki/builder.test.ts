import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createAuthority, issueLeaf, EKU } from './index.js';
import { buildCertificate, cachedKeyPair } from './builder.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-pki-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
/** Real `openssl verify` on a root, an intermediate and a leaf. */
function opensslVerify(root: string, inter: string | null, leaf: string, extra: string[] = []) {
  const args = ['verify', '-CAfile', write('root.pem', root), ...(inter ? ['-untrusted', write('inter.pem', inter)] : []), ...extra, write('leaf.pem', leaf)];
  return spawnSync('openssl', args, { encoding: 'utf8' });
}

test('a root, an intermediate and a leaf built here verify with openssl for the leaf host', () => {
  const root = createAuthority([['CN', 'Test Root'], ['O', 'mitmguard']]);
  const inter = createAuthority('Test Intermediate', { issuer: root, pathLen: 0 });
  const leaf = issueLeaf(inter, { names: ['www.example.test', '127.0.0.1'] });
  const r = opensslVerify(root.cert.pem, inter.cert.pem, leaf.pem, ['-verify_hostname', 'www.example.test', '-purpose', 'sslserver']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const parsed = new X509Certificate(leaf.pem);
  assert.match(parsed.subjectAltName ?? '', /DNS:www.example.test, IP Address:127.0.0.1/);
  assert.ok(parsed.checkIssued(new X509Certificate(inter.cert.pem)));
});

test('deliberately wrong certificates come out wrong: bad signature, wrong host, expired, clientAuth-only', () => {
  const root = createAuthority('Flaw Root');
  const cases: Array<[string, ReturnType<typeof issueLeaf>, string[], RegExp]> = [
    ['corrupt signature', issueLeaf(root, { names: ['a.test'], corruptSignature: true }), [], /signature failure/],
    ['wrong host', issueLeaf(root, { names: ['b.test'] }), ['-verify_hostname', 'a.test'], /hostname mismatch/],
    ['expired', issueLeaf(root, { names: ['a.test'], notBefore: new Date(Date.now() - 9e9), notAfter: new Date(Date.now() - 8e9) }), [], /expired/],
    ['client only', issueLeaf(root, { names: ['a.test'], eku: [EKU.clientAuth] }), ['-purpose', 'sslserver'], /unsuitable certificate purpose/],
  ];
  for (const [name, leaf, extra, expected] of cases) {
    const r = opensslVerify(root.cert.pem, null, leaf.pem, extra);
    assert.notEqual(r.status, 0, `${name} should fail`);
    assert.match(r.stdout + r.stderr, expected, name);
  }
});

test('legacy algorithms can be built on purpose: MD5 and SHA-1 signatures, RSA-1024, v1 certificates', () => {
  const rsa1024 = cachedKeyPair({ type: 'rsa', bits: 1024 }, 'test');
  const md5 = buildCertificate({ subject: 'md5.test', subjectKey: rsa1024, hash: 'md5' });
  const sha1 = buildCertificate({ subject: 'sha1.test', subjectKey: rsa1024, hash: 'sha1', version: 1 });
  const text = (pem: string) => execFileSync('openssl', ['x509', '-noout', '-text'], { input: pem, encoding: 'utf8' });
  assert.match(text(md5.pem), /Signature Algorithm: md5WithRSAEncryption/);
  assert.match(text(md5.pem), /Public-Key: \(1024 bit\)/);
  assert.match(text(sha1.pem), /Version: 1 \(0x0\)/);
  assert.match(text(sha1.pem), /sha1WithRSAEncryption/);
  const ed = buildCertificate({ subject: 'ed.test', subjectKey: cachedKeyPair({ type: 'ed25519' }) });
  assert.ok(new X509Certificate(ed.pem).verify(new X509Certificate(ed.pem).publicKey));
  const pss = buildCertificate({ subject: 'pss.test', subjectKey: cachedKeyPair({ type: 'rsa', bits: 2048 }, 'test'), pss: true });
  assert.match(text(pss.pem), /rsassaPss/);
  assert.ok(new X509Certificate(pss.pem).verify(new X509Certificate(pss.pem).publicKey));
});
