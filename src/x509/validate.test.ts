import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthority, issueLeaf, buildCertificate, cachedKeyPair, EKU, type Authority } from '../pki/index.js';
import { parseCertificate, type Certificate } from './certificate.js';
import { TrustStore } from './trust-store.js';
import { PATH_LIMITS, validateChain } from './validate.js';

const DAY = 86_400_000;
const p = (der: Uint8Array): Certificate => parseCertificate(der);
const codes = (r: { errors: Array<{ code: string }> }) => r.errors.map((e) => e.code);

const root = createAuthority([['CN', 'Validate Root'], ['O', 'mitmguard tests']]);
const ica = createAuthority('Validate ICA', { issuer: root, pathLen: 0 });
const store = new TrustStore([p(root.cert.der)]);

test('a root → intermediate → leaf chain is valid for the leaf name and serverAuth', () => {
  const leaf = issueLeaf(ica, { names: ['www.example.test'] });
  const r = validateChain(p(leaf.der), [p(ica.cert.der)], store, { host: 'www.example.test' });
  assert.deepEqual(r.errors, []);
  assert.equal(r.valid, true);
  assert.deepEqual(r.path.map((c) => c.subject.text), ['CN=www.example.test', 'CN=Validate ICA', 'O=mitmguard tests,CN=Validate Root']);
});

test('an expired leaf fails with code expired at index 0', () => {
  const leaf = issueLeaf(ica, { names: ['old.test'], notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
  const r = validateChain(p(leaf.der), [p(ica.cert.der)], store, { host: 'old.test' });
  assert.equal(r.valid, false);
  assert.deepEqual(r.errors.map((e) => [e.code, e.certIndex]), [['expired', 0]]);
});

test('validity bounds are inclusive and the time is floored to seconds (RFC 5280 §4.1.2.5)', () => {
  const notAfter = new Date('2030-01-01T00:00:00Z');
  const leaf = p(issueLeaf(ica, { names: ['edge.test'], notBefore: new Date('2029-01-01T00:00:00Z'), notAfter }).der);
  assert.equal(validateChain(leaf, [p(ica.cert.der)], store, { at: new Date(notAfter.getTime() + 999) }).valid, true);
  assert.deepEqual(codes(validateChain(leaf, [p(ica.cert.der)], store, { at: new Date(notAfter.getTime() + 1000) })), ['expired']);
});

test('a wrong name fails with hostname-mismatch; a clientAuth-only leaf fails for server purpose', () => {
  const leaf = p(issueLeaf(ica, { names: ['a.test'] }).der);
  assert.deepEqual(codes(validateChain(leaf, [p(ica.cert.der)], store, { host: 'b.test' })), ['hostname-mismatch']);
  const client = p(issueLeaf(ica, { names: ['a.test'], eku: [EKU.clientAuth] }).der);
  assert.deepEqual(codes(validateChain(client, [p(ica.cert.der)], store, { host: 'a.test' })), ['extended-key-usage']);
  assert.equal(validateChain(client, [p(ica.cert.der)], store, { purpose: 'client' }).valid, true);
});

test('a leaf used as an issuer fails with not-a-ca', () => {
  const fakeCa: Authority = { name: 'Not A CA', key: cachedKeyPair({ type: 'ec', curve: 'P-256' }, 'not-ca'), cert: issueLeaf(ica, { names: ['notca.test'], subject: 'Not A CA', key: cachedKeyPair({ type: 'ec', curve: 'P-256' }, 'not-ca'), extensions: { subjectKeyIdentifier: true } }) };
  const leaf = issueLeaf(fakeCa, { names: ['victim.test'] });
  const r = validateChain(p(leaf.der), [p(fakeCa.cert.der), p(ica.cert.der)], store, { host: 'victim.test' });
  assert.equal(r.valid, false);
  assert.ok(codes(r).includes('not-a-ca'), JSON.stringify(r.errors));
});

test('pathLenConstraint 0 forbids a further intermediate', () => {
  const sub = createAuthority('Validate Sub ICA', { issuer: ica });
  const leaf = issueLeaf(sub, { names: ['deep.test'] });
  const r = validateChain(p(leaf.der), [p(sub.cert.der), p(ica.cert.der)], store, { host: 'deep.test' });
  assert.ok(codes(r).includes('path-length'), JSON.stringify(r.errors));
});

test('without the root in the store the chain is untrusted-root; without the intermediate it is incomplete; alone it is self-signed', () => {
  const leaf = p(issueLeaf(ica, { names: ['x.test'] }).der);
  const empty = new TrustStore();
  assert.equal(validateChain(leaf, [p(ica.cert.der), p(root.cert.der)], empty).errors[0]?.code, 'untrusted-root');
  assert.equal(validateChain(leaf, [], store).errors[0]?.code, 'incomplete-chain');
  const self = p(issueLeaf(null, { names: ['self.test'] }).der);
  assert.equal(validateChain(self, [], store, { host: 'self.test' }).errors[0]?.code, 'self-signed');
});

test('path building backtracks past an intermediate that fails to one that passes', () => {
  // Two certificates for the same intermediate name and key: one expired, one current.
  const key = cachedKeyPair({ type: 'ec', curve: 'P-256' }, 'twin');
  const expired = createAuthority('Twin ICA', { issuer: root, key, notBefore: new Date(Date.now() - 800 * DAY), notAfter: new Date(Date.now() - 400 * DAY) });
  const current = createAuthority('Twin ICA', { issuer: root, key });
  const leaf = issueLeaf(current, { names: ['twin.test'] });
  const r = validateChain(p(leaf.der), [p(expired.cert.der), p(current.cert.der)], store, { host: 'twin.test' });
  assert.equal(r.valid, true, JSON.stringify(r.errors));
  assert.equal(r.path[1]!.fingerprint, p(current.cert.der).fingerprint);
});

test('weak keys and SHA-1 signatures are errors under strict and warnings under compatible', () => {
  const weakRoot = createAuthority('Weak Root', { key: { type: 'rsa', bits: 1024 }, hash: 'sha1' });
  const leaf = p(issueLeaf(weakRoot, { names: ['weak.test'], hash: 'sha1' }).der);
  const s = new TrustStore([p(weakRoot.cert.der)]);
  const strict = validateChain(leaf, [], s, { host: 'weak.test' });
  assert.equal(strict.valid, false);
  assert.deepEqual([...new Set(codes(strict))].sort(), ['weak-key', 'weak-signature']);
  const compat = validateChain(leaf, [], s, { host: 'weak.test', profile: 'compatible' });
  assert.equal(compat.valid, true);
  assert.deepEqual([...new Set(compat.warnings.map((w) => w.code))].sort(), ['weak-key', 'weak-signature']);
});

test('an unknown critical extension in the leaf makes the chain invalid (RFC 5280 §4.2)', () => {
  const leaf = p(issueLeaf(ica, { names: ['crit.test'], extensions: { raw: [{ oid: '1.3.6.1.4.1.55738.666.1', critical: true, value: Uint8Array.from([0x05, 0x00]) }] } }).der);
  assert.deepEqual(codes(validateChain(leaf, [p(ica.cert.der)], store, { host: 'crit.test' })), ['unknown-critical-extension']);
});

test('a name outside a permitted DNS subtree fails name-constraints', () => {
  const nc = createAuthority('NC ICA', { issuer: root, extensions: { nameConstraints: { permitted: [{ dns: 'corp.test' }] } } });
  const ok = p(issueLeaf(nc, { names: ['a.corp.test'] }).der);
  const bad = p(issueLeaf(nc, { names: ['evil.test'] }).der);
  assert.equal(validateChain(ok, [p(nc.cert.der)], store, { host: 'a.corp.test' }).valid, true);
  assert.deepEqual(codes(validateChain(bad, [p(nc.cert.der)], store, { host: 'evil.test' })), ['name-constraints']);
});

test('a bag of 10,000 unrelated intermediates does not slow path building: candidates are looked up by subject', () => {
  const leaf = p(issueLeaf(ica, { names: ['bag.test'] }).der);
  const filler = p(createAuthority('Filler CA', { issuer: root }).cert.der);
  const bag: Certificate[] = Array.from({ length: 10_000 }, () => filler);
  const r = validateChain(leaf, [...bag, p(ica.cert.der)], store, { host: 'bag.test' });
  assert.equal(r.valid, true);
  assert.ok(r.stats.edges <= 2, `edges ${r.stats.edges}`);
});

test('10,000 intermediates that all claim the issuer name hit the work bound and fail with work-limit', () => {
  const key = cachedKeyPair({ type: 'ec', curve: 'P-256' }, 'imposter');
  const leaf = p(issueLeaf(ica, { names: ['dos.test'] }).der);
  // Same subject as the real issuer, wrong key: every one is a candidate whose signature check fails.
  // Ten distinct certificates, each parsed 1,000 times: 10,000 candidates with no shared verification cache entries.
  const ders = Array.from({ length: 10 }, (_, i) => buildCertificate({ subject: 'Validate ICA', issuer: 'Nobody', subjectKey: key, signingKey: key, serial: Uint8Array.from([1, i]), extensions: { basicConstraints: { ca: true } } }).der);
  const imposters = Array.from({ length: 10_000 }, (_, i) => p(ders[i % 10]!));
  const r = validateChain(leaf, imposters, store, { host: 'dos.test' });
  assert.equal(r.valid, false);
  assert.equal(r.errors[0]?.code, 'work-limit');
  assert.ok(r.stats.signatureVerifications <= PATH_LIMITS.maxSignatureVerifications + 1);
});

test('a required key usage missing from the leaf keyUsage fails with key-usage (RFC 5280 §4.2.1.3)', () => {
  const leaf = p(issueLeaf(ica, { names: ['ku.test'], extensions: { keyUsage: { usages: ['keyAgreement'] } } }).der);
  assert.deepEqual(codes(validateChain(leaf, [p(ica.cert.der)], store, { host: 'ku.test', keyUsage: ['digitalSignature'] })), ['key-usage']);
  assert.equal(validateChain(leaf, [p(ica.cert.der)], store, { host: 'ku.test' }).valid, true);
});

test('a client certificate is matched on its rfc822Name SAN: domain case-insensitive, local part exact', () => {
  const leaf = p(issueLeaf(ica, { names: [], subject: 'Alice', eku: [EKU.clientAuth], extensions: { subjectAltName: { entries: [{ email: 'Alice@Example.test' }] } } }).der);
  const v = (email: string) => codes(validateChain(leaf, [p(ica.cert.der)], store, { purpose: 'client', emails: [email] }));
  assert.deepEqual(v('Alice@example.TEST'), []);
  assert.deepEqual(v('alice@example.test'), ['hostname-mismatch']);
});
