import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthority, issueLeaf, cachedKeyPair } from '../pki/index.js';
import { assessServerChain } from '../x509/assess.js';
import { parseCertificate } from '../x509/certificate.js';
import { TrustStore } from '../x509/trust-store.js';
import { CheckRegistry } from './registry.js';
import { certificateChecks } from './certificates.js';
import { catalogue } from './catalogue.js';

const DAY = 86_400_000;
const registry = new CheckRegistry(certificateChecks);
const root = createAuthority([['CN', 'Checks Root'], ['O', 'mitmguard']]);
const ica = createAuthority('Checks ICA', { issuer: root });
const anchors = new TrustStore([parseCertificate(root.cert.der)]);
const empty = new TrustStore();

const findings = (ders: Uint8Array[], host: string, opts: { anchors?: TrustStore; profile?: 'strict' | 'compatible' } = {}) =>
  registry.run('certificate-chain', assessServerChain(ders, { host, anchors: opts.anchors ?? anchors, ...(opts.profile ? { profile: opts.profile } : {}) }), `${host}:443`);
const ids = (f: Array<{ id: string }>) => [...new Set(f.map((x) => x.id))].sort();

test('the certificate checks are in the global catalogue under certificate-chain', () => {
  for (const c of certificateChecks) assert.equal(catalogue.get(c.id)?.source, 'certificate-chain');
});

test('a valid, fresh chain for the right host yields no findings', () => {
  const leaf = issueLeaf(ica, { names: ['ok.test'] });
  assert.deepEqual(findings([leaf.der, ica.cert.der], 'ok.test'), []);
});

test('an expired leaf yields cert.chain.expired with the subject and date as evidence', () => {
  const leaf = issueLeaf(ica, { names: ['old.test'], notBefore: new Date(Date.now() - 100 * DAY), notAfter: new Date(Date.now() - 2 * DAY) });
  const f = findings([leaf.der, ica.cert.der], 'old.test');
  assert.deepEqual(ids(f), ['cert.chain.expired']);
  assert.equal(f[0]!.severity, 'critical');
  assert.match(f[0]!.evidence, /certificate 0 \(CN=old\.test\): expired at/);
});

test('self-signed, untrusted root, incomplete chain and host mismatch each have their own finding', () => {
  const self = issueLeaf(null, { names: ['self.test'] });
  assert.deepEqual(ids(findings([self.der], 'self.test')), ['cert.chain.self-signed']);
  const leaf = issueLeaf(ica, { names: ['a.test'] });
  assert.deepEqual(ids(findings([leaf.der, ica.cert.der, root.cert.der], 'a.test', { anchors: empty })), ['cert.chain.untrusted-root']);
  assert.deepEqual(ids(findings([leaf.der], 'a.test')), ['cert.chain.incomplete']);
  assert.deepEqual(ids(findings([leaf.der, ica.cert.der], 'b.test')), ['cert.chain.hostname-mismatch']);
});

test('a weak key is a finding under both profiles; the compatible profile makes the chain valid with warnings', () => {
  const leaf = issueLeaf(ica, { names: ['weak.test'], key: cachedKeyPair({ type: 'rsa', bits: 1024 }, 'checks-1024') });
  assert.deepEqual(ids(findings([leaf.der, ica.cert.der], 'weak.test')), ['cert.chain.weak-key']);
  const a = assessServerChain([leaf.der, ica.cert.der], { host: 'weak.test', anchors, profile: 'compatible' });
  assert.equal(a.valid, true);
  assert.deepEqual(ids(registry.run('certificate-chain', a, 'weak.test:443')), ['cert.chain.weak-key']);
});

test('expiring within 7 days is a high cert.lint.expiring-soon, within 30 days medium', () => {
  const soon = issueLeaf(ica, { names: ['soon.test'], notAfter: new Date(Date.now() + 3 * DAY) });
  const f = findings([soon.der, ica.cert.der], 'soon.test');
  assert.deepEqual(ids(f), ['cert.lint.expiring-soon']);
  assert.equal(f[0]!.severity, 'high');
  const later = issueLeaf(ica, { names: ['later.test'], notAfter: new Date(Date.now() + 20 * DAY) });
  assert.equal(findings([later.der, ica.cert.der], 'later.test')[0]!.severity, 'medium');
});

test('a leaf valid for more than 398 days yields cert.lint.validity-too-long', () => {
  const long = issueLeaf(ica, { names: ['long.test'], notAfter: new Date(Date.now() + 800 * DAY) });
  assert.deepEqual(ids(findings([long.der, ica.cert.der], 'long.test')), ['cert.lint.validity-too-long']);
});

test('other validation failures (an intermediate that is not a CA) are reported by cert.chain.invalid with the rule', () => {
  const notCa = createAuthority('Checks Not CA', { issuer: root, extensions: { basicConstraints: { ca: false } } });
  const leaf = issueLeaf(notCa, { names: ['x.test'] });
  const f = findings([leaf.der, notCa.cert.der], 'x.test');
  assert.deepEqual(ids(f), ['cert.chain.invalid']);
  assert.match(f.map((x) => x.evidence).join('\n'), /\[not-a-ca\]/);
});

test('a leaf without subjectAltName yields cert.lint.missing-san and the strict profile rule in cert.chain.invalid', () => {
  const leaf = issueLeaf(ica, { names: [], subject: 'nosan.test' });
  assert.deepEqual(ids(findings([leaf.der, ica.cert.der], 'nosan.test')), ['cert.chain.hostname-mismatch', 'cert.chain.invalid', 'cert.lint.missing-san']);
});

test('garbage instead of a certificate is a malformed verdict, not an exception', () => {
  const a = assessServerChain([Uint8Array.from([0x30, 0x03, 0x02, 0x01])], { host: 'g.test', anchors });
  assert.equal(a.valid, false);
  assert.equal(a.parseErrors[0]?.code, 'MG_ERR_X509_PARSE');
  assert.deepEqual(ids(registry.run('certificate-chain', a, 'g.test:443')), ['cert.chain.invalid']);
});

test('a SHA-1 signed leaf is a weak signature even when its chain is incomplete', () => {
  const leaf = issueLeaf(ica, { names: ['sha1.test'], hash: 'sha1' });
  assert.deepEqual(ids(findings([leaf.der], 'sha1.test')), ['cert.chain.incomplete', 'cert.chain.weak-signature']);
});
