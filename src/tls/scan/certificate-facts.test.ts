import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../../errors.js';
import { createAuthority, issueLeaf } from '../../pki/index.js';
import { certificateFacts } from './certificate-facts.js';

describe('certificate facts', () => {
  it('reads subject, issuer, names, key and signature algorithm of a presented certificate', () => {
    const ca = createAuthority('Facts CA', { key: { type: 'rsa', bits: 2048 }, hash: 'sha384' });
    const leaf = issueLeaf(ca, { names: ['www.example.test', '192.0.2.1'], key: { type: 'ec', curve: 'P-384' }, hash: 'sha384' });
    const f = certificateFacts(leaf.der);
    assert.equal(f.subject, 'CN=www.example.test');
    assert.equal(f.issuer, 'CN=Facts CA');
    assert.deepEqual(f.sans, ['www.example.test', '192.0.2.1']);
    assert.equal(f.keyType, 'ec');
    assert.equal(f.keyBits, 384);
    assert.equal(f.signatureAlgorithm, 'sha384WithRSAEncryption');
    assert.match(f.sha256, /^[0-9a-f]{64}$/);
    assert.match(f.pem, /^-----BEGIN CERTIFICATE-----\n/);
    assert.ok(Date.parse(f.notAfter) > Date.parse(f.notBefore));
  });

  it('rejects bytes that are not a certificate with MG_ERR_X509_PARSE', () => {
    assert.throws(() => certificateFacts(Uint8Array.of(0x30, 0x03, 2, 1, 0)), (e) => isMitmError(e, 'MG_ERR_X509_PARSE'));
  });
});
