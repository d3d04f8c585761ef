import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthority, issueLeaf, cachedKeyPair } from '../pki/index.js';
import { assessServerChain } from './assess.js';
import { parseCertificate } from './certificate.js';
import { TrustStore } from './trust-store.js';

const root = createAuthority('Assess Root');
const ica = createAuthority('Assess ICA', { issuer: root });
const anchors = new TrustStore([parseCertificate(root.cert.der)]);

test('assessServerChain returns plain data: the built path analysed, presented certificates in order, coded errors', () => {
  const leaf = issueLeaf(ica, { names: ['a.test'] });
  const a = assessServerChain([leaf.der, ica.cert.der], { host: 'a.test', anchors });
  assert.equal(a.valid, true);
  assert.equal(a.anchored, true);
  assert.equal(a.presentedCount, 2);
  assert.deepEqual(a.path.map((c) => c.subject), ['CN=a.test', 'CN=Assess ICA', 'CN=Assess Root']);
  assert.deepEqual(JSON.parse(JSON.stringify(a)), a, 'the assessment survives a JSON round trip unchanged');
});

test('an empty presented chain is a malformed verdict', () => {
  const a = assessServerChain([], { host: 'a.test', anchors });
  assert.equal(a.valid, false);
  assert.match(a.errors[0]!.message, /no certificate/);
});

test('mutated certificates never make assessServerChain throw: every outcome is a verdict', () => {
  const leafKey = cachedKeyPair({ type: 'rsa', bits: 2048 }, 'fuzz-leaf');
  const sources = [issueLeaf(ica, { names: ['f.test', '192.0.2.9'], extensions: { ocspUrl: 'http://o.test', crlDistributionPoints: ['http://c.test/c.crl'] } }).der, issueLeaf(ica, { names: ['r.test'], key: leafKey }).der, ica.cert.der];
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let i = 0; i < 3000; i++) {
    const src = sources[i % sources.length]!;
    const copy = Uint8Array.from(src);
    const flips = 1 + (rnd() % 3);
    for (let f = 0; f < flips; f++) copy[rnd() % copy.length] = rnd() & 0xff;
    const chain = i % 3 === 2 ? [sources[0]!, copy] : [copy, ica.cert.der];
    const a = assessServerChain(chain, { host: 'f.test', anchors });
    assert.equal(typeof a.valid, 'boolean');
  }
});
