import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthority, issueLeaf } from '../pki/index.js';
import { buildCrl, type CrlSpec } from '../pki/crl.js';
import { parseCertificate } from './certificate.js';
import { parseCrl, parseCrls } from './crl.js';
import { TrustStore } from './trust-store.js';
import { validateChain } from './validate.js';
import { isMitmError } from '../errors.js';

const root = createAuthority('CRL Root');
const other = createAuthority('CRL Other Root');
const store = new TrustStore([parseCertificate(root.cert.der)]);
const leaf = parseCertificate(issueLeaf(root, { names: ['crl.test'] }).der);
const verdict = (spec: Omit<CrlSpec, 'issuer'> & { issuer?: CrlSpec['issuer'] }, cert = leaf, anchors = store) => {
  const crl = parseCrl(buildCrl({ issuer: root, ...spec }).der);
  return validateChain(cert, [], anchors, { host: 'crl.test', crls: [crl] }).errors.map((e) => e.code);
};

test('a CRL parses: issuer, times, revoked serials and cRLNumber', () => {
  const built = buildCrl({ issuer: root, revoked: [leaf.serial], crlNumber: 42 });
  const [crl] = parseCrls(built.pem);
  assert.equal(crl!.issuer.text, 'CN=CRL Root');
  assert.equal(crl!.crlNumber, 42);
  assert.ok(crl!.revoked.has(leaf.serialHex));
  assert.ok(crl!.nextUpdate! > crl!.thisUpdate);
});

test('a certificate listed on its issuer\'s CRL is revoked; one not listed passes', () => {
  assert.deepEqual(verdict({ revoked: [leaf.serial] }), ['revoked']);
  assert.deepEqual(verdict({ revoked: [Uint8Array.from([0x01, 0x02])] }), []);
});

test('a CRL from another issuer does not affect the certificate', () => {
  const crl = parseCrl(buildCrl({ issuer: other, revoked: [leaf.serial] }).der);
  assert.deepEqual(validateChain(leaf, [], store, { host: 'crl.test', crls: [crl] }).errors, []);
});

test('unusable CRLs fail closed: missing or critical cRLNumber, bad signature (RFC 5280 §5.2.3, §6.3.3)', () => {
  assert.deepEqual(verdict({ crlNumber: null }), ['crl-invalid']);
  assert.deepEqual(verdict({ crlNumberCritical: true }), ['crl-invalid']);
  assert.deepEqual(verdict({ corruptSignature: true }), ['crl-invalid']);
});

test('a CRL signed by an issuer whose keyUsage lacks cRLSign is unusable', () => {
  const noCrlSign = createAuthority('CRL NoSign Root', { extensions: { keyUsage: { usages: ['keyCertSign'] } } });
  const l = parseCertificate(issueLeaf(noCrlSign, { names: ['crl.test'] }).der);
  const crl = parseCrl(buildCrl({ issuer: noCrlSign }).der);
  const r = validateChain(l, [], new TrustStore([parseCertificate(noCrlSign.cert.der)]), { host: 'crl.test', crls: [crl] });
  assert.deepEqual(r.errors.map((e) => e.code), ['crl-invalid']);
});

test('malformed CRL input is a MitmError, at every truncation', () => {
  const der = buildCrl({ issuer: root, revoked: [leaf.serial] }).der;
  for (let n = 0; n < der.length; n++) assert.throws(() => parseCrl(der.subarray(0, n)), (e: unknown) => isMitmError(e));
});
