import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { isMitmError } from '../errors.js';
import { createAuthority } from './ca.js';
import { BoundedCache, cacheCandidates, CertificateMinter } from './mint.js';

const issuer = createAuthority('mint test CA');

test('a minted certificate covers the name and its wildcard and verifies against the issuer', () => {
  const minter = new CertificateMinter({ issuer });
  const m = minter.mint('www.example.com');
  const x = new X509Certificate(m.cert.pem);
  assert.equal(x.checkHost('www.example.com'), 'www.example.com');
  assert.equal(x.checkHost('api.example.com'), '*.example.com');
  assert.equal(x.checkHost('deep.www.example.com'), undefined);
  assert.ok(x.verify(new X509Certificate(issuer.cert.pem).publicKey));
  assert.equal(m.chain.length, 2);
});

test('minted leaves carry no subjectKeyIdentifier', () => {
  const m = new CertificateMinter({ issuer }).mint('ski.example.com');
  // id-ce-subjectKeyIdentifier 2.5.29.14 encodes as 06 03 55 1d 0e.
  assert.equal(Buffer.from(m.cert.der).includes(Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0e])), false);
});

test('the second request for a name, or a sibling under the same wildcard, is served from the cache', () => {
  const minter = new CertificateMinter({ issuer });
  const first = minter.mint('a.example.org');
  assert.equal(minter.mint('a.example.org'), first);
  assert.equal(minter.mint('b.example.org'), first);
  assert.deepEqual(minter.stats, { minted: 1, hits: 2 });
});

test('every minted leaf reuses one key', () => {
  const minter = new CertificateMinter({ issuer });
  assert.equal(minter.mint('one.test').key, minter.mint('two.test').key);
});

test('the cache is bounded and evicts the least recently used name', () => {
  const cache = new BoundedCache<number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  cache.get('a');
  cache.set('c', 3);
  assert.equal(cache.size, 2);
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a'), 1);
  const minter = new CertificateMinter({ issuer, capacity: 4 });
  for (let i = 0; i < 20; i++) minter.mint(`host${i}.bounded.test`);
  assert.ok(minter.cached <= 4);
});

test('wildcard lookup is one label deep and never for IPs or single labels', () => {
  assert.deepEqual(cacheCandidates('WWW.Example.COM.'), ['www.example.com', '*.example.com']);
  assert.deepEqual(cacheCandidates('example.com'), ['example.com']);
  assert.deepEqual(cacheCandidates('127.0.0.1'), ['127.0.0.1']);
  assert.deepEqual(cacheCandidates('localhost'), ['localhost']);
});

test('names that cannot be a host are refused with MG_ERR_TARGET', () => {
  const minter = new CertificateMinter({ issuer });
  for (const bad of ['', 'a b', 'x'.repeat(300), 'nul\0.test']) {
    assert.throws(() => minter.mint(bad), (e) => isMitmError(e, 'MG_ERR_TARGET'));
  }
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from './builder.js';

test('fast-path leaves pass strict openssl verification for a TLS server, from EC and RSA issuers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-mint-'));
  try {
    for (const key of [generateKeyPair({ type: 'ec', curve: 'P-256' }), generateKeyPair({ type: 'rsa', bits: 2048 })]) {
      const ca = createAuthority([['CN', 'mint strict CA'], ['O', 'mitmguard']], { key });
      const m = new CertificateMinter({ issuer: ca }).mint('www.strict.test');
      writeFileSync(join(dir, 'ca.pem'), ca.cert.pem);
      writeFileSync(join(dir, 'leaf.pem'), m.cert.pem);
      const out = execFileSync('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-verify_hostname', 'api.strict.test', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')], { encoding: 'utf8' });
      assert.match(out, /leaf\.pem: OK/);
      const x = new X509Certificate(m.cert.pem);
      assert.equal(x.subject, 'CN=www.strict.test');
      assert.equal(x.issuer, 'CN=mint strict CA\nO=mitmguard');
      assert.ok(new Date(x.validTo) > new Date());
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IP addresses are minted as iPAddress names', () => {
  const minter = new CertificateMinter({ issuer });
  assert.equal(new X509Certificate(minter.mint('127.0.0.1').cert.pem).checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(new X509Certificate(minter.mint('::1').cert.pem).checkIP('::1'), '::1');
  assert.equal(new X509Certificate(minter.mint('fd00::1:2').cert.pem).checkIP('fd00::1:2'), 'fd00::1:2');
});
