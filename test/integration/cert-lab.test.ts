/**
 * The embedded lab's deliberately flawed chains (src/lab/pki.ts), judged as the scanner will judge them once wired:
 * each flaw yields exactly its own certificate finding, and the good chains none — with the lab root as the
 * organisation's extra anchor (`mitmguard scan --ca`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLabPki, LAB_NAMES, LEAF_KINDS, type LeafKind } from '../../src/lab/pki.js';
import { assessServerChain, certificatesFromPemOrDer, parseCertificate, TrustStore, nodeTrustStore } from '../../src/x509/index.js';
import { catalogue } from '../../src/checks/catalogue.js';

const EXPECTED: Record<LeafKind, string[]> = {
  good: [],
  rsa: [],
  expired: ['cert.chain.expired'],
  'self-signed': ['cert.chain.self-signed'],
  'wrong-host': ['cert.chain.hostname-mismatch'],
  'incomplete-chain': ['cert.chain.incomplete'],
  'weak-key': ['cert.chain.weak-key'],
  sha1: ['cert.chain.weak-signature'],
  'dns-names': [],
};

test('every lab chain yields exactly the certificate finding of its flaw, and the good ones none', () => {
  const lab = createLabPki();
  const extraAnchors = new TrustStore(certificatesFromPemOrDer(lab.rootPem).map(parseCertificate));
  for (const kind of LEAF_KINDS) {
    const a = assessServerChain(certificatesFromPemOrDer(lab.credentials[kind].certPem), { host: LAB_NAMES[0]!, anchors: nodeTrustStore(), extraAnchors });
    const ids = [...new Set(catalogue.run('certificate-chain', a, `lab:${kind}`).map((f) => f.id))].sort();
    assert.deepEqual(ids, EXPECTED[kind], `lab ${kind}: ${JSON.stringify(a.errors)}`);
    assert.equal(a.valid, EXPECTED[kind].length === 0, `lab ${kind} validity`);
  }
});
