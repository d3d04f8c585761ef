import assert from 'node:assert/strict';
import { it } from 'node:test';
import { suiteWeakness } from './tls.js';

it('judges negotiated suites as RFC 9325 does: broken ciphers high, missing forward secrecy or 3DES medium, modern ones fine', () => {
  assert.deepEqual(suiteWeakness('TLS_RSA_WITH_AES_128_CBC_SHA'), { reasons: ['no forward secrecy (RSA key exchange)'], severity: 'medium' });
  assert.equal(suiteWeakness('TLS_RSA_WITH_RC4_128_SHA')!.severity, 'high');
  assert.equal(suiteWeakness('TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA')!.severity, 'medium');
  assert.equal(suiteWeakness('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'), null);
  assert.equal(suiteWeakness('TLS_AES_128_GCM_SHA256'), null);
});
