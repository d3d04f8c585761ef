import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { createAuthority, issueLeaf } from '../pki/index.js';
import { analyseCertificate, spkiPin } from './analysis.js';
import { parseCertificate } from './certificate.js';

const DAY = 86_400_000;
const root = createAuthority('Analysis Root');

test('the analysis reports names, key, algorithm, validity, fingerprint and URLs of a certificate', () => {
  const at = new Date();
  const built = issueLeaf(root, { names: ['a.test', '192.0.2.1'], notAfter: new Date(at.getTime() + 45.5 * DAY), extensions: { ocspUrl: 'http://ocsp.example.test', crlDistributionPoints: ['http://crl.example.test/r.crl'] } });
  const a = analyseCertificate(parseCertificate(built.der), at, true);
  assert.equal(a.subject, 'CN=a.test');
  assert.equal(a.issuer, 'CN=Analysis Root');
  assert.deepEqual(a.sans, ['DNS:a.test', 'IP:192.0.2.1']);
  assert.equal(a.keyType, 'ec');
  assert.equal(a.curve, 'P-256');
  assert.equal(a.signatureAlgorithm, 'ecdsa-with-SHA256');
  assert.equal(a.daysLeft, 45);
  assert.deepEqual(a.ocsp, ['http://ocsp.example.test']);
  assert.deepEqual(a.crlDistributionPoints, ['http://crl.example.test/r.crl']);
  assert.equal(a.sha256, new X509Certificate(built.der).fingerprint256.replace(/:/g, '').toLowerCase());
  assert.equal(a.isCa, false);
  assert.equal(a.selfSigned, false);
  assert.equal(a.scts, 0);
  assert.deepEqual(a.lints, []);
});

test('the SPKI pin is SHA-256 over the SubjectPublicKeyInfo, in curl --pinnedpubkey syntax', () => {
  const built = issueLeaf(root, { names: ['pin.test'] });
  const spki = new X509Certificate(built.der).publicKey.export({ type: 'spki', format: 'der' });
  assert.equal(spkiPin(parseCertificate(built.der)), `sha256//${createHash('sha256').update(spki).digest('base64')}`);
});

test('lints: expired, expiring within 30 days, validity over 398 days, missing SAN, SHA-1', () => {
  const lints = (opts: Parameters<typeof issueLeaf>[1]) => analyseCertificate(parseCertificate(issueLeaf(root, opts).der)).lints.map((l) => l.id).sort();
  assert.deepEqual(lints({ names: ['x.test'], notBefore: new Date(Date.now() - 100 * DAY), notAfter: new Date(Date.now() - DAY) }), ['expired']);
  assert.deepEqual(lints({ names: ['x.test'], notAfter: new Date(Date.now() + 10 * DAY) }), ['expiring-soon']);
  assert.deepEqual(lints({ names: ['x.test'], notAfter: new Date(Date.now() + 500 * DAY) }), ['validity-too-long']);
  assert.deepEqual(lints({ names: [], subject: 'nosan.test' }), ['missing-san']);
  assert.deepEqual(lints({ names: ['x.test'], hash: 'sha1' }), ['sha1-signature']);
});

test('a self-signed root is analysed as a CA and its own SHA-1 signature is not a lint', () => {
  const sha1Root = createAuthority('Analysis SHA1 Root', { hash: 'sha1' });
  const a = analyseCertificate(parseCertificate(sha1Root.cert.der), new Date(), false);
  assert.equal(a.isCa, true);
  assert.equal(a.selfSigned, true);
  assert.deepEqual(a.lints, []);
});
