import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCertificate, createAuthority, issueLeaf, cachedKeyPair, EKU, type KeySpec } from '../pki/index.js';
import { keyInfo, signatureAlgorithmName, verifySignedBy } from './algorithms.js';
import { parseCertificate } from './certificate.js';
import { TrustStore } from './trust-store.js';
import { validateChain } from './validate.js';

const SPECS: Array<[string, KeySpec, boolean, string]> = [
  ['ECDSA P-256', { type: 'ec', curve: 'P-256' }, false, 'ecdsa-with-SHA256'],
  ['ECDSA P-384', { type: 'ec', curve: 'P-384' }, false, 'ecdsa-with-SHA256'],
  ['ECDSA P-521', { type: 'ec', curve: 'P-521' }, false, 'ecdsa-with-SHA256'],
  ['RSA-2048 PKCS#1 v1.5', { type: 'rsa', bits: 2048 }, false, 'sha256WithRSAEncryption'],
  ['RSA-2048 PSS', { type: 'rsa', bits: 2048 }, true, 'rsassaPss(sha256)'],
  ['Ed25519', { type: 'ed25519' }, false, 'Ed25519'],
  ['Ed448', { type: 'ed448' }, false, 'Ed448'],
];

for (const [label, spec, pss, algName] of SPECS) {
  test(`a chain signed with ${label} validates, and a corrupted signature does not`, () => {
    const key = cachedKeyPair(spec, `alg-${label}`);
    const root = createAuthority(`Alg Root ${label}`, { key });
    const rootCert = parseCertificate(root.cert.der);
    const leafKey = cachedKeyPair({ type: 'ec', curve: 'P-256' }, 'alg-leaf');
    // issueLeaf has no PSS switch; build a PSS-signed leaf by hand through the builder when asked.
    const leaf = pss
      ? parseCertificate(issueLeafPss(root, leafKey))
      : parseCertificate(issueLeaf(root, { names: ['alg.test'], key: leafKey }).der);
    assert.equal(signatureAlgorithmName(leaf.signatureAlgorithm), algName);
    const r = validateChain(leaf, [], new TrustStore([rootCert]), { host: 'alg.test' });
    assert.deepEqual(r.errors, []);
    const bad = parseCertificate(issueLeaf(root, { names: ['alg.test'], key: leafKey, corruptSignature: true }).der);
    assert.equal(verifySignedBy(bad, rootCert).ok, false);
  });
}

function issueLeafPss(root: ReturnType<typeof createAuthority>, key: ReturnType<typeof cachedKeyPair>): Uint8Array {
  return buildCertificate({
    subject: 'alg.test', issuer: root.name, subjectKey: key, signingKey: root.key, pss: true,
    extensions: {
      basicConstraints: { ca: false }, keyUsage: { usages: ['digitalSignature'] }, extKeyUsage: { oids: [EKU.serverAuth] },
      subjectAltName: { entries: [{ dns: 'alg.test' }] }, authorityKeyIdentifier: root.cert.ski!,
    },
  }).der;
}

test('key analysis names type, size and curve, and flags what the strict profile refuses', () => {
  const info = (spec: KeySpec) => keyInfo(parseCertificate(createAuthority(`Key ${JSON.stringify(spec)}`, { key: cachedKeyPair(spec, `ki-${JSON.stringify(spec)}`) }).cert.der));
  assert.deepEqual(info({ type: 'ec', curve: 'P-384' }), { type: 'ec', bits: 384, curve: 'P-384' });
  assert.deepEqual(info({ type: 'rsa', bits: 2048 }), { type: 'rsa', bits: 2048 });
  assert.match(info({ type: 'rsa', bits: 1024 }).weakness ?? '', /1024 bits/);
  assert.match(info({ type: 'ec', curve: 'secp256k1' }).weakness ?? '', /secp256k1/);
  assert.deepEqual(info({ type: 'ed25519' }), { type: 'ed25519', bits: 256 });
});

test('an MD5-signed certificate is reported as a weak signature, not silently accepted', () => {
  const root = createAuthority('MD5 Root', { key: cachedKeyPair({ type: 'rsa', bits: 2048 }, 'md5-root') });
  const leaf = parseCertificate(issueLeaf(root, { names: ['md5.test'], hash: 'md5' }).der);
  const r = validateChain(leaf, [], new TrustStore([parseCertificate(root.cert.der)]), { host: 'md5.test' });
  assert.deepEqual(r.errors.map((e) => e.code), ['weak-signature']);
  assert.match(r.errors[0]!.message, /MD5/);
});
