import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { isMitmError } from '../../errors.js';
import { createAuthority, generateKeyPair, issueLeaf } from '../../pki/index.js';
import { createAuditLab, scenarioById } from './index.js';
import { upstreamTemplate } from './upstream.js';

const realIssuer = createAuthority([['C', 'US'], ['O', 'Real Trust Services'], ['CN', 'Real Issuing CA 7']], { key: generateKeyPair({ type: 'ec', curve: 'P-256' }) });
const real = issueLeaf(realIssuer, { names: ['www.real.test', 'real.test', '192.0.2.7'], key: generateKeyPair({ type: 'ec', curve: 'P-256' }) });

test('the mimic scenario copies subject, issuer name, names, validity and serial of the real certificate', () => {
  const lab = createAuditLab('www.real.test', { upstream: upstreamTemplate(real.pem) });
  const forged = new X509Certificate(scenarioById('mimic-upstream')!.chain!(lab).certs[0]!.pem);
  const original = new X509Certificate(real.pem);
  assert.equal(forged.subject, original.subject);
  assert.equal(forged.issuer, original.issuer);
  assert.equal(forged.subjectAltName, original.subjectAltName);
  assert.equal(forged.serialNumber, original.serialNumber);
  assert.equal(forged.validFrom, original.validFrom);
  assert.equal(forged.validTo, original.validTo);
  // … but it is signed by the attacker's twin, not by the real issuer.
  assert.equal(forged.verify(new X509Certificate(realIssuer.cert.pem).publicKey), false);
  assert.ok(forged.verify(new X509Certificate(lab.labCaTwin.cert.pem).publicKey));
});

test('a file that is not a certificate is refused with a MitmError code', () => {
  assert.throws(() => upstreamTemplate('not a pem'), (e) => isMitmError(e, 'MG_ERR_PEM'));
  assert.throws(() => upstreamTemplate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), (e) => isMitmError(e, 'MG_ERR_X509_PARSE'));
});
